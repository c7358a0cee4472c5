// RetryingTransport: a decorator that applies the retry policy to any
// HttpTransport, waiting between attempts through a Scheduler.
//
// Counters are atomics so a running mount can report them; they are owned
// by this object, not global.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

#include "engine/http/http_transport.h"
#include "engine/http/retry_policy.h"
#include "engine/http/scheduler.h"

namespace shoal {

struct RetryCounters {
  std::atomic<uint64_t> requests{0};   // logical requests submitted
  std::atomic<uint64_t> retries{0};    // extra attempts made
  std::atomic<uint64_t> exhausted{0};  // requests that failed after the last attempt
};

class RetryingTransport final : public HttpTransport {
 public:
  // `inner` and `scheduler` must outlive this object.
  RetryingTransport(HttpTransport& inner, Scheduler& scheduler, RetryOptions options);

  void Submit(HttpRequest request, HttpCallback done) override;

  const RetryCounters& counters() const { return counters_; }

  // Stops scheduling retries (any thread): a retry that comes due later
  // completes with kCancelled instead of reaching `inner`. Call it before
  // destroying `inner` while the scheduler still runs.
  void Detach() { detached_ = true; }

 private:
  struct Attempt;
  void Run(const std::shared_ptr<Attempt>& attempt);
  double NextUnitRandom();

  HttpTransport& inner_;
  Scheduler& scheduler_;
  const RetryOptions options_;
  RetryCounters counters_;
  std::atomic<bool> detached_{false};
  std::mutex rng_mu_;
  std::minstd_rand rng_;  // guarded by rng_mu_
};

}  // namespace shoal
