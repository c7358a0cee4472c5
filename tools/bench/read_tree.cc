// shoal-read-tree: the reader side of the mount benchmarks. Reads every
// file named in a list with N threads, like a data loader's workers, and
// reports files/s and MB/s. With --queue the threads take files from one
// shared queue in list order (a shuffled epoch); otherwise each thread
// reads its own contiguous slice (workers splitting a dataset). --sums
// writes "xxh3 path" lines so runs and clients can be compared byte for
// byte. --deadline S stops taking new files after S seconds, so a slow
// client's run stays bounded; the rate is then over the files read, and
// the line ends in "partial".
//   shoal-read-tree LIST --threads N [--queue] [--sums FILE] [--deadline S]
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/base/parse_decimal.h"

namespace {

constexpr const char* kUsage =
    "usage: shoal-read-tree LIST --threads N [--queue] [--sums FILE] [--deadline S]\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::vector<std::string> paths;
  {
    std::ifstream in(argv[1]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) paths.push_back(line);
    }
  }
  int threads = 8;
  bool queue = false;
  std::string sums_path;
  double deadline_s = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      const std::optional<int> n = shoal::ParseDecimal<int>(argv[++i]);
      if (!n) {
        std::fputs(kUsage, stderr);
        return 2;
      }
      threads = std::max(1, *n);
    } else if (arg == "--queue") {
      queue = true;
    } else if (arg == "--sums" && i + 1 < argc) {
      sums_path = argv[++i];
    } else if (arg == "--deadline" && i + 1 < argc) {
      const std::optional<double> s = shoal::ParseDecimal<double>(argv[++i]);
      if (!s) {
        std::fputs(kUsage, stderr);
        return 2;
      }
      deadline_s = *s;
    }
  }
  std::vector<uint64_t> sums(paths.size(), 0);
  std::vector<char> done(paths.size(), 0);
  std::atomic<uint64_t> bytes{0}, errors{0}, files_read{0};
  std::atomic<bool> stopped{false};
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  auto past_deadline = [&] {
    if (deadline_s <= 0) return false;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed < deadline_s) return false;
    stopped = true;
    return true;
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  const size_t slice =
      (paths.size() + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<char> buffer(1 << 20);
      // A slice of its own, or the next file of the shared queue.
      size_t own = static_cast<size_t>(t) * slice;
      const size_t end = queue ? paths.size() : std::min(paths.size(), own + slice);
      auto take = [&] { return queue ? next.fetch_add(1) : own++; };
      for (size_t i = take(); i < end && !past_deadline(); i = take()) {
        int fd = ::open(paths[i].c_str(), O_RDONLY);
        if (fd < 0) {
          if (errors++ == 0) std::perror(paths[i].c_str());
          continue;
        }
        XXH3_state_t* state = XXH3_createState();
        XXH3_64bits_reset(state);
        ssize_t n = 0;
        while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) {
          bytes += static_cast<uint64_t>(n);
          XXH3_64bits_update(state, buffer.data(), static_cast<size_t>(n));
        }
        if (n < 0 && errors++ == 0) std::perror(paths[i].c_str());
        sums[i] = XXH3_64bits_digest(state);
        done[i] = 1;
        ++files_read;
        XXH3_freeState(state);
        ::close(fd);
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto files = files_read.load();
  std::printf("%llu files %.1f MB %.3f s %.0f files/s %.1f MB/s errors %llu%s\n",
              static_cast<unsigned long long>(files), static_cast<double>(bytes.load()) / 1e6,
              seconds, static_cast<double>(files) / seconds,
              static_cast<double>(bytes.load()) / 1e6 / seconds,
              static_cast<unsigned long long>(errors.load()), stopped ? " partial" : "");
  if (!sums_path.empty()) {
    std::FILE* out = std::fopen(sums_path.c_str(), "w");
    if (out == nullptr) return 1;
    for (size_t i = 0; i < paths.size(); ++i) {
      if (!done[i]) continue;
      std::fprintf(out, "%016llx %s\n", static_cast<unsigned long long>(sums[i]), paths[i].c_str());
    }
    if (std::fclose(out) != 0) {
      std::perror(sums_path.c_str());
      return 1;
    }
  }
  return errors.load() == 0 ? 0 : 1;
}
