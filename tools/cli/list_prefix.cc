#include "tools/cli/list_prefix.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "engine/base/parse_decimal.h"
#include "tools/cli/progress_line.h"

namespace shoal::cli {
namespace {

Result<int64_t> CreationTime() {
  // Reproducible builds pin the time with SOURCE_DATE_EPOCH.
  if (const char* pinned = std::getenv("SOURCE_DATE_EPOCH")) {
    const std::optional<int64_t> seconds = ParseDecimal<int64_t>(pinned);
    if (!seconds) {
      return Status(
          ErrorCode::kInvalidArgument,
          "SOURCE_DATE_EPOCH must be a whole number of seconds, not '" + std::string(pinned) + "'");
    }
    return *seconds;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<IndexOutput> ListPrefix(ObjectStore& store, const StoreUri& location,
                               const std::string& endpoint, int concurrency, bool progress,
                               ListingCounters& counters) {
  std::string prefix = location.prefix;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  ManifestSource source;
  source.bucket = location.bucket;
  source.prefix = prefix;
  const Result<int64_t> created = CreationTime();
  if (!created.ok()) return created.status();
  source.created_unix = *created;
  source.endpoint = endpoint;
  ListerOptions options;
  options.concurrency = concurrency;
  ProgressLine line(progress, [&counters](double s) {
    const uint64_t n = counters.objects.load();
    char text[160];
    std::snprintf(text, sizeof text, "listed %llu objects (%.0f/s), %llu pages, %.1f s",
                  static_cast<unsigned long long>(n), s > 0 ? static_cast<double>(n) / s : 0.0,
                  static_cast<unsigned long long>(counters.pages.load()), s);
    return std::string(text);
  });
  return BuildIndex(store, source, options, counters);
}

}  // namespace shoal::cli
