#include "engine/base/utc_time.h"

#include <ctime>

namespace shoal {

std::string FormatUtc(int64_t unix_seconds, const char* strftime_format) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof(buffer), strftime_format, &tm);
  return std::string(buffer, n);
}

}  // namespace shoal
