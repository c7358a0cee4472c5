// Formatting seconds since the epoch as UTC text (strftime formats).
#pragma once

#include <cstdint>
#include <string>

namespace shoal {

// e.g. FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); results longer than 63 bytes are cut.
std::string FormatUtc(int64_t unix_seconds, const char* strftime_format);

}  // namespace shoal
