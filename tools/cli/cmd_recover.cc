// `shoal recover LOCATION`: commits what a crashed writer left in its spool,
// without mounting. `shoal mount --write` does the same when it starts.
#include <cstdio>

#include "engine/base/large_buffers.h"
#include "engine/store/store_stack.h"
#include "engine/write/recovery.h"
#include "tools/cli/commands.h"
#include "tools/cli/engine_flags.h"
#include "tools/cli/write_flags.h"

namespace shoal::cli {
namespace {

struct RecoverArgs {
  std::string location;
  uint64_t part_size = 8ull << 20;
  WriteFlags write;
  StoreFlags store;
};

int RunRecover(const RecoverArgs& args) {
  // Freed upload parts go back to the kernel (engine/base/large_buffers.h);
  // if malloc refused, RSS would only stay higher.
  (void)ReturnLargeBuffersWhenFreed();
  Result<StoreUri> location = ParseStoreUri(args.location);
  if (!location.ok()) return Fail(location.status());
  if (!location->prefix.empty() && location->prefix.back() != '/') location->prefix += '/';
  StoreStackOptions options;
  options.store = ToStoreOptions(args.store);
  Result<std::unique_ptr<StoreStack>> stack =
      StoreStack::Open(*location, options, ProcessEnvironment());
  if (!stack.ok()) return Fail(stack.status());
  if (Status s = CheckUploadPartSize(args.part_size); !s.ok()) return Fail(s);
  if (args.write.durability == "memory") {
    return Fail(Status(ErrorCode::kInvalidArgument,
                       "--durability memory keeps no spool, so there is nothing to recover"));
  }
  const WriteFlags& write = args.write;
  const std::string dir = SpoolDirOf(write, *location);
  Result<std::unique_ptr<Spool>> spool = Spool::Open((*stack)->loop(), {dir, true});
  if (!spool.ok()) return Fail(spool.status());
  StderrLogSink log;
  RecoveryReport report =
      RecoverSpool((*stack)->store(), **spool, WriterOptionsOf(write, args.part_size),
                   AppendStrategyOf(write), location->prefix, log);
  std::printf("recovered %d objects (%llu bytes) from %s; aborted %d pending uploads; %d failed\n",
              report.recovered, static_cast<unsigned long long>(report.bytes), dir.c_str(),
              report.aborted_uploads, report.failed);
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace

void AddRecoverCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RecoverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "recover", "Commit the objects a crashed write mount left in its spool, then exit");
  cmd->add_option("location", args->location, "the write mount's s3://bucket/prefix or file:///dir")
      ->required();
  cmd->add_option("--part-size", args->part_size, "upload part size (default 8M)")
      ->transform(CLI::AsSizeValue(false));
  AddWriteFlags(*cmd, args->write);
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunRecover(*args); });
}

}  // namespace shoal::cli
