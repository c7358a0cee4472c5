// `shoal bench-read MANIFEST`: reads every file of a manifest through the
// read engine (no FUSE) with N reader threads, and reports files/s, MB/s and
// the process's CPU seconds. Readers split the files into N contiguous runs
// in manifest order, as a data loader's workers split a dataset. --shuffle
// reads in a seeded random order and hands the engine that order as a hint;
// readers then take the next sample from one shared queue, as a shuffling
// data loader's workers do, so the files are consumed in the hinted order.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <thread>

#include "engine/read/read_stack.h"
#include "index/manifest_catalog.h"
#include "tools/cli/commands.h"
#include "tools/cli/engine_flags.h"
#include "tools/cli/manifest_cli.h"

namespace shoal::cli {
namespace {

struct BenchArgs {
  std::string manifest;
  int readers = 8;
  bool shuffle = false;
  bool print_stats = false;
  EngineFlags engine;
  StoreFlags store;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int RunBench(const BenchArgs& args) {
  std::shared_ptr<const Manifest> manifest = OpenManifestOrReport(args.manifest);
  if (!manifest) return kExitFailed;
  std::vector<uint32_t> files;
  for (uint32_t e = 1; e < manifest->entry_count(); ++e) {
    if (!manifest->IsDir(e)) files.push_back(e);
  }
  // NOLINTNEXTLINE(cert-msc51-cpp): a fixed seed, so every run reads in the same order
  if (args.shuffle) std::shuffle(files.begin(), files.end(), std::mt19937(42));

  // The manifest names the bucket and endpoint; --endpoint overrides it.
  StoreUri location;
  location.kind = manifest->endpoint().empty() ? StoreUri::Kind::kFile : StoreUri::Kind::kS3;
  location.bucket = std::string(manifest->bucket());
  ReadStackOptions options = ToReadStackOptions(args.engine, args.store);
  if (options.store.endpoint.empty()) options.store.endpoint = std::string(manifest->endpoint());
  auto catalog = std::make_shared<ManifestCatalog>(manifest);
  Result<std::unique_ptr<ReadStack>> stack =
      ReadStack::Open(location, options, catalog, ProcessEnvironment());
  if (!stack.ok()) return Fail(stack.status());
  ReadEngine* engine = &(*stack)->engine();
  if (args.shuffle && !args.engine.direct) engine->Hint(files);

  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> bytes{0}, failures{0};
  std::vector<std::thread> readers;
  readers.reserve(static_cast<size_t>(args.readers));
  const size_t per_reader =
      (files.size() + static_cast<size_t>(args.readers) - 1) / static_cast<size_t>(args.readers);
  std::atomic<size_t> next_sample{0};
  for (int r = 0; r < args.readers; ++r) {
    readers.emplace_back([&, r] {
      // A slice of its own, or the next file of the shared (hinted) order.
      size_t own = static_cast<size_t>(r) * per_reader;
      const size_t end = args.shuffle ? files.size() : std::min(files.size(), own + per_reader);
      auto next = [&] { return args.shuffle ? next_sample.fetch_add(1) : own++; };
      for (size_t i = next(); i < end; i = next()) {
        std::promise<void> done;
        engine->Read(files[i], 0, manifest->GetAttr(files[i]).size,
                     [&](Result<std::string_view> data) {
                       if (data.ok()) {
                         bytes += data->size();
                       } else {
                         if (failures++ == 0)
                           std::fprintf(stderr, "shoal: %s\n", data.status().ToString().c_str());
                       }
                       done.set_value();
                     });
        done.get_future().wait();
      }
    });
  }
  for (auto& t : readers) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_start;
  ReadStats stats = engine->Stats();
  std::printf(
      "read %zu files, %.1f MB in %.2f s: %.0f files/s, %.1f MB/s, %.2f CPU s (%.0f%% of one "
      "core)\n",
      files.size(), static_cast<double>(bytes.load()) / 1e6, seconds,
      static_cast<double>(files.size()) / seconds,
      static_cast<double>(bytes.load()) / 1e6 / seconds, cpu, 100.0 * cpu / seconds);
  std::printf(
      "requests %llu, prefetch hits %llu, cache hits %llu, wasted %llu B, peak %llu B, failures "
      "%llu\n",
      static_cast<unsigned long long>(stats.requests),
      static_cast<unsigned long long>(stats.prefetch_hits),
      static_cast<unsigned long long>(stats.cache_hits),
      static_cast<unsigned long long>(stats.prefetch_wasted_bytes),
      static_cast<unsigned long long>(stats.peak_bytes_in_use),
      static_cast<unsigned long long>(failures.load()));
  if (args.print_stats) std::fputs((*stack)->MetricsText().c_str(), stdout);
  stack->reset();
  return failures.load() == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void AddBenchReadCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench-read", "Read every file of a manifest through the engine and time it");
  cmd->add_option("manifest", args->manifest, "manifest file")->required();
  cmd->add_option("--readers", args->readers, "reader threads")->check(CLI::Range(1, 1024));
  cmd->add_flag("--shuffle", args->shuffle,
                "read in a seeded random order, given to the engine as a hint");
  cmd->add_flag("--stats", args->print_stats, "print the engine's stats (Prometheus text)");
  AddEngineFlags(*cmd, args->engine);
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunBench(*args); });
}

}  // namespace shoal::cli
