// `shoal stats|refresh|prefetch MOUNTPOINT`: talk to a running mount over
// its control channel (see fuse/control_channel.h).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "fuse/control_channel.h"
#include "tools/cli/commands.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

int Send(const std::string& mountpoint, const std::string& command, const std::string& body) {
  Result<std::string> answer = SendControlRequest(mountpoint, command, body);
  if (!answer.ok()) {
    std::fprintf(stderr, "shoal: %s\n", answer.status().message().c_str());
    return kExitFailed;
  }
  std::fputs(answer->c_str(), stdout);
  return kExitOk;
}

// Paths in the list may be absolute (under the mountpoint) or relative to it.
Result<std::string> RelativePaths(const std::string& mountpoint, std::istream& in) {
  char resolved[PATH_MAX];
  if (::realpath(mountpoint.c_str(), resolved) == nullptr) {
    return Status(ErrorCode::kNotFound, "mountpoint " + mountpoint + " does not exist");
  }
  const std::string root = std::string(resolved) + "/";
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind(root, 0) == 0) line = line.substr(root.size());
    while (!line.empty() && line.front() == '/') line.erase(0, 1);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace

void AddControlCommands(CLI::App& app, int& exit_code) {
  auto mountpoint = std::make_shared<std::string>();
  CLI::App* stats =
      app.add_subcommand("stats", "Print a running mount's stats (Prometheus text format)");
  stats->add_option("mountpoint", *mountpoint, "where the snapshot is mounted")->required();
  stats->callback([mountpoint, &exit_code] { exit_code = Send(*mountpoint, "stats", ""); });

  auto refresh = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* r = app.add_subcommand("refresh", "Switch a running mount to a newer manifest");
  r->add_option("mountpoint", refresh->first, "where the snapshot is mounted")->required();
  r->add_option("manifest", refresh->second, "the new manifest file (same bucket and prefix)")
      ->required()
      ->check(CLI::ExistingFile);
  r->callback([refresh, &exit_code] {
    char resolved[PATH_MAX];
    if (::realpath(refresh->second.c_str(), resolved) == nullptr) {
      exit_code = Fail(Status(ErrorCode::kNotFound, "manifest " + refresh->second));
      return;
    }
    exit_code = Send(refresh->first, "refresh", resolved);
  });

  auto prefetch = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* p = app.add_subcommand("prefetch",
                                   "Tell a running mount which files will be read next, in order");
  p->add_option("mountpoint", prefetch->first, "where the snapshot is mounted")->required();
  p->add_option("listfile", prefetch->second, "one path per line, or - for stdin")->required();
  p->callback([prefetch, &exit_code] {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (prefetch->second != "-") {
      file.open(prefetch->second);
      if (!file) {
        exit_code = Fail(Status(ErrorCode::kNotFound, "list file " + prefetch->second));
        return;
      }
      in = &file;
    }
    Result<std::string> paths = RelativePaths(prefetch->first, *in);
    if (!paths.ok()) {
      exit_code = Fail(paths.status());
      return;
    }
    exit_code = Send(prefetch->first, "prefetch", *paths);
  });
}

}  // namespace shoal::cli
