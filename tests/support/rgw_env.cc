#include "tests/support/rgw_env.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <random>

#include "engine/store/await.h"

namespace shoal::testing {
namespace {

std::string RandomSuffix() {
  std::random_device rd;
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 10; ++i) s.push_back(kChars[rd() % 36]);
  return s;
}

S3Config ConfigFor(const RgwEnv& env, const std::string& bucket) {
  S3Config config;
  config.endpoint = env.endpoint;
  config.region = env.region;
  config.bucket = bucket;
  config.addressing = AddressingStyle::kPath;
  config.credentials = {env.access_key, Secret(env.secret_key), ""};
  return config;
}

}  // namespace

std::optional<RgwEnv> LoadRgwEnv() {
  const char* dir = std::getenv("SHOAL_TEST_RGW_DIR");
  if (dir == nullptr || dir[0] == '\0') return std::nullopt;
  std::ifstream in(std::string(dir) + "/env");
  if (!in) {
    std::fprintf(stderr,
                 "SHOAL_TEST_RGW_DIR=%s but %s/env is missing: the RGW fixture did not start "
                 "(see tests/rgw/rgw-cluster and its log)\n",
                 dir, dir);
    std::abort();
  }
  RgwEnv env;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string name = line.substr(0, eq), value = line.substr(eq + 1);
    if (name == "SHOAL_TEST_S3_ENDPOINT") env.endpoint = value;
    if (name == "SHOAL_TEST_S3_REGION") env.region = value;
    if (name == "SHOAL_TEST_S3_ACCESS_KEY") env.access_key = value;
    if (name == "SHOAL_TEST_S3_SECRET_KEY") env.secret_key = value;
  }
  return env;
}

S3Stack::S3Stack(S3Config config, RetryOptions retry, TransportOptions transport)
    : curl_(std::move(transport)), retrying_(curl_, scheduler_, retry) {
  ParsedEndpoint endpoint = *ParseEndpoint(config.endpoint);
  store_ = std::make_unique<S3Store>(S3RequestBuilder(std::move(config), endpoint), retrying_);
}

TestBucket::TestBucket(const RgwEnv& env, RetryOptions retry)
    : env_(env), name_("shoal-test-" + RandomSuffix()), retrying_(curl_, scheduler_, retry) {
  store_ = std::make_unique<S3Store>(S3RequestBuilder(config(), *ParseEndpoint(env.endpoint)),
                                     retrying_);
  Result<Done> created = Await<Done>([&](auto done) { store_->CreateBucket(done); });
  if (!created.ok()) {
    std::fprintf(stderr, "cannot create test bucket %s: %s\n", name_.c_str(),
                 created.status().ToString().c_str());
    std::abort();
  }
}

S3Config TestBucket::config() const { return ConfigFor(env_, name_); }

TestBucket::~TestBucket() {
  // Best effort: leftovers die with the cluster, which lives in RAM.
  try {
    if (auto uploads = ListAllUploads(*store_, ""); uploads.ok()) {
      for (const auto& u : *uploads) {
        (void)Await<Done>([&](auto done) { store_->AbortMultipart(u.key, u.upload_id, done); });
      }
    }
    if (auto keys = ListAll(*store_, ""); keys.ok()) {
      for (const auto& o : *keys) {
        (void)Await<Done>([&](auto done) { store_->Delete(o.key, done); });
      }
    }
    (void)Await<Done>([&](auto done) { store_->DeleteBucket(done); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot remove test bucket %s: %s\n", name_.c_str(), e.what());
  }
}

}  // namespace shoal::testing
