// LatencyHistogram: a fixed-bucket histogram of durations that many threads
// can record into without locks, cheap enough for every object request.
//
// Buckets are fixed at 2^k microseconds (1 us .. about 67 s), so recording
// is one bit scan and one atomic add, and the layout maps directly onto a
// Prometheus histogram. Quantiles are estimated by linear interpolation
// inside the bucket that holds them: accurate to within one bucket, which is
// a factor of two at worst and plenty to tell 2 ms from 30 ms.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace shoal {

class LatencyHistogram {
 public:
  static constexpr size_t kBuckets = 27;  // upper bounds 1 us << k, k = 0..26

  // Upper bound of bucket `k` in seconds; the last bucket also takes
  // everything larger.
  static double UpperBoundSeconds(size_t k);

  void Record(std::chrono::nanoseconds duration);

  struct Snapshot {
    std::array<uint64_t, kBuckets> counts{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum_seconds = 0;
    // The q-quantile (0 < q <= 1) in seconds; 0 when empty.
    double Quantile(double q) const;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> sum_nanos_{0};
};

}  // namespace shoal
