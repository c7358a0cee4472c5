#include "engine/loop/wait_on_loop.h"

namespace shoal {
namespace {

// Sets the promise exactly once: with the result, or -ECANCELED when the
// last copy of the callback is destroyed uncalled.
class ResultSlot {
 public:
  ResultSlot() = default;
  ResultSlot(const ResultSlot&) = delete;
  ResultSlot& operator=(const ResultSlot&) = delete;
  ~ResultSlot() { Set(-ECANCELED); }
  void Set(int result) {
    if (set_) return;
    set_ = true;
    promise_.set_value(result);
  }
  std::future<int> Future() { return promise_.get_future(); }

 private:
  std::promise<int> promise_;
  bool set_ = false;
};

}  // namespace

int WaitOnLoop(EventLoop& loop, std::function<void(std::function<void(int)>)> start) {
  auto slot = std::make_shared<ResultSlot>();
  std::future<int> result = slot->Future();
  const bool posted = loop.Post([slot = std::move(slot), start = std::move(start)]() mutable {
    start([slot](int rc) { slot->Set(rc); });
  });
  if (!posted) return -ECANCELED;  // the task, and with it the slot, is gone
  return result.get();
}

}  // namespace shoal
