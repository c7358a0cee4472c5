#include "engine/read/read_stack.h"


#include <algorithm>

#include "engine/base/memory_limit.h"
#include "engine/stats/engine_metrics.h"

namespace shoal {

uint64_t DefaultMemoryBudget() {
  constexpr uint64_t kOneGiB = 1ull << 30;
  const uint64_t available = MemoryAvailableToProcess();
  if (available == 0) return kOneGiB;
  return std::min(kOneGiB, available / 4);
}

Result<std::unique_ptr<ReadStack>> ReadStack::Open(const StoreUri& location,
                                                   const ReadStackOptions& options,
                                                   std::shared_ptr<const FileCatalog> catalog,
                                                   const EnvLookup& env) {
  std::unique_ptr<ReadStack> stack(new ReadStack());
  StoreStackOptions store;
  store.store = options.store;
  store.max_in_flight = options.max_in_flight;
  store.connections_per_host = options.connections_per_host;
  Result<std::unique_ptr<StoreStack>> opened_store = StoreStack::Open(location, store, env);
  if (!opened_store.ok()) return opened_store.status();
  stack->store_ = std::move(*opened_store);
  EventLoop& loop = stack->store_->loop();
  ObjectStore* engine_store = &stack->store_->store();
  if (!options.cache_dir.empty() && !options.engine.direct) {
    DiskCacheOptions cache;
    cache.dir = options.cache_dir;
    cache.max_bytes = options.cache_dir_bytes;
    // Writes waiting for the disk hold copies of object data: bound them
    // to a quarter of the memory budget, so they stay a stated overhead.
    cache.max_pending_writes = 1024;
    cache.max_pending_bytes = std::min<uint64_t>(64ull << 20, options.engine.memory_budget / 4);
    Result<std::unique_ptr<DiskCache>> opened = DiskCache::Open(loop, cache);
    if (!opened.ok()) return opened.status().WithContext("--cache-dir " + options.cache_dir);
    stack->disk_cache_ = std::move(*opened);
    stack->disk_cached_ = std::make_unique<DiskCachedStore>(
        loop, stack->store_->store(), *stack->disk_cache_, stack->store_->cache_namespace());
    engine_store = stack->disk_cached_.get();
  }
  ReadEngineOptions engine = options.engine;
  if (engine.log == nullptr) engine.log = &stack->stderr_log_;
  stack->engine_ = std::make_unique<ReadEngine>(loop, *engine_store, std::move(catalog), engine);
  return stack;
}

ReadStack::~ReadStack() {
  engine_.reset();  // pending reads complete with kCancelled
  if (store_) store_->StopTransport();
  disk_cached_.reset();
  disk_cache_.reset();  // both detach on the running loop
  store_.reset();       // the loop stops, then the stores go
}

std::string ReadStack::MetricsText() {
  ReadStats read = engine_->Stats();
  MetricSources sources;
  sources.read = &read;
  DiskCacheStats disk;
  if (disk_cache_ && store_->loop().RunSync([&] { disk = disk_cache_->Stats(); }))
    sources.disk = &disk;
  sources.store = &store_->metrics();
  sources.retries = store_->retries();
  return RenderMetrics(sources);
}

}  // namespace shoal
