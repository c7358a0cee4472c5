// The io_uring-driven curl multi transport against the real RGW: hundreds of
// concurrent transfers on one loop thread, retries scheduled on the loop,
// and shutdown with transfers in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>

#include "engine/auth/crypto.h"
#include "engine/http/retrying_transport.h"
#include "engine/http/uring_curl_transport.h"
#include "engine/store/await.h"
#include "engine/store/s3/s3_store.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

class UringTransport : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::LoadRgwEnv();
    if (!env_) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    bucket_ = std::make_unique<testing::TestBucket>(*env_);
    ASSERT_TRUE(loop_.Start().ok());
  }

  std::unique_ptr<S3Store> StoreOver(HttpTransport& transport, const std::string& endpoint = "") {
    S3Config config = bucket_->config();
    if (!endpoint.empty()) config.endpoint = endpoint;
    ParsedEndpoint parsed = *ParseEndpoint(config.endpoint);
    return std::make_unique<S3Store>(S3RequestBuilder(config, parsed), transport);
  }

  void PutObjects(int count, size_t size) {
    testing::ObjectList objects;
    for (int i = 0; i < count; ++i) objects.emplace_back(Key(i), Body(i, size));
    Status uploaded = testing::PutAll(bucket_->store(), objects);
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  }

  static std::string Key(int i) { return "obj/" + std::to_string(i); }
  static std::string Body(int i, size_t size) {
    std::string s(size + static_cast<size_t>(i % 13), '\0');
    for (size_t k = 0; k < s.size(); ++k)
      s[k] = static_cast<char>((k * 31 + static_cast<size_t>(i)) & 0xFF);
    return s;
  }

  EventLoop loop_;  // declared before the transports that use it
  std::optional<testing::RgwEnv> env_;
  std::unique_ptr<testing::TestBucket> bucket_;
};

TEST_F(UringTransport, HundredsOfConcurrentGetsOnOneThread) {
  constexpr int kObjects = 400;
  PutObjects(kObjects, 4096);
  UringTransportOptions options;
  options.max_in_flight = 128;
  options.max_connections_per_host = 32;
  UringCurlTransport transport(loop_, options);
  RetryingTransport retrying(transport, loop_, RetryOptions{});
  auto store = StoreOver(retrying);

  std::atomic<int> ok{0}, wrong{0}, off_loop{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{kObjects};
  for (int i = 0; i < kObjects; ++i) {
    store->Get(GetRequest{Key(i), {}, {}}, [&, i](const Result<GetResult>& r) {
      if (!loop_.InLoopThread()) off_loop++;
      if (r.ok() && r->data == Body(i, 4096)) {
        ok++;
      } else {
        wrong++;
      }
      if (--remaining == 0) all_done.set_value();
    });
  }
  EXPECT_GT(transport.in_flight(), 0u);  // submitted without waiting
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(120)), std::future_status::ready);
  EXPECT_EQ(ok.load(), kObjects);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(off_loop.load(), 0);
  long opened = 0;
  ASSERT_TRUE(loop_.RunSync([&] { opened = transport.connections_opened(); }));
  EXPECT_LE(opened, 40) << "connections should be reused, not opened per request";
  EXPECT_EQ(transport.in_flight(), 0u);
}

// Requests start in submission order. One submitted from a completion
// callback (the next prefetch) waits behind those queued before it; it used
// to take the freed slot at once, and under a steady stream of completions
// the oldest queued request (the one a reader waited on) starved.
TEST_F(UringTransport, QueuedRequestsStartOldestFirst) {
  PutObjects(8, 100);
  UringTransportOptions options;
  options.max_in_flight = 1;
  UringCurlTransport transport(loop_, options);
  auto store = StoreOver(transport);
  std::vector<int> finished;  // loop thread only
  std::promise<void> all_done;
  std::function<void(int)> get = [&](int i) {
    store->Get(GetRequest{Key(i), {}, {}}, [&, i](const Result<GetResult>& r) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      finished.push_back(i);
      if (i == 0) get(7);  // submitted last, from a completion
      if (finished.size() == 5) all_done.set_value();
    });
  };
  ASSERT_TRUE(loop_.RunSync([&] {
    for (int i = 0; i < 4; ++i) get(i);
  }));
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready);
  std::vector<int> order;
  ASSERT_TRUE(loop_.RunSync([&] { order = finished; }));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 7}));
}

TEST_F(UringTransport, RetriesWaitOnTheLoopNotOnAThread) {
  PutObjects(1, 100);
  int port = std::stoi(env_->endpoint.substr(env_->endpoint.rfind(':') + 1));
  testing::FaultProxy proxy(port);
  UringCurlTransport transport(loop_, UringTransportOptions{});
  RetryOptions retry;
  retry.base_delay = std::chrono::milliseconds(20);
  RetryingTransport retrying(transport, loop_, retry);
  auto store = StoreOver(retrying, proxy.endpoint());
  proxy.FailNext(2, 503);
  std::promise<Result<GetResult>> got;
  store->Get(GetRequest{Key(0), {}, {}}, [&](Result<GetResult> r) { got.set_value(std::move(r)); });
  // While the backoff timers run, the loop keeps serving other work.
  std::atomic<int> ticks{0};
  for (int i = 0; i < 5; ++i) loop_.Post([&] { ticks++; });
  auto future = got.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  Result<GetResult> r = future.get();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data, Body(0, 100));
  EXPECT_EQ(retrying.counters().retries.load(), 2u);
  EXPECT_EQ(proxy.faults_injected(), 2);
  EXPECT_EQ(ticks.load(), 5);
}

TEST_F(UringTransport, ShutdownWithTransfersInFlightCompletesEveryCallbackOnce) {
  PutObjects(16, 1 << 20);
  std::atomic<int> callbacks{0}, succeeded{0}, cancelled{0};
  {
    UringTransportOptions options;
    options.max_in_flight = 8;  // so some are still queued at shutdown
    auto transport = std::make_unique<UringCurlTransport>(loop_, options);
    auto store = StoreOver(*transport);
    for (int round = 0; round < 10; ++round) {
      for (int i = 0; i < 16; ++i) {
        store->Get(GetRequest{Key(i), {}, {}}, [&](const Result<GetResult>& r) {
          callbacks++;
          if (r.ok()) succeeded++;
          if (!r.ok() && r.status().code() == ErrorCode::kCancelled) cancelled++;
        });
      }
    }
    // Shut the transport down with transfers running and queued; their
    // callbacks still reach the store, which outlives it.
    transport.reset();
  }
  EXPECT_EQ(callbacks.load(), 160);
  EXPECT_EQ(succeeded.load() + cancelled.load(), 160);
  EXPECT_GT(cancelled.load(), 0);
  loop_.Stop();
}

}  // namespace
}  // namespace shoal
