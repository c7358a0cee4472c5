#include "fuse/fuse_mount.h"

#include <csignal>
#include <cstring>
#include <vector>

namespace shoal {
namespace {

// A mount option value with ',' or '\' escaped, as libfuse expects.
std::string Escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == ',' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FuseMount>> FuseMount::Mount(const std::string& mountpoint,
                                                    const fuse_lowlevel_ops& ops, void* userdata,
                                                    const FuseMountOptions& options) {
  std::string mount_options = "fsname=" + Escape(options.fsname) +
                              ",subtype=" + Escape(options.subtype) + ",default_permissions";
  if (options.read_only) mount_options += ",ro";
  if (options.allow_other) mount_options += ",allow_other";
  std::vector<std::string> args = {"shoal", "-o", mount_options};
  if (options.debug) args.emplace_back("-d");
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& a : args) argv.push_back(a.data());
  fuse_args fargs = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
  fuse_session* session = fuse_session_new(&fargs, &ops, sizeof(ops), userdata);
  fuse_opt_free_args(&fargs);
  if (session == nullptr) {
    return Status(ErrorCode::kInvalidArgument,
                  "libfuse refused the mount options: " + mount_options);
  }
  std::unique_ptr<FuseMount> mount(new FuseMount(session));
  mount->max_threads_ = options.max_threads;
  if (fuse_set_signal_handlers(session) != 0) {
    return Status(ErrorCode::kInternal, "cannot install the unmount signal handlers");
  }
  mount->signals_ = true;
  if (fuse_session_mount(session, mountpoint.c_str()) != 0) {
    return Status(ErrorCode::kIoError,
                  "cannot mount on " + mountpoint +
                      " (is /dev/fuse available, and may this user mount there? allow_other "
                      "also needs user_allow_other in /etc/fuse.conf for non-root users)");
  }
  mount->mounted_ = true;
  return mount;
}

FuseMount::~FuseMount() {
  if (signals_) fuse_remove_signal_handlers(session_);
  if (mounted_) fuse_session_unmount(session_);
  fuse_session_destroy(session_);
}

Status FuseMount::Run() {
  fuse_loop_config* config = fuse_loop_cfg_create();
  fuse_loop_cfg_set_clone_fd(config, 1);
  fuse_loop_cfg_set_max_threads(config, max_threads_);
  fuse_loop_cfg_set_idle_threads(config, max_threads_ / 2);
  const int rc = fuse_session_loop_mt(session_, config);
  fuse_loop_cfg_destroy(config);
  // A signal ends the loop with rc 0; -EINTR or errors are reported.
  if (rc != 0 && rc != -EINTR && rc != SIGINT && rc != SIGTERM && rc != SIGHUP) {
    return Status(ErrorCode::kIoError,
                  std::string("the FUSE session failed: ") + std::strerror(rc < 0 ? -rc : rc));
  }
  return Status::Ok();
}

}  // namespace shoal
