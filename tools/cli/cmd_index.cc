// `shoal index SOURCE -o FILE`: list a bucket prefix once and write the
// manifest snapshot, optionally publishing it into the bucket.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "engine/store/await.h"
#include "index/indexer.h"
#include "index/manifest_file.h"
#include "tools/cli/commands.h"
#include "tools/cli/list_prefix.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct IndexArgs {
  std::string source;
  std::string output;
  std::string publish;
  int concurrency = 16;
  bool compress = true;
  bool quiet = false;
  StoreFlags store;
};

int RunIndex(const IndexArgs& args) {
  StoreUri location;
  std::unique_ptr<OpenedStore> opened = OpenOrReport(args.source, args.store, &location);
  if (!opened) return kExitFailed;
  ObjectStore& store = opened->store();
  ListingCounters counters;
  const auto start = std::chrono::steady_clock::now();
  Result<IndexOutput> index = ListPrefix(store, location, opened->endpoint(), args.concurrency,
                                         !args.quiet && ::isatty(STDERR_FILENO), counters);
  if (!index.ok()) return Fail(index.status().WithContext("listing " + args.source));

  const KeyReport& report = index->report;
  // The container is built in memory only when it must also be uploaded.
  uint64_t file_size = 0;
  std::string container;
  Status written;
  if (args.publish.empty()) {
    written = WriteManifestFile(args.output, index->payload, args.compress, &file_size);
  } else {
    container = EncodeManifestContainer(index->payload, args.compress);
    file_size = container.size();
    written = WriteFileAtomically(args.output, container);
  }
  if (!written.ok()) return Fail(written);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!report.empty() && !args.quiet) {
    std::fprintf(stderr, "shoal: warning: %llu keys skipped, %llu renamed by the key policy:\n%s",
                 static_cast<unsigned long long>(report.skipped()),
                 static_cast<unsigned long long>(report.renamed()), report.Summary().c_str());
  }
  if (!args.publish.empty()) {
    Result<PutResult> put = Await<PutResult>([&](auto done) {
      store.Put(PutRequest{args.publish, std::move(container)}, done);
    });
    if (!put.ok()) return Fail(put.status().WithContext("publishing the manifest"));
  }
  if (!args.quiet) {
    std::printf(
        "indexed %llu objects in %.2f s (%llu pages, %llu range splits) -> %s (%zu bytes%s)\n",
        static_cast<unsigned long long>(counters.objects.load()), seconds,
        static_cast<unsigned long long>(counters.pages.load()),
        static_cast<unsigned long long>(counters.splits.load()), args.output.c_str(),
        static_cast<size_t>(file_size), args.compress ? ", zstd" : "");
    if (!args.publish.empty()) std::printf("published as %s\n", args.publish.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddIndexCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<IndexArgs>();
  CLI::App* cmd = app.add_subcommand("index", "List a bucket prefix once and write a manifest");
  cmd->add_option("source", args->source, "s3://bucket/prefix or file:///dir")->required();
  cmd->add_option("-o,--output", args->output, "manifest file to write")->required();
  cmd->add_option("--concurrency", args->concurrency, "parallel listing walks (default 16)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--publish", args->publish,
                  "also upload the manifest to this key of the same bucket");
  cmd->add_flag("--compress,!--no-compress", args->compress,
                "zstd-compress the manifest (default); --no-compress allows mmap in place");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress, warnings or summary");
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, &exit_code] { exit_code = RunIndex(*args); });
}

}  // namespace shoal::cli
