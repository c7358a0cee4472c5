// PrometheusText: builds a page in the Prometheus text exposition format
// (version 0.0.4), the format `shoal stats` prints and scrapers read.
//
// Callers open a metric family with Family() and then add its samples; the
// writer escapes label values and formats numbers, so metric producers
// never hand-assemble lines. Not thread-safe; build one page per scrape.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/stats/latency_histogram.h"

namespace shoal {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // `type` is "counter", "gauge", "histogram" or "summary".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  void Sample(std::string_view name, double value) { Sample(name, {}, value); }
  // The _bucket/_sum/_count samples of a histogram family named `name`.
  void Histogram(std::string_view name, const MetricLabels& labels,
                 const LatencyHistogram::Snapshot& snapshot);
  // The quantile/_sum/_count samples of a summary family named `name`.
  void Quantiles(std::string_view name, const MetricLabels& labels,
                 const LatencyHistogram::Snapshot& snapshot, const std::vector<double>& quantiles);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace shoal
