// WriteMount: a running write mount of one bucket prefix: the store stack,
// the spool (recovered before anything is served), the FUSE operations, the
// mounted session and the control channel (`stats`), built in order and
// torn down in reverse.
//
// Recovery runs at start: objects a crashed writer left in the spool are
// committed first. If any cannot be, the mount refuses to start and says
// which, so no new writes pile up on top of bytes not yet safe.
#pragma once

#include <memory>
#include <string>

#include "engine/base/log_sink.h"
#include "engine/store/store_stack.h"
#include "engine/write/spool.h"
#include "fuse/control_channel.h"
#include "fuse/fuse_mount.h"
#include "fuse/write_fs.h"

namespace shoal {

struct WriteMountConfig {
  std::string mountpoint;  // real path
  StoreUri location;       // bucket and prefix ("" or ending in '/')
  StoreStackOptions stack;
  WriteFsOptions fs;      // its spool pointer is set by the mount
  std::string spool_dir;  // empty: durability "memory"
  FuseMountOptions fuse;
};

class WriteMount {
 public:
  // `log` must outlive the mount. Fails with the reason before mounting:
  // credentials, a missing bucket, a spool in use or one that cannot be
  // recovered.
  static Result<std::unique_ptr<WriteMount>> Start(WriteMountConfig config, LogSink& log);
  ~WriteMount();
  WriteMount(const WriteMount&) = delete;
  WriteMount& operator=(const WriteMount&) = delete;
  Status Run();

 private:
  WriteMount(WriteMountConfig config, LogSink& log) : config_(std::move(config)), log_(log) {}

  WriteMountConfig config_;
  LogSink& log_;
  std::unique_ptr<StoreStack> stack_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<WriteFs> fs_;
  std::unique_ptr<FuseMount> fuse_;
  std::unique_ptr<ControlServer> control_;
};

}  // namespace shoal
