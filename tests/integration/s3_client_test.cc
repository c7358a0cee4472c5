// S3-specific behaviour against the real RGW: credentials errors, retries
// through the fault-injecting proxy, and secrets kept out of errors.
#include <gtest/gtest.h>

#include <chrono>

#include "engine/store/await.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

using testing::RgwEnv;
using testing::S3Stack;
using testing::TestBucket;

class S3Client : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::LoadRgwEnv();
    if (!env_) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    bucket_ = std::make_unique<TestBucket>(*env_);
    ASSERT_TRUE(Await<PutResult>([&](auto done) {
                  bucket_->store().Put({"hello.txt", "hello, shoal"}, done);
                }).ok());
  }

  int RgwPort() const { return std::stoi(env_->endpoint.substr(env_->endpoint.rfind(':') + 1)); }

  static Result<GetResult> GetFrom(S3Store& store, const std::string& key) {
    return Await<GetResult>([&](auto done) { store.Get(GetRequest{key, {}, {}}, done); });
  }

  std::optional<RgwEnv> env_;
  std::unique_ptr<TestBucket> bucket_;
};

TEST_F(S3Client, WrongAccessKeyIsAClearError) {
  S3Config config = bucket_->config();
  config.credentials.access_key_id = "NOSUCHKEY0000000000";
  S3Stack stack(config);
  Result<GetResult> r = GetFrom(stack.store(), "hello.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidAccessKeyId) << r.status().ToString();
  EXPECT_NE(r.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_EQ(stack.counters().retries.load(), 0u);  // a 403 is never retried
}

TEST_F(S3Client, WrongSecretIsAClearErrorAndNeverShown) {
  S3Config config = bucket_->config();
  const std::string secret = "WrongSecretThatMustNeverAppear0000000000";
  config.credentials.secret_access_key = Secret(secret);
  S3Stack stack(config);
  for (bool list : {false, true}) {
    Status s =
        list ? ListAll(stack.store(), "").status() : GetFrom(stack.store(), "hello.txt").status();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), ErrorCode::kSignatureDoesNotMatch) << s.ToString();
    EXPECT_NE(s.message().find("secret key"), std::string::npos);
    EXPECT_EQ(s.ToString().find(secret), std::string::npos);
    EXPECT_EQ(s.ToString().find(env_->secret_key), std::string::npos);
  }
}

TEST_F(S3Client, MissingBucketIsNamed) {
  S3Config config = bucket_->config();
  config.bucket = "shoal-no-such-bucket";
  S3Stack stack(config);
  Status s = ListAll(stack.store(), "").status();
  EXPECT_EQ(s.code(), ErrorCode::kNoSuchBucket) << s.ToString();
  EXPECT_NE(s.message().find("shoal-no-such-bucket"), std::string::npos);
}

TEST_F(S3Client, RetriesTwo503sThenSucceeds) {
  testing::FaultProxy proxy(RgwPort());
  S3Config config = bucket_->config();
  config.endpoint = proxy.endpoint();
  RetryOptions retry;
  retry.base_delay = std::chrono::milliseconds(10);
  S3Stack stack(config, retry);
  proxy.FailNext(2, 503);
  Result<GetResult> r = GetFrom(stack.store(), "hello.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data, "hello, shoal");
  EXPECT_EQ(proxy.faults_injected(), 2);
  EXPECT_EQ(stack.counters().retries.load(), 2u);
  EXPECT_EQ(stack.counters().exhausted.load(), 0u);
}

TEST_F(S3Client, RetriesAreBounded) {
  testing::FaultProxy proxy(RgwPort());
  S3Config config = bucket_->config();
  config.endpoint = proxy.endpoint();
  RetryOptions retry;
  retry.max_attempts = 3;
  retry.base_delay = std::chrono::milliseconds(5);
  S3Stack stack(config, retry);
  proxy.FailNext(100, 503);
  Result<GetResult> r = GetFrom(stack.store(), "hello.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kSlowDown) << r.status().ToString();
  EXPECT_EQ(proxy.faults_injected(), 3);
  EXPECT_EQ(stack.counters().exhausted.load(), 1u);
}

TEST_F(S3Client, NoServerFailsFastWithoutHanging) {
  // Port 1 on loopback: nothing listens there, so connections are refused.
  S3Config config = bucket_->config();
  config.endpoint = "http://127.0.0.1:1";
  RetryOptions retry;
  retry.max_attempts = 2;
  retry.base_delay = std::chrono::milliseconds(5);
  S3Stack stack(config, retry);
  Result<GetResult> r = GetFrom(stack.store(), "hello.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNetwork) << r.status().ToString();
  EXPECT_NE(r.status().message().find("gave up after 2 attempts"), std::string::npos);
  EXPECT_EQ(r.status().ToString().find(env_->secret_key), std::string::npos);
}

TEST_F(S3Client, FetchedBodiesHoldNoSpareCapacity) {
  // The read engine counts a part's size against its memory budget, so the
  // buffer must be no larger. Appended piece by piece, a body used to end
  // with up to twice its size in capacity: the soak's read mount sat 60%
  // over its --cache-size.
  std::string body(3 * 1024 * 1024 + 4321, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 + i / 4096);
  ASSERT_TRUE(
      Await<PutResult>([&](auto done) { bucket_->store().Put({"spare.bin", body}, done); }).ok());
  Result<GetResult> whole = GetFrom(bucket_->store(), "spare.bin");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(whole->data == body);
  EXPECT_EQ(whole->data.capacity(), body.size());
  const ByteRange range{1000, 2 * 1024 * 1024 + 7};
  Result<GetResult> part = Await<GetResult>([&](auto done) {
    bucket_->store().Get(GetRequest{"spare.bin", range, {}}, done);
  });
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_TRUE(part->data == body.substr(range.offset, range.length));
  EXPECT_EQ(part->data.capacity(), range.length);
}

}  // namespace
}  // namespace shoal
