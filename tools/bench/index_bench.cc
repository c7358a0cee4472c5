// shoal-index-bench: feeds a synthetic listing of DIRS x FILES keys straight
// to the manifest builder and reports build time, peak RSS, bytes per entry,
// open-and-verify time and random lookups per second on one thread.
//
//   shoal-index-bench [--dirs 1000] [--files 1000] [--out /tmp/bench.shoal]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>

#include "engine/base/parse_decimal.h"
#include "index/manifest.h"
#include "index/manifest_builder.h"
#include "index/manifest_file.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The value of a count flag; exits with a usage error if it is not one.
long CountArgument(const char* flag, const char* text) {
  const std::optional<long> count = shoal::ParseDecimal<long>(text);
  if (!count || *count < 0) {
    std::fprintf(stderr, "shoal-index-bench: %s wants a whole number, not '%s'\n", flag, text);
    std::exit(2);
  }
  return *count;
}

}  // namespace

int main(int argc, char** argv) {
  long dirs = 1000, files = 1000;
  std::string out = "/tmp/shoal-index-bench.shoal";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dirs") == 0) dirs = CountArgument(argv[i], argv[i + 1]);
    if (std::strcmp(argv[i], "--files") == 0) files = CountArgument(argv[i], argv[i + 1]);
    if (std::strcmp(argv[i], "--out") == 0) out = argv[i + 1];
  }
  const long keys = dirs * files;
  std::printf("synthetic listing: %ld directories x %ld files = %ld keys\n", dirs, files, keys);

  auto start = std::chrono::steady_clock::now();
  std::string payload;
  {
    shoal::ManifestBuilder builder({"http://127.0.0.1:7480", "bench", "data/", 1700000000});
    shoal::ObjectInfo object;
    object.etag = "0123456789abcdef0123456789abcdef";
    object.mtime_seconds = 1700000000;
    char key[96];
    for (long d = 0; d < dirs; ++d) {
      for (long f = 0; f < files; ++f) {
        std::snprintf(key, sizeof(key), "data/train/class-%04ld/sample-%08ld.jpg", d,
                      d * files + f);
        object.key = key;
        object.size = static_cast<uint64_t>(4096 + (d * 7919 + f * 104729) % 200000);
        object.etag[static_cast<size_t>(f % 32)] = "0123456789abcdef"[(d + f) % 16];
        builder.Add(object);
      }
    }
    payload = builder.Finish();
  }
  const double build_s = Seconds(start);
  const double build_rss = PeakRssMiB();

  const std::string plain = shoal::EncodeManifestContainer(payload, false);
  start = std::chrono::steady_clock::now();
  const std::string packed = shoal::EncodeManifestContainer(payload, true);
  const double compress_s = Seconds(start);
  payload.clear();
  payload.shrink_to_fit();
  const auto entries = static_cast<double>(keys + dirs + 2);
  std::printf("build: %.2f s, peak RSS %.0f MiB\n", build_s, build_rss);
  std::printf("size: %.1f MiB uncompressed (%.1f B/entry), %.1f MiB zstd (%.1f B/entry, %.2f s)\n",
              static_cast<double>(plain.size()) / 1048576.0,
              static_cast<double>(plain.size()) / entries,
              static_cast<double>(packed.size()) / 1048576.0,
              static_cast<double>(packed.size()) / entries, compress_s);

  for (bool compressed : {false, true}) {
    const std::string path = out + (compressed ? ".zst" : "");
    if (!shoal::WriteFileAtomically(path, compressed ? packed : plain).ok()) return 1;
    start = std::chrono::steady_clock::now();
    auto m = shoal::Manifest::Open(path);
    const double open_s = Seconds(start);
    if (!m.ok()) {
      std::fprintf(stderr, "%s\n", m.status().ToString().c_str());
      return 1;
    }
    std::printf("open+verify (%s): %.0f ms, %u entries\n", compressed ? "zstd" : "mmap",
                open_s * 1000, (*m)->entry_count());
    if (compressed) continue;
    const shoal::Manifest& manifest = **m;
    std::mt19937 rng(42);  // NOLINT(cert-msc51-cpp): the same queries every run
    std::uniform_int_distribution<uint32_t> pick(1, manifest.entry_count() - 1);
    constexpr int kQueries = 1 << 20;
    std::vector<std::pair<uint32_t, std::string_view>> queries;
    queries.reserve(kQueries);
    for (int i = 0; i < kQueries; ++i) {
      uint32_t e = pick(rng);
      queries.emplace_back(manifest.Parent(e), manifest.Name(e));
    }
    start = std::chrono::steady_clock::now();
    uint64_t found = 0;
    for (const auto& [parent, name] : queries) found += manifest.Lookup(parent, name).has_value();
    const double lookup_s = Seconds(start);
    std::printf("random lookups: %.2f M/s on one thread (%llu/%d found)\n",
                kQueries / lookup_s / 1e6, static_cast<unsigned long long>(found), kQueries);
  }
  std::printf("peak RSS overall: %.0f MiB\n", PeakRssMiB());
  return 0;
}
