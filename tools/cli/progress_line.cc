#include "tools/cli/progress_line.h"

#include <cstdio>

namespace shoal::cli {

ProgressLine::ProgressLine(bool enabled, Draw draw) : draw_(std::move(draw)) {
  if (!enabled) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return done_; })) Print();
  });
}

void ProgressLine::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Print();
  std::fputc('\n', stderr);
}

void ProgressLine::Print() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // Trailing spaces wipe what a longer previous line left behind.
  std::fprintf(stderr, "\r%s   ", draw_(seconds).c_str());
  (void)std::fflush(stderr);  // a progress line that cannot be shown is no error
}

}  // namespace shoal::cli
