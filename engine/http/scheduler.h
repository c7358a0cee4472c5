// Scheduler: "run this later", the only timing facility the retry layer needs.
//
// The blocking transport pairs with SleepingScheduler (sleeps on the calling
// thread); the engine's event loop will implement it with io_uring timeouts
// so that a backoff never blocks the loop.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace shoal {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) = 0;
};

class SleepingScheduler final : public Scheduler {
 public:
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) override {
    std::this_thread::sleep_for(delay);
    task();
  }
};

}  // namespace shoal
