// Retry policy and the retrying decorator, against a scripted fake transport.
#include <gtest/gtest.h>

#include <deque>

#include "engine/http/retry_policy.h"
#include "engine/http/retrying_transport.h"

namespace shoal {
namespace {

// Answers each Submit with the next scripted outcome.
class ScriptedTransport final : public HttpTransport {
 public:
  explicit ScriptedTransport(std::deque<Result<HttpResponse>> script)
      : script_(std::move(script)) {}
  void Submit(HttpRequest, HttpCallback done) override {
    ++calls;
    Result<HttpResponse> next = std::move(script_.front());
    script_.pop_front();
    done(std::move(next));
  }
  int calls = 0;

 private:
  std::deque<Result<HttpResponse>> script_;
};

// Records delays instead of sleeping.
class RecordingScheduler final : public Scheduler {
 public:
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> task) override {
    delays.push_back(delay);
    task();
  }
  std::vector<std::chrono::milliseconds> delays;
};

Result<HttpResponse> Http(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

TEST(RetryPolicy, WhatIsRetried) {
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (int s : {200, 206, 301, 400, 403, 404, 409, 412, 416})
    EXPECT_FALSE(IsRetryableHttpStatus(s));
  EXPECT_TRUE(IsRetryable(Status(ErrorCode::kNetwork, "reset")));
  EXPECT_TRUE(IsRetryable(Status(ErrorCode::kTimeout, "slow")));
  EXPECT_FALSE(IsRetryable(Status(ErrorCode::kInvalidArgument, "bad host")));
}

TEST(RetryPolicy, BackoffGrowsIsCappedAndJittered) {
  RetryOptions o;
  o.base_delay = std::chrono::milliseconds(100);
  o.max_delay = std::chrono::milliseconds(1000);
  EXPECT_EQ(BackoffDelay(o, 1, 0.0).count(), 50);
  EXPECT_EQ(BackoffDelay(o, 1, 0.999).count(), 99);
  EXPECT_EQ(BackoffDelay(o, 2, 0.0).count(), 100);
  EXPECT_EQ(BackoffDelay(o, 3, 0.0).count(), 200);
  EXPECT_EQ(BackoffDelay(o, 10, 0.0).count(), 500);
  EXPECT_LE(BackoffDelay(o, 60, 1.0).count(), 1000);
}

TEST(RetryingTransport, RetriesTransientThenSucceeds) {
  ScriptedTransport inner({Http(503), Status(ErrorCode::kNetwork, "reset"), Http(200)});
  RecordingScheduler scheduler;
  RetryingTransport retrying(inner, scheduler, RetryOptions{});
  Result<HttpResponse> got = Status(ErrorCode::kInternal, "not called");
  retrying.Submit(HttpRequest{}, [&](Result<HttpResponse> r) { got = std::move(r); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(inner.calls, 3);
  EXPECT_EQ(retrying.counters().retries.load(), 2u);
  EXPECT_EQ(scheduler.delays.size(), 2u);
}

TEST(RetryingTransport, NeverRetriesClientErrors) {
  ScriptedTransport inner({Http(403)});
  RecordingScheduler scheduler;
  RetryingTransport retrying(inner, scheduler, RetryOptions{});
  int status = 0;
  retrying.Submit(HttpRequest{}, [&](Result<HttpResponse> r) { status = r->status; });
  EXPECT_EQ(status, 403);
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(retrying.counters().retries.load(), 0u);
}

TEST(RetryingTransport, GivesUpAfterBoundedAttempts) {
  ScriptedTransport inner({Status(ErrorCode::kTimeout, "t"), Status(ErrorCode::kTimeout, "t"),
                           Status(ErrorCode::kTimeout, "t")});
  RecordingScheduler scheduler;
  RetryOptions options;
  options.max_attempts = 3;
  RetryingTransport retrying(inner, scheduler, options);
  Status final_status;
  retrying.Submit(HttpRequest{}, [&](const Result<HttpResponse>& r) { final_status = r.status(); });
  EXPECT_EQ(final_status.code(), ErrorCode::kTimeout);
  EXPECT_NE(final_status.message().find("gave up after 3 attempts"), std::string::npos);
  EXPECT_EQ(inner.calls, 3);
  EXPECT_EQ(retrying.counters().exhausted.load(), 1u);
}

// Holds tasks until told to run them, like a timer that has not fired yet.
class DeferringScheduler final : public Scheduler {
 public:
  void RunAfter(std::chrono::milliseconds, std::function<void()> task) override {
    tasks.push_back(std::move(task));
  }
  std::vector<std::function<void()>> tasks;
};

TEST(RetryingTransport, ARetryDueAfterDetachNeverReachesTheInnerTransport) {
  ScriptedTransport inner({Http(503), Http(200)});
  DeferringScheduler scheduler;
  RetryingTransport retrying(inner, scheduler, RetryOptions{});
  Status final_status = Status(ErrorCode::kInternal, "not called");
  retrying.Submit(HttpRequest{}, [&](const Result<HttpResponse>& r) { final_status = r.status(); });
  ASSERT_EQ(scheduler.tasks.size(), 1u);  // a retry is waiting
  retrying.Detach();                      // the transport below is about to go
  scheduler.tasks[0]();
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(final_status.code(), ErrorCode::kCancelled);
}

}  // namespace
}  // namespace shoal
