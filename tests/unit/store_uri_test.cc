#include "engine/store/store_uri.h"

#include <gtest/gtest.h>

#include "engine/store/file/file_paths.h"
#include "engine/store/open_store.h"

namespace shoal {
namespace {

TEST(StoreUri, Parses) {
  auto s3 = ParseStoreUri("s3://bkt/some/prefix/");
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ(s3->kind, StoreUri::Kind::kS3);
  EXPECT_EQ(s3->bucket, "bkt");
  EXPECT_EQ(s3->prefix, "some/prefix/");
  auto file = ParseStoreUri("file:///data/set/");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->bucket, "/data/set");
  EXPECT_FALSE(ParseStoreUri("s3://").ok());
  EXPECT_FALSE(ParseStoreUri("file://relative").ok());
  EXPECT_FALSE(ParseStoreUri("/plain/path").ok());
}

TEST(StoreUri, BucketWithAControlCharacterIsRefused) {
  for (const char* bad : {"s3://bkt\r\nX-Injected: 1/p", "s3://b\tk/", "s3://b\x7f"}) {
    Result<StoreUri> uri = ParseStoreUri(bad);
    ASSERT_FALSE(uri.ok()) << bad;
    EXPECT_NE(uri.status().message().find("control character"), std::string::npos);
    EXPECT_EQ(uri.status().message().find('\n'), std::string::npos);
  }
  EXPECT_TRUE(ParseStoreUri("s3://bkt/a\nkey-like/prefix").ok());  // a prefix is any key
}

TEST(ResolveS3Config, AddressingAndRegionDefaults) {
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "OSS_ACCESS_KEY_ID") return "id";
    if (name == "OSS_ACCESS_KEY_SECRET") return "secret";
    return std::nullopt;
  };
  StoreOptions o;
  o.endpoint = "https://oss-cn-hangzhou.aliyuncs.com";
  o.region = "cn-hangzhou";
  auto oss = ResolveS3Config("b", o, env);
  ASSERT_TRUE(oss.ok());
  EXPECT_EQ(oss->addressing, AddressingStyle::kVirtualHosted);
  EXPECT_EQ(oss->dialect, S3Dialect::kOss);
  EXPECT_EQ(oss->credentials.access_key_id, "id");
  o.endpoint = "http://127.0.0.1:7480";
  o.region = "";
  auto local = ResolveS3Config("b", o, env);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->addressing, AddressingStyle::kPath);
  EXPECT_EQ(local->dialect, S3Dialect::kRgw);
  EXPECT_EQ(local->region, "us-east-1");
}

TEST(FileStoreKeys, HostileKeysAreRefused) {
  for (const char* key :
       {"", "/abs", "a//b", "../x", "a/../../etc/passwd", "a/./b", "..", ".shoal-multipart/x"}) {
    EXPECT_EQ(file_store::CheckKey(key).code(), ErrorCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(file_store::CheckKey(std::string("a\0b", 3)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(file_store::CheckKey(std::string(256, 'x')).code(), ErrorCode::kInvalidArgument);
  for (const char* key : {"a", "a/b", "dir/", "x..y", ".hidden", "ü b+c"}) {
    EXPECT_TRUE(file_store::CheckKey(key).ok()) << key;
  }
}

}  // namespace
}  // namespace shoal
