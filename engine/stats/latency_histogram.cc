#include "engine/stats/latency_histogram.h"

#include <bit>

namespace shoal {

double LatencyHistogram::UpperBoundSeconds(size_t k) {
  return static_cast<double>(uint64_t{1} << k) * 1e-6;
}

void LatencyHistogram::Record(std::chrono::nanoseconds duration) {
  const auto nanos = static_cast<uint64_t>(std::max<int64_t>(0, duration.count()));
  const uint64_t micros = (nanos + 999) / 1000;
  // The smallest k with micros <= 2^k.
  size_t k = micros <= 1 ? 0 : static_cast<size_t>(std::bit_width(micros - 1));
  if (k >= kBuckets) k = kBuckets - 1;
  counts_[k].fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(nanos, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot s;
  for (size_t k = 0; k < kBuckets; ++k) {
    s.counts[k] = counts_[k].load(std::memory_order_relaxed);
    s.count += s.counts[k];
  }
  s.sum_seconds = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) * 1e-9;
  return s;
}

double LatencyHistogram::Snapshot::Quantile(double q) const {
  if (count == 0) return 0;
  const double rank = q * static_cast<double>(count);
  double below = 0;
  for (size_t k = 0; k < kBuckets; ++k) {
    const auto here = static_cast<double>(counts[k]);
    if (here > 0 && below + here >= rank) {
      const double low = k == 0 ? 0 : UpperBoundSeconds(k - 1);
      const double high = UpperBoundSeconds(k);
      return low + (high - low) * std::max(0.0, rank - below) / here;
    }
    below += here;
  }
  return UpperBoundSeconds(kBuckets - 1);
}

}  // namespace shoal
