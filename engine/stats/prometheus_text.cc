#include "engine/stats/prometheus_text.h"

#include <cmath>
#include <cstdio>

namespace shoal {
namespace {

std::string FormatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

void AppendLabels(std::string& out, const MetricLabels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    for (char c : value) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
}

}  // namespace

void PrometheusText::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  for (char c : help) text_ += c == '\n' ? ' ' : c;
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void PrometheusText::Sample(std::string_view name, const MetricLabels& labels, double value) {
  text_ += name;
  AppendLabels(text_, labels);
  text_ += ' ';
  text_ += FormatNumber(value);
  text_ += '\n';
}

void PrometheusText::Histogram(std::string_view name, const MetricLabels& labels,
                               const LatencyHistogram::Snapshot& snapshot) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t k = 0; k < LatencyHistogram::kBuckets; ++k) {
    cumulative += snapshot.counts[k];
    MetricLabels with_le = labels;
    with_le.emplace_back("le", FormatNumber(LatencyHistogram::UpperBoundSeconds(k)));
    Sample(bucket, with_le, static_cast<double>(cumulative));
  }
  MetricLabels inf = labels;
  inf.emplace_back("le", "+Inf");
  Sample(bucket, inf, static_cast<double>(snapshot.count));
  Sample(std::string(name) + "_sum", labels, snapshot.sum_seconds);
  Sample(std::string(name) + "_count", labels, static_cast<double>(snapshot.count));
}

void PrometheusText::Quantiles(std::string_view name, const MetricLabels& labels,
                               const LatencyHistogram::Snapshot& snapshot,
                               const std::vector<double>& quantiles) {
  for (double q : quantiles) {
    MetricLabels with_q = labels;
    with_q.emplace_back("quantile", FormatNumber(q));
    Sample(name, with_q, snapshot.Quantile(q));
  }
  Sample(std::string(name) + "_sum", labels, snapshot.sum_seconds);
  Sample(std::string(name) + "_count", labels, static_cast<double>(snapshot.count));
}

}  // namespace shoal
