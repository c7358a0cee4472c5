// `shoal ingest LOCATION [FILE...]`: appends growing log files (or stdin) to
// objects under a prefix, rolling by size and age, resumable after a crash
// through a local journal. See engine/write/ingester.h.
#include <unistd.h>

#include <cstdio>

#include "engine/auth/crypto.h"
#include "engine/base/join_path.h"
#include "engine/base/large_buffers.h"
#include "engine/store/store_stack.h"
#include "engine/write/ingester.h"
#include "index/writable_key.h"
#include "tools/cli/commands.h"
#include "tools/cli/interrupt_watch.h"
#include "tools/cli/store_flags.h"
#include "tools/cli/write_flags.h"

namespace shoal::cli {
namespace {

struct IngestArgs {
  std::string location;
  std::vector<std::string> files;
  std::string name;
  uint64_t roll_bytes = 64ull << 20;
  int64_t roll_seconds = 3600;
  double flush_seconds = 5;
  std::string journal;
  bool once = false;
  std::string append = "auto";
  StoreFlags store;
};

std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string DefaultJournal(const std::string& location, const std::vector<std::string>& files,
                           const std::string& name) {
  std::string identity = location + "\n" + name;
  for (const std::string& file : files) {
    identity += '\n';
    identity += file;
  }
  const Sha256Digest digest = Sha256(identity);
  return "/var/tmp/shoal-ingest-" + HexLower(digest.data(), 8) + ".journal";
}

int RunIngest(const IngestArgs& args) {
  // Freed upload parts go back to the kernel (engine/base/large_buffers.h);
  // if malloc refused, RSS would only stay higher.
  (void)ReturnLargeBuffersWhenFreed();
  Result<StoreUri> location = ParseStoreUri(args.location);
  if (!location.ok()) return Fail(location.status());
  if (!location->prefix.empty() && location->prefix.back() != '/') location->prefix += '/';
  std::vector<std::string> files = args.files.empty() ? std::vector<std::string>{"-"} : args.files;
  for (std::string& file : files) {
    if (file == "-" || file.empty() || file[0] == '/') continue;
    char cwd[4096];
    if (::getcwd(cwd, sizeof(cwd)) != nullptr) file = JoinPath(cwd, file);
  }
  if (!args.name.empty() && files.size() != 1) {
    return Fail(Status(ErrorCode::kInvalidArgument, "--name needs exactly one source"));
  }
  InterruptWatch interrupts;  // before any thread starts
  StoreStackOptions stack_options;
  stack_options.store = ToStoreOptions(args.store);
  Result<std::unique_ptr<StoreStack>> stack =
      StoreStack::Open(*location, stack_options, ProcessEnvironment());
  if (!stack.ok()) return Fail(stack.status());
  Result<AppendStrategy> strategy = ParseAppendStrategy(args.append);
  if (!strategy.ok()) return Fail(strategy.status());
  ObjectWriterOptions writer;
  ObjectAppender appender((*stack)->store(), *strategy, writer);
  IngestOptions options;
  options.prefix = location->prefix;
  options.roll_bytes = args.roll_bytes;
  options.roll_seconds = args.roll_seconds;
  options.flush_seconds = args.flush_seconds;
  options.follow = !args.once;
  options.journal_path =
      args.journal.empty() ? DefaultJournal(args.location, files, args.name) : args.journal;
  StderrLogSink log;
  Ingester ingester((*stack)->store(), appender, options, log);
  for (const std::string& file : files) {
    const std::string name =
        !args.name.empty() ? args.name : (file == "-" ? "stdin" : BaseName(file));
    if (Status s = CheckWritableKey(options.prefix + name); !s.ok()) {
      return Fail(s.WithContext("objects for " + file));
    }
    if (Status s = ingester.AddSource(file, name); !s.ok()) return Fail(s);
  }
  if (Status s = ingester.Resume(); !s.ok()) return Fail(s.WithContext(options.journal_path));
  Status ran = ingester.Run(interrupts.interrupted());
  const IngestStats& stats = ingester.stats();
  std::fprintf(
      stderr, "shoal: ingested %llu bytes in %llu appends to %llu new objects (%s)\n",
      static_cast<unsigned long long>(stats.bytes), static_cast<unsigned long long>(stats.appends),
      static_cast<unsigned long long>(stats.objects), AppendStrategyName(appender.last_used()));
  if (!ran.ok()) return Fail(ran);
  return kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest", "Append growing log files (or stdin) to objects under a prefix, resumably");
  cmd->add_option("location", args->location, "s3://bucket/prefix or file:///dir")->required();
  cmd->add_option("files", args->files, "files to tail (default: stdin; '-' is stdin)");
  cmd->add_option("--name", args->name,
                  "object name for a single source (default: its file name, or 'stdin')");
  cmd->add_option("--roll-bytes", args->roll_bytes, "start a new object after this size (64M)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(uint64_t{1}, uint64_t{5} << 40));
  cmd->add_option("--roll-seconds", args->roll_seconds,
                  "start a new object after this many seconds (default 3600)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  cmd->add_option("--flush-seconds", args->flush_seconds,
                  "the most seconds of data ever left unflushed (default 5)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--journal", args->journal,
                  "resume journal (default /var/tmp/shoal-ingest-<hash>.journal)");
  cmd->add_flag("--once", args->once, "read the files to their end and exit (default: follow)");
  cmd->add_option("--append", args->append, "auto (default), native or copy; see mount --write")
      ->check(CLI::IsMember({"auto", "native", "copy"}));
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunIngest(*args); });
}

}  // namespace shoal::cli
