// Disk-cache entry identity and file format: names are unambiguous and
// stable, and every kind of damage to an entry file is detected.
#include "engine/cache/cache_entry_format.h"

#include <gtest/gtest.h>

#include "engine/cache/cache_key.h"

namespace shoal {
namespace {

CacheIdentity Id(std::string key, std::string etag, std::optional<ByteRange> range = {}) {
  return CacheIdentity{"s3://bucket@host", std::move(key), std::move(etag), range};
}

CacheKey KeyOf(const CacheIdentity& id) { return CacheKey::Of(IdentityBytes(id)); }

TEST(CacheKeyTest, EveryFieldAndItsBoundariesChangeTheKey) {
  const CacheKey base = KeyOf(Id("a/b", "e1"));
  EXPECT_EQ(KeyOf(Id("a/b", "e1")), base);
  EXPECT_NE(KeyOf(Id("a/b", "e2")), base);
  EXPECT_NE(KeyOf(Id("a/c", "e1")), base);
  EXPECT_NE(KeyOf(CacheIdentity{"s3://other@host", "a/b", "e1", {}}), base);
  // Moving bytes from one field to the next is another identity.
  EXPECT_NE(KeyOf(Id("a/be", "1")), base);
  // The whole object is not the same entry as a range that spans it.
  EXPECT_NE(KeyOf(Id("a/b", "e1", ByteRange{0, 100})), base);
  EXPECT_NE(KeyOf(Id("a/b", "e1", ByteRange{0, 100})), KeyOf(Id("a/b", "e1", ByteRange{1, 100})));
  EXPECT_NE(KeyOf(Id("a/b", "e1", ByteRange{0, 100})), KeyOf(Id("a/b", "e1", ByteRange{0, 99})));
}

TEST(CacheKeyTest, HexRoundTripsAndRejectsOtherNames) {
  const CacheKey key = KeyOf(Id("k", "e"));
  const std::string hex = key.Hex();
  ASSERT_EQ(hex.size(), 32u);
  EXPECT_EQ(CacheKey::FromHex(hex), key);
  const CacheKey spelled{0x0123456789abcdefull, 0xfedcba9876543210ull};
  EXPECT_EQ(spelled.Hex(), "0123456789abcdeffedcba9876543210");
  EXPECT_FALSE(CacheKey::FromHex(hex.substr(1)));
  EXPECT_FALSE(CacheKey::FromHex(hex + "0"));
  EXPECT_FALSE(CacheKey::FromHex("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(CacheKey::FromHex("0123456789abcdef0123456789abcdeg"));
}

class CacheEntryFormatTest : public ::testing::Test {
 protected:
  std::string identity_ = IdentityBytes(Id("k", "etag"));
  std::string data_ = std::string(1000, 'x') + "end";
  std::string file_ = EncodeCacheEntryHeader(identity_, data_, 5000) + data_;

  static bool IsCorrupt(const Result<uint64_t>& r) {
    return !r.ok() && r.status().code() == ErrorCode::kCorrupt;
  }
};

TEST_F(CacheEntryFormatTest, AnIntactEntryVerifies) {
  ASSERT_EQ(file_.size(), kCacheEntryHeaderSize + data_.size());
  Result<uint64_t> size = VerifyCacheEntry(file_, identity_);
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  EXPECT_EQ(*size, 5000u);
  EXPECT_EQ(file_.substr(kCacheEntryHeaderSize), data_);
  const std::string empty = EncodeCacheEntryHeader(identity_, "", 0);
  EXPECT_TRUE(VerifyCacheEntry(empty, identity_).ok());
}

TEST_F(CacheEntryFormatTest, TruncationAnywhereIsDetected) {
  for (size_t n : {size_t{0}, size_t{10}, kCacheEntryHeaderSize - 1, kCacheEntryHeaderSize,
                   file_.size() - 1}) {
    EXPECT_TRUE(IsCorrupt(VerifyCacheEntry(file_.substr(0, n), identity_))) << n;
  }
  EXPECT_TRUE(IsCorrupt(VerifyCacheEntry(file_ + "x", identity_)));
}

TEST_F(CacheEntryFormatTest, AnyFlippedBitIsDetected) {
  for (size_t at = 0; at < file_.size(); at += 7) {
    std::string damaged = file_;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    EXPECT_TRUE(IsCorrupt(VerifyCacheEntry(damaged, identity_))) << at;
  }
}

TEST_F(CacheEntryFormatTest, AnotherIdentitysEntryIsRefused) {
  EXPECT_TRUE(IsCorrupt(VerifyCacheEntry(file_, IdentityBytes(Id("k", "other-etag")))));
}

TEST_F(CacheEntryFormatTest, ZeroFilledFileIsRefused) {
  EXPECT_TRUE(IsCorrupt(VerifyCacheEntry(std::string(file_.size(), '\0'), identity_)));
}

}  // namespace
}  // namespace shoal
