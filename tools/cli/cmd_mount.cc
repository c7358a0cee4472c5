// `shoal mount SOURCE MOUNTPOINT`: the read-only view of a snapshot, or with
// --write the write mount of a prefix (checkpoints and logs).
//
// By default the command returns once the mount is usable (a daemon stays
// behind to serve it) and fails with the reason otherwise: a corrupt
// manifest, bad credentials, a missing bucket, a busy mountpoint. With
// --foreground it serves in this process until unmounted or signalled.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "engine/base/large_buffers.h"
#include "fuse/read_only_mount.h"
#include "fuse/write_mount.h"
#include "index/writable_key.h"
#include "tools/cli/commands.h"
#include "tools/cli/daemon.h"
#include "tools/cli/engine_flags.h"
#include "tools/cli/mount_source.h"
#include "tools/cli/mountpoint.h"
#include "tools/cli/write_flags.h"

namespace shoal::cli {
namespace {

struct MountArgs {
  std::string source;
  std::string mountpoint;
  bool foreground = false;
  bool debug = false;
  std::string log_file;
  int uid = -1;
  int gid = -1;
  std::string umask = "022";
  bool allow_other = false;
  double metadata_ttl = 24 * 3600.0;
  unsigned threads = 16;
  int concurrency = 16;
  EngineFlags engine;
  StoreFlags store;
  bool write = false;
  WriteFlags write_flags;
};

// The engine's threads must leave these to the thread serving FUSE, whose
// libfuse handlers unmount cleanly.
sigset_t UnmountSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

// Ownership and permissions, common to both kinds of mount.
Result<ViewOptions> ViewOf(const MountArgs& args) {
  ViewOptions view;
  view.uid = args.uid >= 0 ? static_cast<uid_t>(args.uid) : ::getuid();
  view.gid = args.gid >= 0 ? static_cast<gid_t>(args.gid) : ::getgid();
  size_t used = 0;
  unsigned long umask = 0;
  try {
    umask = std::stoul(args.umask, &used, 8);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != args.umask.size() || umask > 0777) {
    return Status(ErrorCode::kInvalidArgument,
                  "--umask must be octal, e.g. 022 (got '" + args.umask + "')");
  }
  view.umask = static_cast<mode_t>(umask);
  return view;
}

Result<ReadOnlyMountConfig> BuildConfig(const MountArgs& args, const MountSource& source,
                                        std::string mountpoint) {
  ReadOnlyMountConfig config;
  config.mountpoint = std::move(mountpoint);
  config.manifest = source.manifest;
  config.origin = source.origin;
  config.location = source.location;
  config.stack = ToReadStackOptions(args.engine, args.store);
  if (config.stack.store.endpoint.empty()) {
    config.stack.store.endpoint = std::string(source.manifest->endpoint());
  }
  Result<ViewOptions> view = ViewOf(args);
  if (!view.ok()) return view.status();
  config.view = *view;
  config.view.entry_timeout_seconds = args.metadata_ttl;
  config.view.attr_timeout_seconds = args.metadata_ttl;
  config.view.negative_timeout_seconds = args.metadata_ttl;
  config.fuse.fsname = DescribeLocation(source.location);
  config.fuse.allow_other = args.allow_other;
  config.fuse.max_threads = args.threads;
  config.fuse.debug = args.debug;
  return config;
}

Result<WriteMountConfig> BuildWriteConfig(const MountArgs& args, std::string mountpoint) {
  WriteMountConfig config;
  config.mountpoint = std::move(mountpoint);
  Result<StoreUri> location = ParseStoreUri(args.source);
  if (!location.ok()) return location.status();
  config.location = *location;
  if (!config.location.prefix.empty() && config.location.prefix.back() != '/') {
    config.location.prefix += '/';  // a prefix names a directory here
  }
  if (const std::string& prefix = config.location.prefix; !prefix.empty()) {
    Status writable = CheckWritableKey(std::string_view(prefix).substr(0, prefix.size() - 1));
    if (!writable.ok()) return writable.WithContext("the prefix to mount for writing");
  }
  ReadStackOptions stack = ToReadStackOptions(args.engine, args.store);
  config.stack.store = stack.store;
  config.stack.max_in_flight = stack.max_in_flight;
  config.stack.connections_per_host = stack.connections_per_host;
  Result<ViewOptions> view = ViewOf(args);
  if (!view.ok()) return view.status();
  config.fs.view = *view;
  // Others may write the bucket too: cache names and attributes briefly.
  const double ttl = std::min(args.metadata_ttl, 1.0);
  config.fs.view.entry_timeout_seconds = ttl;
  config.fs.view.attr_timeout_seconds = ttl;
  config.fs.view.negative_timeout_seconds = 0;
  if (Status s = CheckUploadPartSize(args.engine.part_size); !s.ok()) return s;
  config.fs.writer = WriterOptionsOf(args.write_flags, args.engine.part_size);
  config.fs.append = AppendStrategyOf(args.write_flags);
  config.spool_dir = SpoolDirOf(args.write_flags, config.location);
  config.fuse.fsname = DescribeLocation(config.location);
  config.fuse.allow_other = args.allow_other;
  config.fuse.max_threads = args.threads;
  config.fuse.debug = args.debug;
  return config;
}

// Forks unless in the foreground, starts the mount with `start`, and serves.
template <typename Mount, typename Config>
int Serve(const MountArgs& args, const std::string& mountpoint, Config config,
          Result<std::unique_ptr<Mount>> (*start)(Config, LogSink&)) {
  const bool foreground = args.foreground || args.debug;
  std::optional<Daemon> daemon;
  if (!foreground) daemon.emplace(Daemon::Fork(args.log_file));

  sigset_t signals = UnmountSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started now
  StderrLogSink log;
  Result<std::unique_ptr<Mount>> mount = start(std::move(config), log);
  if (!mount.ok()) {
    if (!daemon) return Fail(mount.status());
    daemon->Failed(mount.status());  // the waiting parent prints it
    return kExitFailed;
  }
  if (daemon) {
    daemon->Ready();
  } else {
    std::fprintf(stderr, "shoal: mounted %s on %s\n", args.source.c_str(), mountpoint.c_str());
  }
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  Status served = (*mount)->Run();
  mount->reset();
  if (!served.ok()) return Fail(served);
  return kExitOk;
}

// The local paths a mount uses, each outside the mountpoint.
Status CheckLocalPaths(const std::string& mountpoint, const StoreUri& location,
                       const std::string& cache_dir, const std::string& spool_dir,
                       const std::string& log_file) {
  const std::string bucket = location.kind == StoreUri::Kind::kFile ? location.bucket : "";
  for (const auto& [path, what] :
       {std::pair{bucket, "the file:// bucket"}, std::pair{cache_dir, "--cache-dir"},
        std::pair{spool_dir, "the spool"}, std::pair{log_file, "--log-file"}}) {
    if (Status s = CheckOutsideMountpoint(mountpoint, path, what); !s.ok()) return s;
  }
  return Status::Ok();
}

int RunMount(const MountArgs& args) {
  // Flags first: a conflict is reported before the mountpoint is looked at.
  if (Status s = CheckSpoolChoice(args.write_flags); args.write && !s.ok()) return Fail(s);
  Result<std::string> mountpoint = CheckMountpoint(args.mountpoint);
  if (!mountpoint.ok()) return Fail(mountpoint.status());
  if (args.write) {
    // Freed upload parts go back to the kernel (engine/base/large_buffers.h);
    // if malloc refused, RSS would only stay higher.
    (void)ReturnLargeBuffersWhenFreed();
    Result<WriteMountConfig> config = BuildWriteConfig(args, *mountpoint);
    if (!config.ok()) return Fail(config.status());
    if (Status s =
            CheckLocalPaths(*mountpoint, config->location, "", config->spool_dir, args.log_file);
        !s.ok()) {
      return Fail(s);
    }
    return Serve<WriteMount, WriteMountConfig>(args, *mountpoint, std::move(*config),
                                               &WriteMount::Start);
  }
  // Indexing (when SOURCE is a prefix) runs here, before any fork: its
  // threads have finished by the time the daemon splits off.
  Result<MountSource> source =
      ResolveMountSource(args.source, args.store, args.concurrency, ::isatty(STDERR_FILENO));
  if (!source.ok()) return Fail(source.status());
  Result<ReadOnlyMountConfig> config = BuildConfig(args, *source, *mountpoint);
  if (!config.ok()) return Fail(config.status());
  if (Status s =
          CheckLocalPaths(*mountpoint, config->location, args.engine.cache_dir, "", args.log_file);
      !s.ok()) {
    return Fail(s);
  }

  return Serve<ReadOnlyMount, ReadOnlyMountConfig>(args, *mountpoint, std::move(*config),
                                                   &ReadOnlyMount::Start);
}

// Flags that one kind of mount would silently ignore are refused with the
// other: a read-only mount has no spool, a write mount no read cache, and a
// mount in the foreground logs to its terminal.
void RefuseIgnoredFlags(CLI::App& cmd) {
  CLI::Option* write = cmd.get_option("--write");
  for (const char* write_only : {"--spool", "--durability", "--upload-parts", "--append"}) {
    cmd.get_option(write_only)->needs(write);
  }
  for (const char* read_only :
       {"--direct", "--cache-size", "--cache-dir", "--cache-dir-size", "--concurrency"}) {
    write->excludes(cmd.get_option(read_only));
  }
  CLI::Option* log_file = cmd.get_option("--log-file");
  cmd.get_option("--foreground")->excludes(log_file);
  cmd.get_option("--debug")->excludes(log_file);
}

}  // namespace

void AddMountCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MountArgs>();
  CLI::App* cmd =
      app.add_subcommand("mount", "Mount a snapshot read-only, or a prefix for writing (--write)");
  cmd->add_option("source", args->source,
                  "manifest file, s3://bucket/key.shoal, or a prefix to index now "
                  "(s3://bucket/prefix, file:///dir)")
      ->required();
  cmd->add_option("mountpoint", args->mountpoint, "an existing empty directory")->required();
  cmd->add_flag("-f,--foreground", args->foreground, "serve in this process until unmounted");
  cmd->add_flag("-d,--debug", args->debug, "print every FUSE request (implies --foreground)");
  cmd->add_option("--log-file", args->log_file, "where the daemon writes its log (default: none)");
  cmd->add_option("--uid", args->uid, "owner of every file (default: the mounting user)")
      ->check(CLI::Range(0, 2147483647));
  cmd->add_option("--gid", args->gid, "group of every file (default: the mounting group)")
      ->check(CLI::Range(0, 2147483647));
  cmd->add_option("--umask", args->umask, "permission bits to clear, octal (default 022)");
  cmd->add_flag("--allow-other", args->allow_other, "let other users see the mount");
  cmd->add_option("--metadata-ttl", args->metadata_ttl,
                  "seconds the kernel may cache names and attributes (default 86400)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--threads", args->threads, "FUSE threads (default 16)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--concurrency", args->concurrency,
                  "parallel listing walks when SOURCE is indexed at mount time (default 16)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--write", args->write,
                "mount SOURCE (s3://bucket/prefix or file:///dir) for writing new files "
                "sequentially: checkpoints and logs");
  AddEngineFlags(*cmd, args->engine);
  AddWriteFlags(*cmd, args->write_flags);
  AddStoreFlags(*cmd, args->store);
  RefuseIgnoredFlags(*cmd);
  cmd->get_option("--endpoint")
      ->description(
          "S3 endpoint, e.g. http://127.0.0.1:7480 (default: the one the manifest was indexed "
          "from, else $AWS_ENDPOINT_URL, else AWS S3 for the region)");
  cmd->callback([args, &exit_code] { exit_code = RunMount(*args); });
}

}  // namespace shoal::cli
