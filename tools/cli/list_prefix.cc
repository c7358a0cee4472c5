#include "tools/cli/list_prefix.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace shoal::cli {
namespace {

// Prints listing progress on stderr while it runs (a TTY only).
class ProgressLine {
 public:
  ProgressLine(const ListingCounters& counters, bool enabled) : counters_(counters) {
    if (!enabled) return;
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return done_; })) Print();
    });
  }
  ~ProgressLine() { Stop(); }
  void Stop() {
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

 private:
  void Print() {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    uint64_t n = counters_.objects.load();
    std::fprintf(stderr, "\rlisted %llu objects (%.0f/s), %llu pages, %.1f s   ",
                 static_cast<unsigned long long>(n), s > 0 ? static_cast<double>(n) / s : 0.0,
                 static_cast<unsigned long long>(counters_.pages.load()), s);
  }

  const ListingCounters& counters_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int64_t CreationTime() {
  // Reproducible builds pin the time with SOURCE_DATE_EPOCH.
  if (const char* pinned = std::getenv("SOURCE_DATE_EPOCH")) return std::atoll(pinned);
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
  source.created_unix = CreationTime();
  source.endpoint = endpoint;
  ListerOptions options;
  options.concurrency = concurrency;
  ProgressLine line(counters, progress);
  return BuildIndex(store, source, options, counters);
}

}  // namespace shoal::cli
