// ProgressLine: a status line on stderr that a background thread redraws
// every 250 ms while a long command runs, ending with a final redraw and a
// newline. Shared by the commands that show progress (index, mount, put).
//
// The caller decides whether to show it at all (usually: stderr is a TTY and
// no --quiet). `draw` returns the line's text (without "\r"); it runs on the
// progress thread, so it may only read state that is safe to read from there
// (atomics). The object owns its thread and joins it in Stop() or on
// destruction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace shoal::cli {

class ProgressLine {
 public:
  // `draw` gets the seconds since construction.
  using Draw = std::function<std::string(double seconds)>;

  ProgressLine(bool enabled, Draw draw);
  ~ProgressLine() { Stop(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Draws the line a last time and ends it; idempotent.
  void Stop();

 private:
  void Print();

  const Draw draw_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace shoal::cli
