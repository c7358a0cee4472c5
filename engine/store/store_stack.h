// StoreStack: the object store of one bucket as the io_uring engine talks to
// it, built in the right order and torn down in the reverse one.
//
//   MeteredStore -> S3Store -> RetryingTransport -> UringCurlTransport   (s3://)
//                \-> UringFileStore -> FileStore                          (file://)
//   all driven by one EventLoop thread that the stack owns.
//
// The read stack and the write mount both sit on this, so the order of
// construction and destruction (retries detached before the transport goes,
// transport before stores, loop before the stores it calls into) is written
// once. Requests complete on the loop thread. Safe to destroy with requests
// in flight: running transfers complete (with kCancelled) while the stores
// still exist.
#pragma once

#include <memory>
#include <string>

#include "engine/http/retrying_transport.h"
#include "engine/loop/event_loop.h"
#include "engine/stats/metered_store.h"
#include "engine/store/open_store.h"

namespace shoal {

struct StoreStackOptions {
  StoreOptions store;  // endpoint, credentials, timeouts, retries
  int max_in_flight = 128;
  int connections_per_host = 64;
};

class StoreStack {
 public:
  // Fails with the reason if the loop, credentials or bucket directory
  // cannot be set up; nothing is contacted yet.
  static Result<std::unique_ptr<StoreStack>> Open(const StoreUri& location,
                                                  const StoreStackOptions& options,
                                                  const EnvLookup& env);
  ~StoreStack();
  StoreStack(const StoreStack&) = delete;
  StoreStack& operator=(const StoreStack&) = delete;

  EventLoop& loop() { return loop_; }
  ObjectStore& store() { return *metered_; }  // metered: every request counted
  const StoreMetrics& metrics() const { return metered_->metrics(); }
  const RetryCounters* retries() const { return retrying_ ? &retrying_->counters() : nullptr; }
  // A key for caches: the bucket and where it is served from.
  const std::string& cache_namespace() const { return cache_namespace_; }

  // Stops the HTTP transport: transfers still running complete with
  // kCancelled, and retries never reach it again. Owners whose own loop
  // users (caches) must see those completions call this before destroying
  // them; the destructor calls it too. Idempotent.
  void StopTransport();

 private:
  StoreStack() = default;

  EventLoop loop_;
  std::string cache_namespace_;
  std::unique_ptr<HttpTransport> transport_;  // UringCurlTransport, s3 only
  std::unique_ptr<RetryingTransport> retrying_;
  std::unique_ptr<ObjectStore> base_store_;  // S3Store or FileStore
  std::unique_ptr<ObjectStore> uring_files_;
  std::unique_ptr<MeteredStore> metered_;
};

}  // namespace shoal
