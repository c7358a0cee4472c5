// `shoal bench-read MANIFEST`: reads every file of a manifest through the
// read engine (no FUSE) with N reader threads, and reports files/s, MB/s and
// the process's CPU seconds. Readers split the files into N contiguous runs
// in manifest order, as a data loader's workers split a dataset; --shuffle
// reads in a seeded random order and hands the engine that order as a hint.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <thread>

#include "engine/http/retrying_transport.h"
#include "engine/http/uring_curl_transport.h"
#include "engine/read/read_engine.h"
#include "engine/store/file/file_store.h"
#include "engine/store/s3/s3_store.h"
#include "index/manifest_catalog.h"
#include "tools/cli/commands.h"
#include "tools/cli/manifest_cli.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct BenchArgs {
  std::string manifest;
  int readers = 8;
  uint64_t budget_mib = 1024;
  int max_in_flight = 128;
  bool shuffle = false;
  bool direct = false;
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
  if (args.shuffle) std::shuffle(files.begin(), files.end(), std::mt19937(42));

  EventLoop loop;
  if (Status s = loop.Start(); !s.ok()) return Fail(s);
  std::unique_ptr<ObjectStore> file_store;
  std::unique_ptr<UringCurlTransport> transport;
  std::unique_ptr<RetryingTransport> retrying;
  std::unique_ptr<S3Store> s3_store;
  ObjectStore* store = nullptr;
  if (manifest->endpoint().empty()) {
    Result<std::unique_ptr<FileStore>> opened = FileStore::Open(std::string(manifest->bucket()));
    if (!opened.ok()) return Fail(opened.status());
    file_store = std::move(*opened);
    store = file_store.get();
  } else {
    // The manifest names the endpoint; --endpoint overrides it.
    StoreOptions options = ToStoreOptions(args.store);
    if (options.endpoint.empty()) options.endpoint = std::string(manifest->endpoint());
    Result<S3Config> config =
        ResolveS3Config(std::string(manifest->bucket()), options, ProcessEnvironment());
    if (!config.ok()) return Fail(config.status());
    Result<ParsedEndpoint> endpoint = ParseEndpoint(config->endpoint);
    if (!endpoint.ok()) return Fail(endpoint.status());
    UringTransportOptions transport_options;
    transport_options.transport = options.transport;
    transport_options.max_in_flight = args.max_in_flight;
    transport = std::make_unique<UringCurlTransport>(loop, transport_options);
    retrying = std::make_unique<RetryingTransport>(*transport, loop, options.retry);
    s3_store = std::make_unique<S3Store>(S3RequestBuilder(*config, *endpoint), *retrying);
    store = s3_store.get();
  }
  ManifestCatalog catalog(manifest);
  ReadEngineOptions options;
  options.memory_budget = args.budget_mib << 20;
  options.direct = args.direct;
  auto engine = std::make_unique<ReadEngine>(loop, *store, catalog, options);
  if (args.shuffle && !args.direct) engine->Hint(files);

  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::atomic<uint64_t> bytes{0}, failures{0};
  std::vector<std::thread> readers;
  const size_t per_reader =
      (files.size() + static_cast<size_t>(args.readers) - 1) / static_cast<size_t>(args.readers);
  for (int r = 0; r < args.readers; ++r) {
    readers.emplace_back([&, r] {
      const size_t begin = static_cast<size_t>(r) * per_reader;
      const size_t end = std::min(files.size(), begin + per_reader);
      for (size_t i = begin; i < end; ++i) {
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
  engine.reset();
  transport.reset();  // completes anything in flight while the store still exists
  loop.Stop();
  return failures.load() == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void AddBenchReadCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench-read", "Read every file of a manifest through the engine and time it");
  cmd->add_option("manifest", args->manifest, "manifest file")->required();
  cmd->add_option("--readers", args->readers, "reader threads")->check(CLI::Range(1, 1024));
  cmd->add_option("--budget-mib", args->budget_mib, "engine memory budget in MiB")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-in-flight", args->max_in_flight, "requests in flight")
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--shuffle", args->shuffle,
                "read in a seeded random order, given to the engine as a hint");
  cmd->add_flag("--direct", args->direct, "no cache and no prefetch");
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunBench(*args); });
}

}  // namespace shoal::cli
