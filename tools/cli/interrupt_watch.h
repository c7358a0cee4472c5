// InterruptWatch: turns SIGINT and SIGTERM into a flag that a long command
// polls, so it can stop cleanly (for `put`: abort its multipart uploads
// instead of leaving them pending in the bucket). A second signal exits at
// once with status 130.
//
// Construct it before starting any thread: it blocks the signals in the
// calling thread, threads started later inherit that mask, and one watcher
// thread takes them with sigtimedwait. Destruction stops the watcher and
// restores the previous mask. One per process at a time.
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace shoal::cli {

class InterruptWatch {
 public:
  InterruptWatch();
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  // Set (from the watcher thread) once a signal arrived; read from any thread.
  const std::atomic<bool>& interrupted() const { return interrupted_; }

 private:
  sigset_t signals_{};
  sigset_t previous_mask_{};
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace shoal::cli
