// shoal-read-tree: the reader side of the mount benchmarks. Reads every
// file named in a list with N threads, like a data loader's workers, and
// reports files/s and MB/s. With --queue the threads take files from one
// shared queue in list order (a shuffled epoch); otherwise each thread
// reads its own contiguous slice (workers splitting a dataset). --sums
// writes "xxh3 path" lines so runs and clients can be compared byte for
// byte.
//   shoal-read-tree LIST --threads N [--queue] [--sums FILE]
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: shoal-read-tree LIST --threads N [--queue] [--sums FILE]\n");
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
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--queue") {
      queue = true;
    } else if (arg == "--sums" && i + 1 < argc) {
      sums_path = argv[++i];
    }
  }
  std::vector<uint64_t> sums(paths.size(), 0);
  std::atomic<uint64_t> bytes{0}, errors{0};
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  const size_t slice =
      (paths.size() + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<char> buffer(1 << 20);
      // A slice of its own, or the next file of the shared queue.
      size_t own = static_cast<size_t>(t) * slice;
      const size_t end = queue ? paths.size() : std::min(paths.size(), own + slice);
      auto take = [&] { return queue ? next.fetch_add(1) : own++; };
      for (size_t i = take(); i < end; i = take()) {
        int fd = ::open(paths[i].c_str(), O_RDONLY);
        if (fd < 0) {
          if (errors++ == 0) std::perror(paths[i].c_str());
          continue;
        }
        XXH3_state_t* state = XXH3_createState();
        XXH3_64bits_reset(state);
        ssize_t n;
        while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) {
          bytes += static_cast<uint64_t>(n);
          XXH3_64bits_update(state, buffer.data(), static_cast<size_t>(n));
        }
        if (n < 0 && errors++ == 0) std::perror(paths[i].c_str());
        sums[i] = XXH3_64bits_digest(state);
        XXH3_freeState(state);
        ::close(fd);
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu files %.1f MB %.3f s %.0f files/s %.1f MB/s errors %llu\n", paths.size(),
              static_cast<double>(bytes.load()) / 1e6, seconds,
              static_cast<double>(paths.size()) / seconds,
              static_cast<double>(bytes.load()) / 1e6 / seconds,
              static_cast<unsigned long long>(errors.load()));
  if (!sums_path.empty()) {
    std::FILE* out = std::fopen(sums_path.c_str(), "w");
    if (out == nullptr) return 1;
    for (size_t i = 0; i < paths.size(); ++i) {
      std::fprintf(out, "%016llx %s\n", static_cast<unsigned long long>(sums[i]), paths[i].c_str());
    }
    std::fclose(out);
  }
  return errors.load() == 0 ? 0 : 1;
}
