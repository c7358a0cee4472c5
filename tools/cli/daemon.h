// Daemon: `shoal mount` in the background, returning only once the mount
// is usable.
//
// Fork() splits the process. The parent waits on a pipe and exits with the
// child's verdict: 0 once the child reports Ready(), 1 with the child's
// message when it reports Failed() or dies first. The child becomes a
// session leader with stdin on /dev/null; after Ready() its stdout and
// stderr go to the log file (or /dev/null). Fork before starting any
// thread: only the calling thread survives a fork.
#pragma once

#include <string>

#include "engine/base/status.h"
#include "engine/base/unique_fd.h"

namespace shoal::cli {

class Daemon {
 public:
  // In the parent this never returns. In the child it returns a handle.
  static Daemon Fork(std::string log_file);
  void Ready();
  void Failed(const Status& status);

 private:
  Daemon(int pipe_fd, std::string log_file) : pipe_(pipe_fd), log_file_(std::move(log_file)) {}
  UniqueFd pipe_;  // to the waiting parent; closed once the verdict is sent
  std::string log_file_;
};

}  // namespace shoal::cli
