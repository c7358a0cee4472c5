// Keys a writer may create: exactly those an index shows under their own name.
#include "index/writable_key.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal {
namespace {

void ExpectRefused(const std::string& key, ErrorCode code, const std::string& problem) {
  const Status s = CheckWritableKey(key);
  ASSERT_FALSE(s.ok()) << "accepted: " << key;
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(problem), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << "unprintable: " << s.message();
}

TEST(WritableKey, PlainKeysAreWritable) {
  for (const char* key : {"a", "ckpt/step-100.pt", "logs/2026/day.log", "ü/日本.txt", "a b/c%0Ad",
                          "..a/b..", ".hidden/.x", "a.~file"}) {
    EXPECT_TRUE(CheckWritableKey(key).ok()) << key << ": " << CheckWritableKey(key).ToString();
  }
  EXPECT_TRUE(CheckWritableKey(std::string(255, 'n') + "/" + std::string(255, 'm')).ok());
  std::string at_limit;
  while (at_limit.size() + 201 <= kMaxKeyBytes) at_limit += std::string(200, 'k') + "/";
  at_limit += std::string(kMaxKeyBytes - at_limit.size(), 'e');
  ASSERT_EQ(at_limit.size(), kMaxKeyBytes);
  EXPECT_TRUE(CheckWritableKey(at_limit).ok()) << CheckWritableKey(at_limit).ToString();
}

TEST(WritableKey, KeysAnIndexWouldSkipOrRenameAreRefusedByName) {
  ExpectRefused("../../etc/passwd", ErrorCode::kInvalidArgument, "'.' or '..' segment");
  ExpectRefused("a/../b", ErrorCode::kInvalidArgument, "skip");
  ExpectRefused("a/./b", ErrorCode::kInvalidArgument, "'.' or '..' segment");
  ExpectRefused(".", ErrorCode::kInvalidArgument, "'.' or '..' segment");
  ExpectRefused("/abs/key", ErrorCode::kInvalidArgument, "starts with '/'");
  ExpectRefused("a//b", ErrorCode::kInvalidArgument, "empty segment");
  ExpectRefused("new\nline", ErrorCode::kInvalidArgument, "'new\\nline' holds a control character");
  ExpectRefused(std::string("nul\0byte", 8), ErrorCode::kInvalidArgument, "control character");
  ExpectRefused("bad\xff", ErrorCode::kInvalidArgument, "not valid UTF-8");
  ExpectRefused("d/" + std::string(256, 'L'), ErrorCode::kNameTooLong, "over 255 bytes");
  ExpectRefused("dir/", ErrorCode::kInvalidArgument, "names a directory");
  ExpectRefused("", ErrorCode::kInvalidArgument, "empty");
}

TEST(WritableKey, KeysOverTheStoreLimitAreRefused) {
  std::string key;
  while (key.size() < 4096) key += std::string(200, 's') + "/";
  key += "f";
  const Status s = CheckWritableKey(key);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kNameTooLong);
  EXPECT_NE(s.message().find("at most 1024"), std::string::npos) << s.message();
  EXPECT_LT(s.message().size(), 300u);  // the key is shown cut short
}

}  // namespace
}  // namespace shoal
