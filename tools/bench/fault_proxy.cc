// shoal-fault-proxy: a loopback HTTP proxy in front of a real S3 server
// (Ceph RGW in the tests) that injects the failures a remote object store
// produces: 500 and 503 SlowDown answers, connection resets, stalls, slow
// bodies, short bodies, wrong Content-Lengths and wrong objects.
//
//   shoal-fault-proxy LISTEN_PORT UPSTREAM_PORT [--rules-file F] [--seed N]
//                     [--verbose] [RULE...]
//
// Faults come from rules (fault_rules.h), which a test replaces at runtime
// through /__fault__/rules (fault_control.h), so one proxy serves a whole
// test that switches faults on and off. A separate process rather than a
// library, so it sits in front of anything: the shoal binary, a mount, curl.
// It listens and connects on 127.0.0.1 only, and prints its port on stdout
// once it listens (LISTEN_PORT 0 picks a free one), so a test can start it
// and read where it is.
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/base/parse_decimal.h"
#include "tools/bench/fault_connection.h"
#include "tools/bench/fault_rules.h"
#include "tools/bench/loopback_socket.h"

namespace shoal::bench {
namespace {

constexpr const char* kUsage =
    "usage: shoal-fault-proxy LISTEN_PORT UPSTREAM_PORT [--rules-file F] [--seed N] [--verbose]\n"
    "                         [RULE...]\n"
    "Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:UPSTREAM_PORT, injecting faults by RULE.\n"
    "A RULE is one argument, e.g. \"fault=503 method=GET key=class-1/ percent=50\":\n"
    "  fault=500|503|reset|stall|trickle|truncate|bad-length|wrong-object|off\n"
    "  method=GET|PUT|POST|HEAD|DELETE|any  key=SUBSTRING  percent=0..100  limit=N\n"
    "  ms=N (stall)  bps=N (trickle)  bytes=N (truncate)  delta=N (bad-length)\n"
    "  at=request|response (500, 503, reset)\n"
    "Rules from --rules-file come first. GET/PUT/DELETE /__fault__/rules reads or replaces\n"
    "them at runtime. The listening port is printed on stdout.\n";

template <typename T>
bool ParseNumber(std::string_view text, T min, T max, T* out) {
  const std::optional<T> value = ParseDecimal<T>(text);
  if (!value || *value < min || *value > max) return false;
  *out = *value;
  return true;
}

struct Arguments {
  int listen_port = 0;
  int upstream_port = 0;
  uint64_t seed = 1;
  bool verbose = false;
  std::vector<FaultRule> rules;
};

Result<std::vector<FaultRule>> ReadRulesFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(ErrorCode::kNotFound, "cannot read rules file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return ParseRules(text.str(), "rules file " + path);
}

Result<Arguments> ParseArguments(int argc, char** argv) {
  Arguments args;
  std::vector<std::string_view> ports;
  std::string rules_file;
  std::vector<std::string_view> rule_lines;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    const bool valued = arg == "--rules-file" || arg == "--seed";
    if (valued) {
      if (i + 1 >= argc)
        return Status(ErrorCode::kInvalidArgument, std::string(arg) + " needs a value");
      value = argv[++i];
    } else if (const size_t eq = arg.find('=');
               arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (arg == "--verbose") {
      args.verbose = true;
    } else if (arg == "--rules-file") {
      rules_file = std::string(value);
    } else if (arg == "--seed") {
      if (!ParseNumber<uint64_t>(value, 0, UINT64_MAX, &args.seed)) {
        return Status(ErrorCode::kInvalidArgument,
                      "--seed wants a whole number, not " + std::string(value));
      }
    } else if (arg.starts_with("-")) {
      return Status(ErrorCode::kInvalidArgument, "unknown option " + std::string(arg));
    } else if (ports.size() < 2) {
      ports.push_back(arg);
    } else {
      rule_lines.push_back(arg);
    }
  }
  if (ports.size() < 2)
    return Status(ErrorCode::kInvalidArgument, "LISTEN_PORT and UPSTREAM_PORT are required");
  if (!ParseNumber(ports[0], 0, 65535, &args.listen_port)) {
    return Status(ErrorCode::kInvalidArgument, "bad LISTEN_PORT " + std::string(ports[0]));
  }
  if (!ParseNumber(ports[1], 1, 65535, &args.upstream_port)) {
    return Status(ErrorCode::kInvalidArgument, "bad UPSTREAM_PORT " + std::string(ports[1]));
  }
  if (!rules_file.empty()) {
    Result<std::vector<FaultRule>> from_file = ReadRulesFile(rules_file);
    if (!from_file.ok()) return from_file.status();
    args.rules = std::move(*from_file);
  }
  for (std::string_view line : rule_lines) {
    Result<FaultRule> rule = ParseRule(line);
    if (!rule.ok()) {
      return Status(ErrorCode::kInvalidArgument,
                    "rule argument \"" + std::string(line) + "\": " + rule.status().message());
    }
    args.rules.push_back(std::move(*rule));
  }
  return args;
}

int Run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Result<Arguments> args = ParseArguments(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "shoal-fault-proxy: %s\n%s", args.status().message().c_str(), kUsage);
    return 2;
  }
  FaultRules rules(args->seed);
  const size_t rule_count = args->rules.size();
  rules.Replace(std::move(args->rules));

  Result<UniqueFd> listener = ListenLoopback(args->listen_port);
  if (!listener.ok()) {
    std::fprintf(stderr, "shoal-fault-proxy: %s\n", listener.status().message().c_str());
    return 1;
  }
  const int port = BoundPort(listener->get());
  std::printf("%d\n", port);
  if (std::fflush(stdout) != 0) {
    std::perror("shoal-fault-proxy: stdout");
    return 1;
  }
  if (args->verbose) {
    std::fprintf(stderr, "shoal-fault-proxy: 127.0.0.1:%d -> 127.0.0.1:%d, %zu rules, seed %llu\n",
                 port, args->upstream_port, rule_count,
                 static_cast<unsigned long long>(args->seed));
  }

  const ProxyOptions options{args->upstream_port, args->verbose};
  while (true) {
    UniqueFd client(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client.valid()) {
      // Out of descriptors: wait for connections to end rather than spin.
      if (errno == EMFILE || errno == ENFILE) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      continue;
    }
    SetNoDelay(client.get());
    std::thread([client = std::move(client), &options, &rules]() mutable {
      ServeConnection(std::move(client), options, rules);
    }).detach();
  }
}

}  // namespace
}  // namespace shoal::bench

int main(int argc, char** argv) {
  try {
    return shoal::bench::Run(argc, argv);
  } catch (const std::exception& e) {  // out of memory or threads
    std::fprintf(stderr, "shoal-fault-proxy: %s\n", e.what());
    return 1;
  }
}
