// The disk cache's in-memory index: recency order, sizes, generations.
#include "engine/cache/cache_lru.h"

#include <gtest/gtest.h>

namespace shoal {
namespace {

CacheKey K(uint64_t n) { return CacheKey{0, n}; }

TEST(CacheLruTest, EvictsLeastRecentlyUsedFirst) {
  CacheLru lru;
  lru.Add(K(1), 10);
  lru.Add(K(2), 20);
  lru.Add(K(3), 30);
  EXPECT_EQ(lru.bytes(), 60u);
  EXPECT_EQ(lru.entries(), 3u);
  ASSERT_TRUE(lru.Touch(K(1)));
  EXPECT_FALSE(lru.Touch(K(9)));
  EXPECT_EQ(lru.PopOldest(), K(2));
  EXPECT_EQ(lru.PopOldest(), K(3));
  EXPECT_EQ(lru.PopOldest(), K(1));
  EXPECT_EQ(lru.PopOldest(), std::nullopt);
  EXPECT_EQ(lru.bytes(), 0u);
  EXPECT_EQ(lru.entries(), 0u);
}

TEST(CacheLruTest, RemoveOnlyTheGenerationThatWasSeen) {
  CacheLru lru;
  const uint64_t first = lru.Add(K(1), 10);
  ASSERT_EQ(lru.PopOldest(), K(1));
  const uint64_t second = lru.Add(K(1), 15);  // replaced since `first` was seen
  EXPECT_NE(first, second);
  ASSERT_TRUE(lru.Touch(K(1)));
  EXPECT_EQ(lru.Touch(K(1))->generation, second);
  EXPECT_EQ(lru.Touch(K(1))->bytes, 15u);
  EXPECT_FALSE(lru.Remove(K(1), first));
  EXPECT_TRUE(lru.Contains(K(1)));
  EXPECT_TRUE(lru.Remove(K(1), second));
  EXPECT_FALSE(lru.Contains(K(1)));
  EXPECT_EQ(lru.bytes(), 0u);
}

}  // namespace
}  // namespace shoal
