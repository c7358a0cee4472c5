#include "engine/loop/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shoal {
namespace {

// user_data values that are not Operation pointers.
constexpr uint64_t kWakeupTag = 1;
constexpr uint64_t kIgnoreTag = 2;  // completions of cancellation requests

}  // namespace

EventLoop::~EventLoop() {
  Stop();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Status EventLoop::Start(unsigned queue_depth) {
  // The eventfd lives as long as this object, so Post() from any thread can
  // never write to a closed or reused descriptor.
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0)
    return Status(ErrorCode::kInternal, std::string("eventfd: ") + std::strerror(errno));
  std::promise<Status> started;
  std::future<Status> result = started.get_future();
  thread_ = std::thread([this, queue_depth, &started] { ThreadMain(queue_depth, &started); });
  Status s = result.get();
  if (!s.ok()) {
    thread_.join();
  }
  return s;
}

void EventLoop::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    (void)n;
  }
  if (InLoopThread()) return;  // from a callback: the loop exits after this batch
  thread_.join();
}

void EventLoop::ThreadMain(unsigned queue_depth, std::promise<Status>* started) {
  thread_id_ = std::this_thread::get_id();
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  int rc = io_uring_queue_init_params(queue_depth, &ring_, &params);
  deferred_taskrun_ = rc == 0;
  if (rc == -EINVAL) {  // kernels before 6.1
    params = io_uring_params{};
    rc = io_uring_queue_init_params(queue_depth, &ring_, &params);
  }
  if (rc < 0) {
    exited_ = true;
    started->set_value(
        Status(ErrorCode::kInternal, std::string("io_uring_queue_init: ") + std::strerror(-rc)));
    return;
  }
  ArmWakeup();
  started->set_value(Status::Ok());

  while (!stopping_) {
    RunDueTimers();
    __kernel_timespec wait{};
    __kernel_timespec* timeout = nullptr;
    if (!timer_order_.empty()) {
      auto delta = timer_order_.begin()->first - Clock::now();
      auto ns =
          std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(delta).count());
      wait.tv_sec = ns / 1000000000;
      wait.tv_nsec = ns % 1000000000;
      timeout = &wait;
    }
    io_uring_cqe* first = nullptr;
    int wait_rc = io_uring_submit_and_wait_timeout(&ring_, &first, 1, timeout, nullptr);
    if (wait_rc < 0 && wait_rc != -ETIME && wait_rc != -EINTR && wait_rc != -EAGAIN &&
        wait_rc != -EBUSY) {
      break;  // the ring is unusable; pending work is abandoned below
    }
    // Only the completions already there: handlers submit new work, and a
    // submission can complete at once (a poll on a ready socket), adding
    // to the queue being walked. Walking to the moving end could keep one
    // turn going for as long as transfers keep finishing, and posted tasks
    // (a reader's request) would wait all that time.
    const unsigned ready = io_uring_cq_ready(&ring_);
    unsigned head = 0;
    unsigned count = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      if (count == ready) break;
      Dispatch(cqe);
      ++count;
    }
    io_uring_cq_advance(&ring_, count);
    // Tasks posted while the loop was busy run now, every turn, whether or
    // not the eventfd's completion has been reaped yet.
    if (posted_pending_.load(std::memory_order_acquire) && !stopping_) DrainPosted();
  }

  stopping_ = true;  // also when the ring failed: Post refuses from here on
  CancelInFlight();
  io_uring_queue_exit(&ring_);
  for (Operation* op : in_flight_) delete op;
  in_flight_.clear();
  polls_.clear();
  timers_.clear();
  timer_order_.clear();
  // Tasks that never ran are destroyed here, not with the object, so what
  // they own (callbacks that must answer someone) goes now; Post checks
  // exited_ under the same lock, so none is stranded after this.
  std::vector<Task> never_run;
  {
    std::lock_guard lock(posted_mu_);
    exited_ = true;
    never_run.swap(posted_);
  }
}

io_uring_sqe* EventLoop::NextSqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {  // the submission queue is full: flush it
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

EventLoop::Operation* EventLoop::NewOperation(std::function<void(int)> done) {
  auto* op = new Operation{std::move(done)};
  in_flight_.insert(op);
  return op;
}

void EventLoop::ArmWakeup() {
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof(wake_value_), 0);
  io_uring_sqe_set_data64(sqe, kWakeupTag);
}

bool EventLoop::Post(Task task) {
  {
    std::lock_guard lock(posted_mu_);
    if (stopping_ || exited_) return false;
    posted_.push_back(std::move(task));
    posted_pending_.store(true, std::memory_order_release);
  }
  uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    (void)n;  // EAGAIN only if the counter is saturated: the loop is awake anyway
  }
  return true;
}

bool EventLoop::RunSync(Task task) {
  if (InLoopThread()) {
    task();
    return true;
  }
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  const bool posted = Post([task = std::move(task), done] {
    task();
    done->set_value();
  });
  if (!posted) return false;
  while (finished.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    if (exited_) return finished.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  return true;
}

void EventLoop::DrainPosted() {
  std::vector<Task> tasks;
  {
    std::lock_guard lock(posted_mu_);
    tasks.swap(posted_);
    posted_pending_.store(false, std::memory_order_relaxed);
  }
  for (Task& t : tasks) {
    if (stopping_) return;
    t();
  }
}

void EventLoop::RunAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  if (InLoopThread()) {
    AddTimer(delay, std::move(task));
    return;
  }
  Post([this, delay, task = std::move(task)]() mutable { AddTimer(delay, std::move(task)); });
}

EventLoop::TimerId EventLoop::AddTimer(std::chrono::milliseconds delay, Task task) {
  const TimerId id = next_timer_++;
  const Clock::time_point when = Clock::now() + delay;
  timer_order_.emplace(when, id);
  timers_.emplace(id, std::make_pair(when, std::move(task)));
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto range = timer_order_.equal_range(it->second.first);
  for (auto o = range.first; o != range.second; ++o) {
    if (o->second == id) {
      timer_order_.erase(o);
      break;
    }
  }
  timers_.erase(it);
}

void EventLoop::RunDueTimers() {
  const Clock::time_point now = Clock::now();
  while (!timer_order_.empty() && timer_order_.begin()->first <= now && !stopping_) {
    TimerId id = timer_order_.begin()->second;
    timer_order_.erase(timer_order_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;
    Task task = std::move(it->second.second);
    timers_.erase(it);
    task();
  }
}

EventLoop::PollId EventLoop::PollOnce(int fd, uint32_t events, std::function<void(int)> done) {
  Operation* op = NewOperation(std::move(done));
  op->poll = next_poll_++;
  polls_[op->poll] = op;
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_poll_add(sqe, fd, events);
  io_uring_sqe_set_data(sqe, op);
  return op->poll;
}

void EventLoop::CancelPoll(PollId id) {
  auto it = polls_.find(id);
  if (it == polls_.end()) return;
  Operation* op = it->second;
  polls_.erase(it);
  op->cancelled = true;
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_poll_remove(sqe, reinterpret_cast<uint64_t>(op));
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
}

void EventLoop::Read(int fd, void* buffer, size_t length, uint64_t offset,
                     std::function<void(int)> done) {
  Operation* op = NewOperation(std::move(done));
  io_uring_sqe* sqe = NextSqe();
  io_uring_prep_read(sqe, fd, buffer, static_cast<unsigned>(length), offset);
  io_uring_sqe_set_data(sqe, op);
}

void EventLoop::Submit(const std::function<void(io_uring_sqe*)>& prepare,
                       std::function<void(int)> done) {
  Operation* op = NewOperation(std::move(done));
  io_uring_sqe* sqe = NextSqe();
  prepare(sqe);
  io_uring_sqe_set_data(sqe, op);
}

// Operations still in flight at exit may point at buffers their callbacks
// own, so the kernel must be finished with them before those are freed:
// cancel everything and reap the completions, for at most a second.
void EventLoop::CancelInFlight() {
  if (in_flight_.empty()) return;
  for (Operation* op : in_flight_) op->cancelled = true;
  io_uring_sqe* sqe = NextSqe();
  // ANY matches every request; ALL cancels every match, not just the first.
  io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, kIgnoreTag);
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  while (!in_flight_.empty() && Clock::now() < deadline) {
    __kernel_timespec wait{0, 50'000'000};
    io_uring_cqe* first = nullptr;
    int rc = io_uring_submit_and_wait_timeout(&ring_, &first, 1, &wait, nullptr);
    if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) return;
    unsigned head = 0;
    unsigned count = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      const uint64_t tag = io_uring_cqe_get_data64(cqe);
      if (tag != kIgnoreTag && tag != kWakeupTag) {
        auto* op = static_cast<Operation*>(io_uring_cqe_get_data(cqe));
        if (in_flight_.erase(op) > 0) delete op;
      }
      ++count;
    }
    io_uring_cq_advance(&ring_, count);
  }
}

void EventLoop::Dispatch(io_uring_cqe* cqe) {
  const uint64_t tag = io_uring_cqe_get_data64(cqe);
  if (tag == kIgnoreTag) return;
  if (tag == kWakeupTag) {
    if (!stopping_) {
      ArmWakeup();
      DrainPosted();
    }
    return;
  }
  auto* op = static_cast<Operation*>(io_uring_cqe_get_data(cqe));
  in_flight_.erase(op);
  std::unique_ptr<Operation> owned(op);
  if (op->poll != 0 && !op->cancelled) polls_.erase(op->poll);
  if (!op->cancelled && !stopping_) op->done(cqe->res);
}

}  // namespace shoal
