// OpenUringS3: an S3Store over the io_uring curl transport with retries, the
// three parts every asynchronous S3 user (ReadStack, WriteStack) builds the
// same way on its EventLoop.
//
// The caller owns the parts and must tear them down in this order: Detach()
// the retrying transport, destroy the transport (running transfers complete
// with kCancelled while the store still exists), stop the loop, then destroy
// the store and the retrying transport.
#pragma once

#include <memory>
#include <string>

#include "engine/http/retrying_transport.h"
#include "engine/loop/event_loop.h"
#include "engine/store/open_store.h"

namespace shoal {

struct UringS3 {
  std::string endpoint;  // the resolved endpoint URL
  std::unique_ptr<HttpTransport> transport;
  std::unique_ptr<RetryingTransport> retrying;
  std::unique_ptr<ObjectStore> store;  // an S3Store over `retrying`
};

struct UringS3Limits {
  int max_in_flight = 128;  // transfers running at once; more queue
  int connections_per_host = 64;
};

// `loop` must be started and outlive the parts. Fails with the reason if
// the endpoint, region or credentials cannot be resolved.
Result<UringS3> OpenUringS3(EventLoop& loop, const std::string& bucket, const StoreOptions& options,
                            UringS3Limits limits, const EnvLookup& env);

}  // namespace shoal
