#include "engine/read/read_stack.h"

#include <unistd.h>

#include <algorithm>

#include "engine/stats/engine_metrics.h"
#include "engine/store/file/file_store.h"
#include "engine/store/file/uring_file_store.h"
#include "engine/store/open_uring_s3.h"

namespace shoal {

uint64_t DefaultMemoryBudget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  constexpr uint64_t kOneGiB = 1ull << 30;
  if (pages <= 0 || page_size <= 0) return kOneGiB;
  const uint64_t quarter = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 4;
  return std::min(kOneGiB, quarter);
}

Result<std::unique_ptr<ReadStack>> ReadStack::Open(const StoreUri& location,
                                                   const ReadStackOptions& options,
                                                   std::shared_ptr<const FileCatalog> catalog,
                                                   const EnvLookup& env) {
  std::unique_ptr<ReadStack> stack(new ReadStack());
  std::string cache_namespace = "file://" + location.bucket;
  if (location.kind == StoreUri::Kind::kFile) {
    Result<std::unique_ptr<FileStore>> files = FileStore::Open(location.bucket);
    if (!files.ok()) return files.status();
    if (Status s = stack->loop_.Start(); !s.ok()) return s;
    stack->uring_files_ = std::make_unique<UringFileStore>(stack->loop_, **files);
    stack->base_store_ = std::move(*files);
    stack->metered_ = std::make_unique<MeteredStore>(*stack->uring_files_);
  } else {
    if (Status s = stack->loop_.Start(); !s.ok()) return s;
    Result<UringS3> s3 =
        OpenUringS3(stack->loop_, location.bucket, options.store,
                    UringS3Limits{options.max_in_flight, options.connections_per_host}, env);
    if (!s3.ok()) return s3.status();
    cache_namespace = "s3://" + location.bucket + "@" + s3->endpoint;
    stack->transport_ = std::move(s3->transport);
    stack->retrying_ = std::move(s3->retrying);
    stack->base_store_ = std::move(s3->store);
    stack->metered_ = std::make_unique<MeteredStore>(*stack->base_store_);
  }
  ObjectStore* engine_store = stack->metered_.get();
  if (!options.cache_dir.empty() && !options.engine.direct) {
    DiskCacheOptions cache;
    cache.dir = options.cache_dir;
    cache.max_bytes = options.cache_dir_bytes;
    // Writes waiting for the disk hold copies of object data: bound them
    // to a quarter of the memory budget, so they stay a stated overhead.
    cache.max_pending_writes = 1024;
    cache.max_pending_bytes = std::min<uint64_t>(64ull << 20, options.engine.memory_budget / 4);
    Result<std::unique_ptr<DiskCache>> opened = DiskCache::Open(stack->loop_, cache);
    if (!opened.ok()) return opened.status().WithContext("--cache-dir " + options.cache_dir);
    stack->disk_cache_ = std::move(*opened);
    stack->disk_cached_ = std::make_unique<DiskCachedStore>(stack->loop_, *stack->metered_,
                                                            *stack->disk_cache_, cache_namespace);
    engine_store = stack->disk_cached_.get();
  }
  ReadEngineOptions engine = options.engine;
  if (engine.log == nullptr) engine.log = &stack->stderr_log_;
  stack->engine_ =
      std::make_unique<ReadEngine>(stack->loop_, *engine_store, std::move(catalog), engine);
  return stack;
}

ReadStack::~ReadStack() {
  engine_.reset();                     // pending reads complete with kCancelled
  if (retrying_) retrying_->Detach();  // no retry may reach the transport from now on
  transport_.reset();                  // running transfers complete while the stores exist
  disk_cached_.reset();
  disk_cache_.reset();  // both detach on the running loop
  loop_.Stop();         // the ring's file operations are cancelled and reaped
  metered_.reset();
  uring_files_.reset();
  base_store_.reset();
  retrying_.reset();
}

std::string ReadStack::MetricsText() {
  ReadStats read = engine_->Stats();
  MetricSources sources;
  sources.read = &read;
  DiskCacheStats disk;
  if (disk_cache_ && loop_.RunSync([&] { disk = disk_cache_->Stats(); })) sources.disk = &disk;
  sources.store = &metered_->metrics();
  if (retrying_) sources.retries = &retrying_->counters();
  return RenderMetrics(sources);
}

}  // namespace shoal
