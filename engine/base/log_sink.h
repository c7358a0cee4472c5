// LogSink: where a component writes the events an operator should see
// (an object changed under a snapshot, a fetch that failed for good).
//
// Components receive a sink from their owner instead of writing to a global
// logger, so tests can capture what was logged and a mount can send it to
// stderr or a file. Sinks are thread-safe. Messages are single lines and
// must never contain secrets.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace shoal {

enum class LogLevel { kInfo, kWarning, kError };

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(LogLevel level, std::string_view message) = 0;
};

// "2026-11-25T22:10:00Z shoal warning: ..." on stderr.
class StderrLogSink final : public LogSink {
 public:
  void Write(LogLevel level, std::string_view message) override;

 private:
  std::mutex mu_;  // one line at a time
};

// Keeps every line, for tests.
class MemoryLogSink final : public LogSink {
 public:
  void Write(LogLevel level, std::string_view message) override;
  std::vector<std::string> lines();

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;  // guarded by mu_
};

std::string_view LogLevelName(LogLevel level);

}  // namespace shoal
