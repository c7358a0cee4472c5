// When to try a request again, and how long to wait first. Pure functions.
//
// Retried: HTTP 500, 502, 503 (including SlowDown), 504, 408 and 429, and
// transport timeouts and connection failures (refused, reset, cut short).
// Never retried: any other 4xx, which would only fail again, and local
// configuration errors such as an unresolvable host or a TLS failure.
// Backoff is exponential with "equal jitter": half the capped exponential
// delay plus a random share of the other half, so clients that failed
// together do not retry together.
#pragma once

#include <chrono>

#include "engine/base/result.h"
#include "engine/http/http_message.h"

namespace shoal {

struct RetryOptions {
  int max_attempts = 5;  // including the first; 1 disables retries
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{2000};
};

bool IsRetryableHttpStatus(int status);
bool IsRetryable(const Result<HttpResponse>& outcome);

// Delay before retry number `retry` (1 for the first retry). `unit_random`
// is a uniform sample from [0, 1).
std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double unit_random);

}  // namespace shoal
