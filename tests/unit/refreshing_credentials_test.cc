// RefreshingCredentials: a rewritten credentials file is picked up, a bad
// rewrite keeps the last good keys, and requests are signed with what the
// file holds now.
#include "engine/auth/refreshing_credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/store/s3/s3_request_builder.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

class RefreshingCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.path()); }

  // Written next to the file and renamed over it, as Kubernetes and most
  // rotation tools do.
  void Write(const std::string& text, mode_t mode = 0600) {
    const std::string tmp = path_ + ".new";
    std::ofstream(tmp) << text;
    ASSERT_EQ(::chmod(tmp.c_str(), mode), 0);
    std::filesystem::rename(tmp, path_);
  }
  static std::string Keys(const std::string& id, const std::string& token = "") {
    std::string text =
        "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = secret-of-" + id + "\n";
    if (!token.empty()) text += "aws_session_token = " + token + "\n";
    return text;
  }
  std::unique_ptr<RefreshingCredentials> Open(RefreshingCredentials::Clock::duration every =
                                                  RefreshingCredentials::Clock::duration::zero()) {
    Result<std::unique_ptr<RefreshingCredentials>> opened =
        RefreshingCredentials::Open(path_, "default", every);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  testing::TempDir dir_{"refreshing-credentials"};
  std::string path_ = (dir_.path() / "credentials").string();
};

TEST_F(RefreshingCredentialsTest, ARewrittenFileIsReadAgain) {
  Write(Keys("AKIDFIRST", "token-1"));
  auto source = Open();
  ASSERT_TRUE(source);
  EXPECT_EQ(source->Current()->access_key_id, "AKIDFIRST");
  EXPECT_EQ(source->Current()->session_token, "token-1");
  Write(Keys("AKIDSECOND", "token-2"));
  EXPECT_EQ(source->Current()->access_key_id, "AKIDSECOND");
  EXPECT_EQ(source->Current()->secret_access_key.Reveal(), "secret-of-AKIDSECOND");
  EXPECT_EQ(source->Current()->session_token, "token-2");
  EXPECT_TRUE(source->last_error().ok());
}

TEST_F(RefreshingCredentialsTest, ABadRewriteKeepsTheLastGoodKeysAndSaysWhy) {
  Write(Keys("AKIDFIRST"));
  auto source = Open();
  ASSERT_TRUE(source);
  std::shared_ptr<const Credentials> held = source->Current();

  Write("[default]\naws_access_key_id = AKIDHALF\n");  // half written
  EXPECT_EQ(source->Current()->access_key_id, "AKIDFIRST");
  EXPECT_NE(source->last_error().message().find("still signing"), std::string::npos)
      << source->last_error().ToString();

  Write(Keys("AKIDLOOSE"), 0644);  // the permission check still applies
  EXPECT_EQ(source->Current()->access_key_id, "AKIDFIRST");
  EXPECT_EQ(source->last_error().code(), ErrorCode::kPermission);

  std::filesystem::remove(path_);
  EXPECT_EQ(source->Current()->access_key_id, "AKIDFIRST");
  EXPECT_FALSE(source->last_error().ok());

  Write(Keys("AKIDTHIRD"));
  EXPECT_EQ(source->Current()->access_key_id, "AKIDTHIRD");
  EXPECT_TRUE(source->last_error().ok());
  EXPECT_EQ(held->access_key_id, "AKIDFIRST");  // what a signer holds stays valid
}

TEST_F(RefreshingCredentialsTest, TheFileIsLookedAtOncePerInterval) {
  Write(Keys("AKIDFIRST"));
  auto source = Open(std::chrono::hours(1));
  ASSERT_TRUE(source);
  Write(Keys("AKIDSECOND"));
  EXPECT_EQ(source->Current()->access_key_id, "AKIDFIRST");
}

TEST_F(RefreshingCredentialsTest, AFileThatCannotBeReadAtFirstIsAnError) {
  EXPECT_EQ(RefreshingCredentials::Open(path_, "default").status().code(), ErrorCode::kNotFound);
  Write(Keys("AKIDLOOSE"), 0640);
  EXPECT_EQ(RefreshingCredentials::Open(path_, "default").status().code(), ErrorCode::kPermission);
}

TEST_F(RefreshingCredentialsTest, RequestsAreSignedWithTheKeysOfNow) {
  Write(Keys("AKIDFIRST"));
  S3Config config;
  config.endpoint = "http://127.0.0.1:7480";
  config.bucket = "bkt";
  config.credentials = {"AKIDSTALE", Secret("stale"), ""};
  config.refreshing = Open();
  ASSERT_TRUE(config.refreshing);
  const S3RequestBuilder builder(config, *ParseEndpoint(config.endpoint));
  auto authorization = [&] {
    for (const auto& [name, value] : builder.HeadObject("k", 0).headers) {
      if (name == "Authorization") return value;
    }
    return std::string();
  };
  EXPECT_NE(authorization().find("Credential=AKIDFIRST/"), std::string::npos);
  Write(Keys("AKIDSECOND", "token-2"));
  EXPECT_NE(authorization().find("Credential=AKIDSECOND/"), std::string::npos);
  bool token_sent = false;
  for (const auto& [name, value] : builder.HeadObject("k", 0).headers) {
    token_sent |= name == "x-amz-security-token" && value == "token-2";
  }
  EXPECT_TRUE(token_sent);
}

}  // namespace
}  // namespace shoal
