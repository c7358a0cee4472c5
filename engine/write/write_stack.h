// WriteStack: the object store an uploader writes through, built so that
// several parts and objects really are in flight at once.
//
//   s3://    S3Store -> RetryingTransport -> UringCurlTransport, all driven
//            by the stack's own EventLoop thread
//   file://  FileStore (its operations complete on the calling thread)
//
// Why not OpenStore(): its S3 stack is the blocking curl transport, which
// runs every request on the caller's thread, so an ObjectWriter's parts
// would go one at a time. The read path has its own ReadStack for the same
// reason; writers need none of its caches, hence this smaller stack.
//
// Ownership: the stack owns every part (RAII) and tears them down in order
// (no more retries, transfers cancelled while the store exists, then the
// loop). Callers must finish or destroy their writers first. store() is
// thread-safe; its callbacks run on the loop thread (s3) or inline (file).
#pragma once

#include <memory>

#include "engine/loop/event_loop.h"
#include "engine/store/open_store.h"
#include "engine/store/open_uring_s3.h"

namespace shoal {

struct WriteStackOptions {
  StoreOptions store;      // endpoint, credentials, timeouts, retries
  int max_in_flight = 32;  // HTTP requests running at once
  int connections_per_host = 32;
};

class WriteStack {
 public:
  // Fails with the reason if the bucket location, credentials or loop
  // cannot be set up; nothing is contacted yet.
  static Result<std::unique_ptr<WriteStack>> Open(const StoreUri& location,
                                                  const WriteStackOptions& options,
                                                  const EnvLookup& env);
  ~WriteStack();
  WriteStack(const WriteStack&) = delete;
  WriteStack& operator=(const WriteStack&) = delete;

  ObjectStore& store() { return *store_; }
  // Retry counters of the S3 stack; null for file://.
  const RetryCounters* retry_counters() const {
    return s3_.retrying ? &s3_.retrying->counters() : nullptr;
  }

 private:
  WriteStack() = default;

  EventLoop loop_;
  UringS3 s3_;                          // s3:// only
  std::unique_ptr<ObjectStore> files_;  // file:// only
  ObjectStore* store_ = nullptr;        // one of the two
};

}  // namespace shoal
