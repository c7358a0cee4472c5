// See synthetic_dataset.h.
#include "tools/cli/synthetic_dataset.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace shoal::cli {
namespace {

// The index-th weekday from 2015-01-05 (a Monday): trading days, in order.
std::chrono::year_month_day TradingDay(int index) {
  using namespace std::chrono;
  const sys_days monday = sys_days{year{2015} / January / 5};
  return year_month_day{monday + days{(index / 5) * 7 + index % 5}};
}

void FillRandom(int64_t size, std::mt19937_64& rng, std::string& out) {
  out.resize(static_cast<size_t>(size));
  for (size_t j = 0; j < out.size(); j += 8) {
    const uint64_t word = rng();
    std::memcpy(out.data() + j, &word, std::min<size_t>(8, out.size() - j));
  }
}

// Appends lines from `line` until `size` bytes; the last line is cut short
// but still ends in a newline, so the file is exactly `size` bytes.
template <typename MakeLine>
void FillLines(int64_t size, std::string& out, MakeLine line) {
  out.clear();
  const auto want = static_cast<size_t>(size);
  char buffer[160];
  while (out.size() < want) {
    const int n = line(buffer, sizeof(buffer));
    out.append(buffer, std::min(static_cast<size_t>(n), want - out.size()));
  }
  if (!out.empty()) out.back() = '\n';
}

void FillCsv(int index, int64_t size, std::mt19937_64& rng, std::string& out) {
  static constexpr const char* kSymbols[] = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META"};
  double price = 100.0 + static_cast<double>(index % 97);
  int64_t millis = 9 * 3600 * 1000 + 30 * 60 * 1000;  // 09:30:00.000
  bool header = true;
  FillLines(size, out, [&](char* buf, size_t cap) {
    if (header) {
      header = false;
      return std::snprintf(buf, cap, "time,symbol,bid,ask,bid_size,ask_size\n");
    }
    millis += static_cast<int64_t>(rng() % 50);
    price = std::max(1.0, price + (static_cast<double>(rng() % 2001) - 1000.0) / 100000.0);
    const int64_t s = millis / 1000;
    return std::snprintf(buf, cap, "%02lld:%02lld:%02lld.%03lld,%s,%.2f,%.2f,%llu,%llu\n",
                         static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60),
                         static_cast<long long>(s % 60), static_cast<long long>(millis % 1000),
                         kSymbols[rng() % 6], price, price + 0.01,
                         static_cast<unsigned long long>(100 * (1 + rng() % 50)),
                         static_cast<unsigned long long>(100 * (1 + rng() % 50)));
  });
}

void FillLog(const DatasetSpec& spec, int index, int64_t size, std::mt19937_64& rng,
             std::string& out) {
  static constexpr const char* kPaths[] = {"/v1/objects", "/v1/train", "/healthz", "/v1/shards"};
  int64_t millis = static_cast<int64_t>(index) * 1000;
  FillLines(size, out, [&](char* buf, size_t cap) {
    millis += static_cast<int64_t>(rng() % 200);
    const int64_t s = millis / 1000;
    const bool error = rng() % 50 == 0;
    return std::snprintf(
        buf, cap,
        "2026-11-%02lld %02lld:%02lld:%02lld.%03lld host-%02d app[%d]: %s %s id=%016llx %llums\n",
        static_cast<long long>(1 + s / 86400 % 28), static_cast<long long>(s / 3600 % 24),
        static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
        static_cast<long long>(millis % 1000), index % spec.dirs, 1000 + index % 9000,
        error ? "ERROR" : "INFO", kPaths[rng() % 4], static_cast<unsigned long long>(rng()),
        static_cast<unsigned long long>(rng() % 900));
  });
}

}  // namespace

SizePicker::SizePicker(const DatasetSpec& spec, std::mt19937_64& rng)
    : spec_(spec),
      rng_(rng),
      lognormal_(std::log(static_cast<double>(std::max<int64_t>(1, spec.median_size))), spec.sigma),
      uniform_(static_cast<int>(spec.min_size), static_cast<int>(spec.max_size)) {}

int64_t SizePicker::Next() {
  if (spec_.median_size > 0) {
    return std::clamp(static_cast<int64_t>(lognormal_(rng_)), spec_.min_size, spec_.max_size);
  }
  return uniform_(rng_);
}

std::string DatasetPath(const DatasetSpec& spec, int index) {
  char path[64];
  switch (spec.shape) {
    case DatasetShape::kBinary:
      std::snprintf(path, sizeof(path), "class-%03d/sample-%07d.bin", index % spec.dirs, index);
      break;
    case DatasetShape::kCsv: {
      const auto day = TradingDay(index);
      std::snprintf(path, sizeof(path), "%04d/%04d-%02u-%02u.csv", static_cast<int>(day.year()),
                    static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                    static_cast<unsigned>(day.day()));
      break;
    }
    case DatasetShape::kLog:
      std::snprintf(path, sizeof(path), "host-%02d/app-%06d.log", index % spec.dirs, index);
      break;
  }
  return path;
}

void FillContent(const DatasetSpec& spec, int index, int64_t size, std::mt19937_64& rng,
                 std::string& out) {
  switch (spec.shape) {
    case DatasetShape::kBinary:
      return FillRandom(size, rng, out);
    case DatasetShape::kCsv:
      return FillCsv(index, size, rng, out);
    case DatasetShape::kLog:
      return FillLog(spec, index, size, rng, out);
  }
}

}  // namespace shoal::cli
