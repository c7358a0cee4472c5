// FuseMount: one mounted libfuse low-level session, owned RAII.
//
// Mount() creates the session with the options the kernel should see
// (read-only, fsname and subtype so that mount(8) and df show "shoal" and
// the source, default_permissions so the kernel enforces uid/gid/umask,
// allow_other on request) and mounts it. Run() serves requests on several
// threads, each with its own cloned /dev/fuse descriptor, until the file
// system is unmounted (fusermount3 -u, umount) or Exit() is called. The
// destructor unmounts if still mounted and destroys the session.
//
// SIGINT, SIGTERM and SIGHUP end Run() through libfuse's handlers. Other
// threads of the process (the engine's loop) must block those signals, so
// that they are delivered to the thread in Run().
#pragma once

#include <fuse_lowlevel.h>

#include <memory>
#include <string>

#include "engine/base/result.h"

namespace shoal {

struct FuseMountOptions {
  std::string fsname;  // shown by mount(8) and df(1), e.g. "s3://bucket/prefix"
  std::string subtype = "shoal";
  bool read_only = true;
  bool allow_other = false;
  unsigned max_threads = 16;
  bool debug = false;
};

class FuseMount {
 public:
  static Result<std::unique_ptr<FuseMount>> Mount(const std::string& mountpoint,
                                                  const fuse_lowlevel_ops& ops, void* userdata,
                                                  const FuseMountOptions& options);
  ~FuseMount();
  FuseMount(const FuseMount&) = delete;
  FuseMount& operator=(const FuseMount&) = delete;

  // Serves until unmounted or told to exit.
  Status Run();
  void Exit() { fuse_session_exit(session_); }
  fuse_session* session() { return session_; }

 private:
  explicit FuseMount(fuse_session* session) : session_(session) {}
  fuse_session* session_;
  bool mounted_ = false;
  bool signals_ = false;
  unsigned max_threads_ = 16;
};

}  // namespace shoal
