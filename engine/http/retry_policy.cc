#include "engine/http/retry_policy.h"

#include <algorithm>

namespace shoal {

bool IsRetryableHttpStatus(int status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

bool IsRetryable(const Result<HttpResponse>& outcome) {
  if (outcome.ok()) return IsRetryableHttpStatus(outcome->status);
  ErrorCode code = outcome.status().code();
  return code == ErrorCode::kNetwork || code == ErrorCode::kTimeout;
}

std::chrono::milliseconds BackoffDelay(const RetryOptions& options, int retry, double unit_random) {
  const int shift = std::clamp(retry - 1, 0, 30);
  const long long base = std::max<long long>(options.base_delay.count(), 1);
  const long long cap = std::min<long long>(options.max_delay.count(), base << std::min(shift, 20));
  const double jittered = static_cast<double>(cap) / 2.0 +
                          std::clamp(unit_random, 0.0, 1.0) * static_cast<double>(cap) / 2.0;
  return std::chrono::milliseconds(static_cast<long long>(jittered));
}

}  // namespace shoal
