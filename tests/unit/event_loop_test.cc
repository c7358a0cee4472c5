// The io_uring event loop on its own: timers, cross-thread posts through the
// eventfd, one-shot polls, file reads, and shutdown with work pending.
#include "engine/loop/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

namespace shoal {
namespace {

using std::chrono::milliseconds;

TEST(EventLoop, StartsWithDeferredTaskrunWhereAvailable) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  // Informational: the fallback path is used on kernels before 6.1.
  std::printf("SINGLE_ISSUER|DEFER_TASKRUN: %s\n", loop.using_deferred_taskrun() ? "yes" : "no");
}

TEST(EventLoop, PostsFromManyThreadsRunOnTheLoopThread) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  std::atomic<int> ran{0}, wrong_thread{0};
  std::vector<std::thread> posters;
  posters.reserve(4);
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        loop.Post([&] {
          if (!loop.InLoopThread()) wrong_thread++;
          ran++;
        });
      }
    });
  }
  for (auto& p : posters) p.join();
  ASSERT_TRUE(loop.RunSync([] {}));  // everything posted before this has run
  EXPECT_EQ(ran.load(), 4000);
  EXPECT_EQ(wrong_thread.load(), 0);
}

TEST(EventLoop, TimersFireInOrderAndCancelledOnesNever) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  std::vector<int> order;
  std::promise<void> done;
  loop.Post([&] {
    loop.AddTimer(milliseconds(30), [&] { order.push_back(3); });
    loop.AddTimer(milliseconds(10), [&] { order.push_back(1); });
    EventLoop::TimerId cancelled = loop.AddTimer(milliseconds(20), [&] { order.push_back(99); });
    loop.AddTimer(milliseconds(20), [&] { order.push_back(2); });
    loop.CancelTimer(cancelled);
    loop.AddTimer(milliseconds(40), [&] { done.set_value(); });
  });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, RunAfterFromAnotherThreadWaitsAtLeastTheDelay) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  std::promise<std::chrono::steady_clock::time_point> fired;
  auto start = std::chrono::steady_clock::now();
  loop.RunAfter(milliseconds(50), [&] { fired.set_value(std::chrono::steady_clock::now()); });
  auto when = fired.get_future();
  ASSERT_EQ(when.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_GE(when.get() - start, milliseconds(50));
}

TEST(EventLoop, PollFiresWhenReadyAndCancelledPollNever) {
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  std::promise<int> readable;
  std::atomic<bool> cancelled_ran{false};
  loop.Post([&] {
    EventLoop::PollId doomed = loop.PollOnce(fds[0], POLLIN, [&](int) { cancelled_ran = true; });
    loop.CancelPoll(doomed);
    loop.PollOnce(fds[0], POLLIN, [&](int revents) { readable.set_value(revents); });
  });
  ASSERT_TRUE(loop.RunSync([] {}));
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  auto revents = readable.get_future();
  ASSERT_EQ(revents.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(revents.get() & POLLIN);
  ASSERT_TRUE(loop.RunSync([] {}));
  EXPECT_FALSE(cancelled_ran.load());
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, ReadsAFileThroughTheRing) {
  char path[] = "/tmp/shoal-loop-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  std::string buffer(5000, '\0');
  std::promise<int> read;
  loop.Post([&] {
    loop.Read(fd, buffer.data(), buffer.size(), 12345, [&](int n) { read.set_value(n); });
  });
  auto n = read.get_future();
  ASSERT_EQ(n.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(n.get(), 5000);
  EXPECT_EQ(buffer, data.substr(12345, 5000));
  ::close(fd);
  ::unlink(path);
}

TEST(EventLoop, StopsCleanlyWithWorkPending) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  std::atomic<int> callbacks{0};
  {
    EventLoop loop;
    ASSERT_TRUE(loop.Start().ok());
    loop.Post([&] {
      for (int i = 0; i < 100; ++i) loop.AddTimer(milliseconds(60000), [&] { callbacks++; });
      for (int i = 0; i < 50; ++i) loop.PollOnce(fds[0], POLLIN, [&](int) { callbacks++; });
    });
    ASSERT_TRUE(loop.RunSync([] {}));
    loop.Stop();
    EXPECT_FALSE(loop.Post([&] { callbacks++; }));  // after Stop: refused, never runs
    EXPECT_FALSE(loop.RunSync([&] { callbacks++; }));
  }
  EXPECT_EQ(callbacks.load(), 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(EventLoop, TasksThatNeverRunAreDestroyedWhenTheLoopExits) {
  // Whatever a dropped task owns (a callback that must answer a reader) is
  // released when the loop exits, not kept until the object goes.
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> watch = owned;
  ASSERT_TRUE(loop.Post([released] { released.wait(); }));  // holds the loop in one batch
  ASSERT_TRUE(loop.Post([&loop] { loop.Stop(); }));
  ASSERT_TRUE(loop.Post([owned = std::move(owned)] { FAIL() << "ran after Stop"; }));
  release.set_value();
  while (loop.Post([] {})) std::this_thread::yield();  // until Stop has taken effect
  loop.Stop();                                         // joins
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace shoal
