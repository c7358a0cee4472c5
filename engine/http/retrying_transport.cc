#include "engine/http/retrying_transport.h"

namespace shoal {

struct RetryingTransport::Attempt {
  HttpRequest request;
  HttpCallback done;
  int number = 1;
};

RetryingTransport::RetryingTransport(HttpTransport& inner, Scheduler& scheduler,
                                     RetryOptions options)
    : inner_(inner), scheduler_(scheduler), options_(options), rng_(std::random_device{}()) {}

double RetryingTransport::NextUnitRandom() {
  std::lock_guard lock(rng_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void RetryingTransport::Submit(HttpRequest request, HttpCallback done) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  Run(std::make_shared<Attempt>(Attempt{std::move(request), std::move(done), 1}));
}

void RetryingTransport::Run(const std::shared_ptr<Attempt>& attempt) {
  HttpRequest copy = attempt->request;
  inner_.Submit(std::move(copy), [this, attempt](Result<HttpResponse> outcome) {
    if (!IsRetryable(outcome)) {
      attempt->done(std::move(outcome));
      return;
    }
    if (attempt->number >= options_.max_attempts) {
      counters_.exhausted.fetch_add(1, std::memory_order_relaxed);
      if (!outcome.ok()) {
        outcome = outcome.status().WithContext("gave up after " + std::to_string(attempt->number) +
                                               " attempts");
      }
      attempt->done(std::move(outcome));
      return;
    }
    counters_.retries.fetch_add(1, std::memory_order_relaxed);
    auto delay = BackoffDelay(options_, attempt->number, NextUnitRandom());
    ++attempt->number;
    scheduler_.RunAfter(delay, [this, attempt] {
      if (detached_) {
        attempt->done(Status(ErrorCode::kCancelled, "the transport shut down before a retry"));
        return;
      }
      Run(attempt);
    });
  });
}

}  // namespace shoal
