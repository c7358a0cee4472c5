// EventLoop: one io_uring ring driven by one thread.
//
// Everything the engine does without blocking goes through here: readiness
// polls for libcurl's sockets, timers (curl's timeout, retry backoff,
// prefetch pacing), local file reads, and work handed in from other threads
// (FUSE threads) through an eventfd. Submissions are batched: handlers only
// queue SQEs, and the loop submits them all when it next waits. Completions
// are drained in batches with io_uring_for_each_cqe.
//
// The ring is created on the loop thread with IORING_SETUP_SINGLE_ISSUER |
// IORING_SETUP_DEFER_TASKRUN, falling back to plain flags on kernels that
// refuse them. Timers live in a heap in user space; the loop waits for the
// earliest one with io_uring_submit_and_wait_timeout, so no timer ever needs
// a cancellation SQE.
//
// Threading: Start/Stop/Post are thread-safe. Every other method must be
// called on the loop thread (from a callback or a Post-ed task).
#pragma once

#include <liburing.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/base/status.h"
#include "engine/http/scheduler.h"

namespace shoal {

class EventLoop final : public Scheduler {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;
  using PollId = uint64_t;

  EventLoop() = default;
  ~EventLoop() override;  // stops and joins; never destroy it from the loop thread
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Creates the ring on a new thread and starts the loop.
  Status Start(unsigned queue_depth = 256);
  // Stops the loop after the current batch; tasks posted later never run.
  // Pending operations are cancelled and their callbacks are not called.
  void Stop();

  // Runs `task` on the loop thread. Thread-safe. Returns false, and drops
  // the task, once the loop is stopping or has exited (for instance because
  // the ring failed); callers that owe someone an answer give it then.
  bool Post(Task task);
  // Runs `task` on the loop thread and waits for it. Returns false, without
  // running it, if the loop has stopped (then no loop thread is running).
  bool RunSync(Task task);
  bool InLoopThread() const { return std::this_thread::get_id() == thread_id_; }

  // Scheduler: runs `task` on the loop thread after `delay`. Thread-safe.
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) override;

  // Loop thread only.
  TimerId AddTimer(std::chrono::milliseconds delay, Task task);
  void CancelTimer(TimerId id);
  // One-shot readiness poll (level-triggered: it fires at once if the fd is
  // already ready). `done` gets the poll result (revents, or -errno).
  PollId PollOnce(int fd, uint32_t events, std::function<void(int)> done);
  void CancelPoll(PollId id);  // `done` then never runs
  // pread through io_uring; `done` gets bytes read or -errno.
  void Read(int fd, void* buffer, size_t length, uint64_t offset, std::function<void(int)> done);
  // Any other io_uring operation: `prepare` fills the SQE, and `done` gets
  // cqe->res. Whatever the SQE points at (paths, buffers) must stay valid
  // until `done` runs; capturing it in `done` does that, because `done` is
  // destroyed only after the kernel has finished with the operation.
  void Submit(const std::function<void(io_uring_sqe*)>& prepare, std::function<void(int)> done);

  // Whether the kernel accepted SINGLE_ISSUER | DEFER_TASKRUN.
  bool using_deferred_taskrun() const { return deferred_taskrun_; }

 private:
  struct Operation {
    std::function<void(int)> done;
    PollId poll = 0;  // set for polls
    bool cancelled = false;
  };
  Operation* NewOperation(std::function<void(int)> done);

  void ThreadMain(unsigned queue_depth, std::promise<Status>* started);
  io_uring_sqe* NextSqe();
  void ArmWakeup();
  void DrainPosted();
  void RunDueTimers();
  void Dispatch(io_uring_cqe* cqe);
  void CancelInFlight();

  io_uring ring_{};
  bool deferred_taskrun_ = false;
  int wake_fd_ = -1;
  uint64_t wake_value_ = 0;  // target of the eventfd read
  std::thread thread_;
  std::thread::id thread_id_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> exited_{false};  // the loop thread has left its loop

  std::mutex posted_mu_;
  std::vector<Task> posted_;  // guarded by posted_mu_
  // Set by Post, cleared by DrainPosted: lets every turn of the loop run
  // posted tasks without waiting for the eventfd's completion, which a
  // steady stream of socket completions could otherwise hold back.
  std::atomic<bool> posted_pending_{false};

  // Loop-thread state.
  using Clock = std::chrono::steady_clock;
  std::multimap<Clock::time_point, TimerId> timer_order_;
  std::unordered_map<TimerId, std::pair<Clock::time_point, Task>> timers_;
  TimerId next_timer_ = 1;
  std::unordered_map<PollId, Operation*> polls_;
  PollId next_poll_ = 1;
  std::unordered_set<Operation*> in_flight_;  // owned; freed on their CQE or at exit
};

}  // namespace shoal
