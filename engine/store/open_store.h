// OpenStore: from a URI and options to a ready ObjectStore, owning the stack
// behind it (for S3: curl transport, retry decorator, signer, store).
//
// This is the one place where the CLI's choices meet the client's parts;
// everything it builds is owned by the returned OpenedStore (RAII).
#pragma once

#include <memory>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/http/retrying_transport.h"
#include "engine/store/object_store.h"
#include "engine/store/s3/s3_config.h"
#include "engine/store/store_uri.h"

namespace shoal {

enum class AddressingChoice { kAuto, kPath, kVirtualHosted };

struct StoreOptions {
  std::string endpoint;  // empty: $AWS_ENDPOINT_URL, else AWS S3 for the region
  std::string region;    // empty: $AWS_REGION, else us-east-1
  AddressingChoice addressing = AddressingChoice::kAuto;
  CredentialOptions credentials;
  TransportOptions transport;
  RetryOptions retry;
};

class OpenedStore {
 public:
  virtual ~OpenedStore() = default;
  virtual ObjectStore& store() = 0;
  // Retry counters of the S3 stack; null for file://.
  virtual const RetryCounters* retry_counters() const = 0;
  // The resolved endpoint URL; "" for file://.
  virtual std::string endpoint() const = 0;
};

// Resolves endpoint, region, addressing and dialect (OSS for *.aliyuncs.com,
// else RGW) for an S3 bucket; exposed for tests.
Result<S3Config> ResolveS3Config(const std::string& bucket, const StoreOptions& options,
                                 const EnvLookup& env);

Result<std::unique_ptr<OpenedStore>> OpenStore(const StoreUri& uri, const StoreOptions& options,
                                               const EnvLookup& env);

}  // namespace shoal
