#include "engine/store/open_uring_s3.h"

#include "engine/http/uring_curl_transport.h"
#include "engine/store/s3/s3_store.h"

namespace shoal {

Result<UringS3> OpenUringS3(EventLoop& loop, const std::string& bucket, const StoreOptions& options,
                            UringS3Limits limits, const EnvLookup& env) {
  Result<S3Config> config = ResolveS3Config(bucket, options, env);
  if (!config.ok()) return config.status();
  Result<ParsedEndpoint> endpoint = ParseEndpoint(config->endpoint);
  if (!endpoint.ok()) return endpoint.status();
  UringS3 s3;
  s3.endpoint = config->endpoint;
  UringTransportOptions transport;
  transport.transport = options.transport;
  transport.max_in_flight = limits.max_in_flight;
  transport.max_connections_per_host = limits.connections_per_host;
  s3.transport = std::make_unique<UringCurlTransport>(loop, transport);
  s3.retrying = std::make_unique<RetryingTransport>(*s3.transport, loop, options.retry);
  s3.store = std::make_unique<S3Store>(S3RequestBuilder(std::move(*config), std::move(*endpoint)),
                                       *s3.retrying);
  return s3;
}

}  // namespace shoal
