// ReadStack: everything a reader of one bucket needs, built in the right
// order and torn down in the reverse one.
//
//   ReadEngine -> [DiskCachedStore] -> MeteredStore -> S3Store -> RetryingTransport
//                                                   |               -> UringCurlTransport
//                                                   \-> UringFileStore -> FileStore (file://)
//   all driven by one EventLoop thread. The metered store sits below the
//   disk cache, so its counts are requests that reached the object store.
//
// The CLI's bench and the FUSE mount both read through this, so the order
// of construction and destruction (engine before transport, transport
// before caches, loop last) is written once; StoreStack owns the lower half. The engine's requests
// complete on the loop; the stack owns every part (RAII) and is safe to destroy with reads in
// flight: they complete with kCancelled.
#pragma once

#include <memory>
#include <string>

#include "engine/cache/disk_cache.h"
#include "engine/cache/disk_cached_store.h"
#include "engine/loop/event_loop.h"
#include "engine/read/read_engine.h"
#include "engine/stats/metered_store.h"
#include "engine/store/open_store.h"
#include "engine/store/store_stack.h"

namespace shoal {

// The default memory budget: min(1 GiB, a quarter of the memory this
// process may use: physical RAM, or its cgroup's limit if lower).
uint64_t DefaultMemoryBudget();

struct ReadStackOptions {
  StoreOptions store;  // endpoint, credentials, timeouts, retries
  int max_in_flight = 128;
  int connections_per_host = 64;
  ReadEngineOptions engine;  // budget, part size, direct mode; a null log
                             // means the stack's own stderr sink
  std::string cache_dir;     // empty: no disk cache
  uint64_t cache_dir_bytes = 10ull << 30;
};

class ReadStack {
 public:
  // `location` names the bucket (s3:// or file://); the engine shares
  // ownership of `catalog`. Fails with the reason if the loop, credentials or bucket
  // directory cannot be set up; nothing is contacted yet.
  static Result<std::unique_ptr<ReadStack>> Open(const StoreUri& location,
                                                 const ReadStackOptions& options,
                                                 std::shared_ptr<const FileCatalog> catalog,
                                                 const EnvLookup& env);
  ~ReadStack();
  ReadStack(const ReadStack&) = delete;
  ReadStack& operator=(const ReadStack&) = delete;

  ReadEngine& engine() { return *engine_; }
  EventLoop& loop() { return store_->loop(); }
  // The object store below the caches (metered), for other requests.
  ObjectStore& store() { return store_->store(); }
  const StoreMetrics& store_metrics() const { return store_->metrics(); }
  // Engine, store and retry numbers as a Prometheus text page.
  std::string MetricsText();

 private:
  ReadStack() = default;

  StderrLogSink stderr_log_;
  std::unique_ptr<StoreStack> store_;  // the loop, transport and stores
  std::unique_ptr<DiskCache> disk_cache_;
  std::unique_ptr<DiskCachedStore> disk_cached_;
  std::unique_ptr<ReadEngine> engine_;
};

}  // namespace shoal
