// ReadOnlyMount: a running read-only view of one snapshot: the read stack,
// the snapshot table, the FUSE operations, the mounted session and the
// control channel, built in order and torn down in reverse.
//
// Teardown order matters for unmounting under load: when Run() returns, the
// engine is destroyed first, so reads still in flight are answered (with
// EINTR) while the FUSE session still exists; then the session is
// unmounted and destroyed.
//
// The control channel serves `stats` (Prometheus text), `refresh` (switch
// to a newer manifest of the same bucket and prefix, invalidating the
// kernel's caches through libfuse's notify calls) and `prefetch` (an order
// hint: paths to read next).
#pragma once

#include <memory>
#include <string>

#include "engine/base/log_sink.h"
#include "engine/read/read_stack.h"
#include "fuse/control_channel.h"
#include "fuse/fuse_mount.h"
#include "fuse/read_only_fs.h"
#include "fuse/snapshot_table.h"

namespace shoal {

struct ReadOnlyMountConfig {
  std::string mountpoint;  // real path
  std::shared_ptr<const Manifest> manifest;
  std::string origin;  // where the manifest came from, for messages
  StoreUri location;   // the bucket the manifest describes
  ReadStackOptions stack;
  ViewOptions view;
  FuseMountOptions fuse;
};

class ReadOnlyMount {
 public:
  // Builds everything and mounts; `log` must outlive the mount. Probes the
  // bucket once, so bad credentials or a missing bucket fail here, before
  // anything is mounted.
  static Result<std::unique_ptr<ReadOnlyMount>> Start(ReadOnlyMountConfig config, LogSink& log);
  ~ReadOnlyMount();
  ReadOnlyMount(const ReadOnlyMount&) = delete;
  ReadOnlyMount& operator=(const ReadOnlyMount&) = delete;

  // Serves until unmounted or signalled.
  Status Run();

 private:
  ReadOnlyMount(ReadOnlyMountConfig config, LogSink& log) : config_(std::move(config)), log_(log) {}
  Result<std::string> Control(const std::string& command, const std::string& body);
  Result<std::string> Refresh(const std::string& manifest_path);
  Result<std::string> Prefetch(const std::string& paths);

  ReadOnlyMountConfig config_;
  LogSink& log_;
  std::unique_ptr<ReadStack> stack_;
  std::unique_ptr<SnapshotTable> snapshots_;
  std::unique_ptr<ReadOnlyFs> fs_;
  std::unique_ptr<FuseMount> fuse_;
  std::unique_ptr<ControlServer> control_;
  std::mutex refresh_mu_;  // one refresh at a time
};

}  // namespace shoal
