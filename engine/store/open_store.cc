#include "engine/store/open_store.h"

#include "engine/http/blocking_curl_transport.h"
#include "engine/http/scheduler.h"
#include "engine/store/file/file_store.h"
#include "engine/store/s3/s3_store.h"

namespace shoal {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class FileOpened final : public OpenedStore {
 public:
  explicit FileOpened(std::unique_ptr<FileStore> store) : store_(std::move(store)) {}
  ObjectStore& store() override { return *store_; }
  const RetryCounters* retry_counters() const override { return nullptr; }
  std::string endpoint() const override { return ""; }

 private:
  std::unique_ptr<FileStore> store_;
};

class S3Opened final : public OpenedStore {
 public:
  S3Opened(const StoreOptions& options, S3RequestBuilder builder)
      : endpoint_(builder.config().endpoint),
        curl_(options.transport),
        retrying_(curl_, scheduler_, options.retry),
        store_(std::move(builder), retrying_) {}
  ObjectStore& store() override { return store_; }
  const RetryCounters* retry_counters() const override { return &retrying_.counters(); }
  std::string endpoint() const override { return endpoint_; }

 private:
  std::string endpoint_;
  BlockingCurlTransport curl_;
  SleepingScheduler scheduler_;
  RetryingTransport retrying_;
  S3Store store_;
};

}  // namespace

Result<S3Config> ResolveS3Config(const std::string& bucket, const StoreOptions& options,
                                 const EnvLookup& env) {
  S3Config config;
  config.bucket = bucket;
  config.region = options.region;
  if (config.region.empty()) config.region = env("AWS_REGION").value_or("");
  if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION").value_or("us-east-1");
  config.endpoint = options.endpoint;
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL").value_or("");
  if (config.endpoint.empty()) config.endpoint = "https://s3." + config.region + ".amazonaws.com";

  Result<ParsedEndpoint> endpoint = ParseEndpoint(config.endpoint);
  if (!endpoint.ok()) return endpoint.status();
  // AWS and OSS want virtual-hosted names; self-hosted servers (MinIO,
  // RGW, an IP address) almost always want path style.
  const std::string host = endpoint->authority.substr(0, endpoint->authority.find(':'));
  const bool oss = EndsWith(host, ".aliyuncs.com");
  const bool cloud = oss || EndsWith(host, ".amazonaws.com");
  config.dialect = oss ? S3Dialect::kOss : S3Dialect::kRgw;
  switch (options.addressing) {
    case AddressingChoice::kPath:
      config.addressing = AddressingStyle::kPath;
      break;
    case AddressingChoice::kVirtualHosted:
      config.addressing = AddressingStyle::kVirtualHosted;
      break;
    case AddressingChoice::kAuto:
      config.addressing = cloud ? AddressingStyle::kVirtualHosted : AddressingStyle::kPath;
      break;
  }
  config.anonymous = options.credentials.anonymous;
  Result<Credentials> credentials = ResolveCredentials(options.credentials, env);
  if (!credentials.ok()) return credentials.status();
  config.credentials = std::move(*credentials);
  if (!options.credentials.anonymous && !options.credentials.file.empty()) {
    // A mount outlives temporary keys: follow the file as it is rewritten.
    Result<std::unique_ptr<RefreshingCredentials>> refreshing =
        RefreshingCredentials::Open(options.credentials.file, options.credentials.profile);
    if (!refreshing.ok()) return refreshing.status();
    config.refreshing = std::move(*refreshing);
  }
  return config;
}

Result<std::unique_ptr<OpenedStore>> OpenStore(const StoreUri& uri, const StoreOptions& options,
                                               const EnvLookup& env) {
  if (uri.kind == StoreUri::Kind::kFile) {
    Result<std::unique_ptr<FileStore>> store = FileStore::Open(uri.bucket);
    if (!store.ok()) return store.status();
    return std::unique_ptr<OpenedStore>(new FileOpened(std::move(*store)));
  }
  Result<S3Config> config = ResolveS3Config(uri.bucket, options, env);
  if (!config.ok()) return config.status();
  Result<ParsedEndpoint> endpoint = ParseEndpoint(config->endpoint);
  if (!endpoint.ok()) return endpoint.status();
  return std::unique_ptr<OpenedStore>(
      new S3Opened(options, S3RequestBuilder(std::move(*config), std::move(*endpoint))));
}

}  // namespace shoal
