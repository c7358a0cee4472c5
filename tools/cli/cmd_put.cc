// `shoal put LOCAL... DESTINATION`: upload files and directory trees, like
// `cp -r` into a bucket. Files go up in parallel (--jobs), each streamed
// through an ObjectWriter in chunks, multipart when larger than a part, over
// a StoreStack (the io_uring transport) so that parts of one file also go
// up concurrently.
// Every failure is reported with its local path, key and reason; the exit
// code is 1 if any file failed. SIGINT/SIGTERM abort the uploads in flight
// (no multipart upload is left pending) and exit 130.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/base/large_buffers.h"
#include "engine/store/store_stack.h"
#include "tools/cli/commands.h"
#include "tools/cli/interrupt_watch.h"
#include "tools/cli/progress_line.h"
#include "tools/cli/put_file.h"
#include "tools/cli/put_sources.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct PutArgs {
  std::vector<std::string> paths;  // sources, then the destination
  int jobs = 8;
  int parts_in_flight = 4;
  uint64_t part_size = 8ull << 20;
  bool quiet = false;
  StoreFlags store;
};

constexpr const char* kFooter = R"(Naming, as with cp -r:
  a file uploads as PREFIX/<name>; a directory d as PREFIX/d/<path in d>
  (. and .. as PREFIX/<path>). A destination that does not end in / is the
  key itself if the only source is one file; otherwise it is a prefix.
  For file:///dir the directory is the bucket and keys are relative to it.
Links and odd files:
  paths given on the command line are followed. Inside a tree, a symlink to
  a regular file uploads that file's bytes under the link's name; symlinks
  to directories are not followed; sockets, FIFOs, devices and dangling
  links are skipped with a warning. Empty directories upload nothing.
Memory: at most jobs x (parts-in-flight + 1) x part-size bytes are buffered
  (320 MiB with the defaults, and only while that many large files go up).)";

// Errors that every further request would repeat: stop starting new files.
bool StopsEverything(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kNoSuchBucket:
    case ErrorCode::kInvalidAccessKeyId:
    case ErrorCode::kSignatureDoesNotMatch:
      return true;
    default:
      return false;
  }
}

struct Progress {
  std::atomic<uint64_t> files_done{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<bool> stop{false};
};

std::string DrawProgress(const Progress& p, size_t total_files, double seconds) {
  const double mib = static_cast<double>(p.bytes.load()) / (1 << 20);
  char text[160];
  std::snprintf(text, sizeof text, "put %llu/%zu files, %.1f MiB, %.1f MB/s, %.1f s",
                static_cast<unsigned long long>(p.files_done.load()), total_files, mib,
                seconds > 0 ? static_cast<double>(p.bytes.load()) / 1e6 / seconds : 0.0, seconds);
  return text;
}

// Uploads every item with `jobs` threads; results[i] is item i's outcome,
// kCancelled for items never started (or given up) because of an error that
// stops all or an interrupt.
std::vector<Status> UploadAll(ObjectStore& store, const PutPlan& plan, const PutArgs& args,
                              const std::atomic<bool>& interrupted, Progress& progress) {
  std::vector<Status> results(plan.items.size());
  std::atomic<size_t> next{0};
  ObjectWriterOptions options;
  options.part_size = args.part_size;
  options.max_parts_in_flight = args.parts_in_flight;
  auto job = [&] {
    for (size_t i = next++; i < plan.items.size(); i = next++) {
      if (progress.stop.load() || interrupted.load()) {
        results[i] = Status(ErrorCode::kCancelled, "not attempted");
        continue;
      }
      Result<uint64_t> sent = PutFile(
          store, plan.items[i], options, [&](uint64_t n) { progress.bytes += n; }, interrupted);
      if (!sent.ok()) {
        results[i] = sent.status();
        if (StopsEverything(sent.status())) progress.stop = true;
      }
      ++progress.files_done;
    }
  };
  const size_t threads = std::min<size_t>(static_cast<size_t>(args.jobs), plan.items.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(job);
  job();
  for (auto& t : pool) t.join();
  return results;
}

int Report(const PutPlan& plan, const std::vector<Status>& results, uint64_t bytes, double seconds,
           bool interrupted, bool quiet) {
  size_t failed = 0, not_attempted = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) continue;
    ++failed;
    if (results[i].code() == ErrorCode::kCancelled) {
      ++not_attempted;
      continue;
    }
    std::fprintf(stderr, "shoal: failed: %s -> %s: %s\n", plan.items[i].local_path.c_str(),
                 plan.items[i].key.c_str(), results[i].ToString().c_str());
  }
  if (interrupted) {
    std::fprintf(stderr, "shoal: interrupted: %zu of %zu files uploaded, the rest aborted\n",
                 results.size() - failed, results.size());
    return kExitInterrupted;
  }
  if (not_attempted > 0) {
    std::fprintf(stderr, "shoal: %zu files not attempted after the errors above\n", not_attempted);
  }
  if (failed > 0) {
    std::fprintf(stderr, "shoal: %zu of %zu files failed\n", failed, results.size());
    return kExitFailed;
  }
  if (!quiet) {
    std::printf("uploaded %zu files, %llu bytes in %.2f s\n", results.size(),
                static_cast<unsigned long long>(bytes), seconds);
  }
  return kExitOk;
}

int RunPut(const PutArgs& args) {
  const std::string& destination = args.paths.back();
  const std::vector<std::string> sources(args.paths.begin(), args.paths.end() - 1);
  Result<StoreUri> location = ParseStoreUri(destination);
  if (!location.ok()) return Fail(location.status());
  // Freed upload parts go back to the kernel (engine/base/large_buffers.h);
  // if malloc refused, RSS would only stay higher.
  (void)ReturnLargeBuffersWhenFreed();
  InterruptWatch watch;  // before the stack's and the jobs' threads start
  StoreStackOptions options;
  options.store = ToStoreOptions(args.store);
  // Every job may have all its parts and one more request running.
  options.max_in_flight = std::min(args.jobs * (args.parts_in_flight + 1), 1024);
  options.connections_per_host = std::min(options.max_in_flight, 256);
  Result<std::unique_ptr<StoreStack>> stack =
      StoreStack::Open(*location, options, ProcessEnvironment());
  if (!stack.ok()) return Fail(stack.status());
  Result<PutPlan> plan = PlanPut(sources, location->prefix);
  if (!plan.ok()) return Fail(plan.status());
  if (!args.quiet) {
    for (const std::string& w : plan->warnings)
      std::fprintf(stderr, "shoal: warning: %s\n", w.c_str());
  }
  const auto start = std::chrono::steady_clock::now();
  Progress progress;
  ProgressLine line(!args.quiet && ::isatty(STDERR_FILENO), [&](double seconds) {
    return DrawProgress(progress, plan->items.size(), seconds);
  });
  std::vector<Status> results =
      UploadAll((*stack)->store(), *plan, args, watch.interrupted(), progress);
  line.Stop();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Report(*plan, results, progress.bytes.load(), seconds, watch.interrupted().load(),
                args.quiet);
}

}  // namespace

void AddPutCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PutArgs>();
  CLI::App* cmd = app.add_subcommand("put", "Upload local files and directory trees");
  cmd->add_option("paths", args->paths,
                  "LOCAL... then s3://bucket/prefix/ (or file:///dir); see naming below")
      ->required()
      ->expected(2, -1);
  cmd->add_option("-j,--jobs", args->jobs, "files uploaded in parallel (default 8)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--parts-in-flight", args->parts_in_flight,
                  "parts of one file uploaded at once (default 4)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--part-size", args->part_size,
                  "files larger than this go up in parts of it, 5M..5G (default 8M; raised "
                  "for files that would need more than 10000 parts)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(uint64_t{5} << 20, uint64_t{5} << 30));
  cmd->add_flag("-q,--quiet", args->quiet,
                "no progress, warnings or summary; failures still print");
  AddStoreFlags(*cmd, args->store);
  cmd->footer(kFooter);
  cmd->callback([args, &exit_code] { exit_code = RunPut(*args); });
}

}  // namespace shoal::cli
