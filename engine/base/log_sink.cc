#include "engine/base/log_sink.h"

#include <cstdio>
#include <ctime>

#include "engine/base/utc_time.h"

namespace shoal {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void StderrLogSink::Write(LogLevel level, std::string_view message) {
  std::string line = FormatUtc(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ");
  line += " shoal ";
  line += LogLevelName(level);
  line += ": ";
  line += message;
  line += '\n';
  std::lock_guard lock(mu_);
  (void)std::fwrite(line.data(), 1, line.size(), stderr);  // nowhere to report a failure
}

void MemoryLogSink::Write(LogLevel level, std::string_view message) {
  std::lock_guard lock(mu_);
  lines_.push_back(std::string(LogLevelName(level)) + ": " + std::string(message));
}

std::vector<std::string> MemoryLogSink::lines() {
  std::lock_guard lock(mu_);
  return lines_;
}

}  // namespace shoal
