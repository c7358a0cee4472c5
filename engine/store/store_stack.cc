#include "engine/store/store_stack.h"

#include "engine/http/uring_curl_transport.h"
#include "engine/store/file/file_store.h"
#include "engine/store/file/uring_file_store.h"
#include "engine/store/s3/s3_store.h"

namespace shoal {

Result<std::unique_ptr<StoreStack>> StoreStack::Open(const StoreUri& location,
                                                     const StoreStackOptions& options,
                                                     const EnvLookup& env) {
  std::unique_ptr<StoreStack> stack(new StoreStack());
  if (location.kind == StoreUri::Kind::kFile) {
    Result<std::unique_ptr<FileStore>> files = FileStore::Open(location.bucket);
    if (!files.ok()) return files.status();
    if (Status s = stack->loop_.Start(); !s.ok()) return s;
    stack->cache_namespace_ = "file://" + location.bucket;
    stack->uring_files_ = std::make_unique<UringFileStore>(stack->loop_, **files);
    stack->base_store_ = std::move(*files);
    stack->metered_ = std::make_unique<MeteredStore>(*stack->uring_files_);
    return stack;
  }
  Result<S3Config> config = ResolveS3Config(location.bucket, options.store, env);
  if (!config.ok()) return config.status();
  Result<ParsedEndpoint> endpoint = ParseEndpoint(config->endpoint);
  if (!endpoint.ok()) return endpoint.status();
  stack->cache_namespace_ = "s3://" + location.bucket + "@" + config->endpoint;
  if (Status s = stack->loop_.Start(); !s.ok()) return s;
  UringTransportOptions transport;
  transport.transport = options.store.transport;
  transport.max_in_flight = options.max_in_flight;
  transport.max_connections_per_host = options.connections_per_host;
  stack->transport_ = std::make_unique<UringCurlTransport>(stack->loop_, transport);
  stack->retrying_ =
      std::make_unique<RetryingTransport>(*stack->transport_, stack->loop_, options.store.retry);
  stack->base_store_ = std::make_unique<S3Store>(
      S3RequestBuilder(std::move(*config), std::move(*endpoint)), *stack->retrying_);
  stack->metered_ = std::make_unique<MeteredStore>(*stack->base_store_);
  return stack;
}

void StoreStack::StopTransport() {
  if (retrying_) retrying_->Detach();  // no retry may reach the transport from now on
  transport_.reset();                  // running transfers complete while the stores exist
}

StoreStack::~StoreStack() {
  StopTransport();
  loop_.Stop();  // the ring's file operations are cancelled and reaped
  metered_.reset();
  uring_files_.reset();
  base_store_.reset();
  retrying_.reset();
}

}  // namespace shoal
