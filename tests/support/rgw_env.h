// Access to the Ceph RGW cluster that the CTest fixture starts (see
// tests/rgw/rgw-cluster): where it listens and which test user to sign as,
// plus an RAII bucket per test so tests never see each other's objects.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/http/blocking_curl_transport.h"
#include "engine/http/retrying_transport.h"
#include "engine/store/s3/s3_store.h"

namespace shoal::testing {

struct RgwEnv {
  std::string endpoint;
  std::string region;
  std::string access_key;
  std::string secret_key;
};

// Reads $SHOAL_TEST_RGW_DIR/env. Returns nullopt when the variable is unset
// (a developer running one test binary by hand); aborts the test run with a
// clear message if it is set but the cluster's env file is missing.
std::optional<RgwEnv> LoadRgwEnv();

// A uniquely named bucket, created on construction and emptied and deleted
// on destruction, with its own transport stack.
class TestBucket {
 public:
  TestBucket(const RgwEnv& env, RetryOptions retry = {});
  ~TestBucket();
  TestBucket(const TestBucket&) = delete;
  TestBucket& operator=(const TestBucket&) = delete;

  S3Store& store() { return *store_; }
  const std::string& name() const { return name_; }
  const RgwEnv& env() const { return env_; }
  S3Config config() const;

 private:
  RgwEnv env_;
  std::string name_;
  BlockingCurlTransport curl_;
  SleepingScheduler scheduler_;
  RetryingTransport retrying_;
  std::unique_ptr<S3Store> store_;
};

// An S3Store over its own transport stack, for a given config.
class S3Stack {
 public:
  S3Stack(S3Config config, RetryOptions retry = {}, TransportOptions transport = {});
  S3Store& store() { return *store_; }
  const RetryCounters& counters() const { return retrying_.counters(); }

 private:
  BlockingCurlTransport curl_;
  SleepingScheduler scheduler_;
  RetryingTransport retrying_;
  std::unique_ptr<S3Store> store_;
};

}  // namespace shoal::testing
