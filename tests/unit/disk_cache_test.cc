// The disk cache on a real event loop and a temporary directory: hits with
// exact bytes, keying, LRU trimming, damaged entries, restarts and
// shutdown with work in flight.
#include "engine/cache/disk_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "engine/cache/cache_entry_format.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

CacheIdentity Id(int i, std::string etag = "etag", std::optional<ByteRange> range = {}) {
  return CacheIdentity{"s3://bucket@host", "dir/object-" + std::to_string(i), std::move(etag),
                       range};
}

std::string Bytes(int i, size_t size) {
  std::string s(size, '\0');
  for (size_t k = 0; k < size; ++k)
    s[k] = static_cast<char>((k * 31 + static_cast<size_t>(i)) & 0xFF);
  return s;
}

class DiskCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.Start().ok()); }
  void TearDown() override { loop_.Stop(); }

  std::unique_ptr<DiskCache> Open(uint64_t max_bytes, DiskCacheOptions options = {}) {
    options.dir = dir_;
    options.max_bytes = max_bytes;
    Result<std::unique_ptr<DiskCache>> cache = DiskCache::Open(loop_, options);
    EXPECT_TRUE(cache.ok()) << cache.status().ToString();
    return cache.ok() ? std::move(*cache) : nullptr;
  }
  void Insert(DiskCache& cache, const CacheIdentity& id, const std::string& data,
              uint64_t object_size = 0) {
    auto shared = std::make_shared<const std::string>(data);
    loop_.RunSync([&] { cache.Insert(id, shared, object_size ? object_size : data.size()); });
  }
  // Inserts and waits until the entry is written (or refused).
  void Put(DiskCache& cache, const CacheIdentity& id, const std::string& data) {
    Insert(cache, id, data);
    WaitForWrites(cache);
  }
  void WaitForWrites(DiskCache& cache) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Stats(cache).pending_writes > 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "writes never finished";
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  std::optional<CachedObject> Lookup(DiskCache& cache, const CacheIdentity& id) {
    std::promise<std::optional<CachedObject>> got;
    loop_.Post([&] {
      cache.Lookup(id, [&](std::optional<CachedObject> r) { got.set_value(std::move(r)); });
    });
    return got.get_future().get();
  }
  DiskCacheStats Stats(DiskCache& cache) {
    DiskCacheStats s;
    loop_.RunSync([&] { s = cache.Stats(); });
    return s;
  }
  fs::path PathOf(const CacheIdentity& id) {
    const std::string hex = CacheKey::Of(IdentityBytes(id)).Hex();
    return dir_ / hex.substr(0, 2) / hex;
  }
  // Waits for an asynchronous unlink to land.
  static bool EventuallyGone(const fs::path& path) {
    for (int i = 0; i < 5000 && fs::exists(path); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return !fs::exists(path);
  }
  static size_t FilesIn(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
    return n;
  }

  testing::TempDir temp_{"disk-cache"};
  const fs::path dir_ = temp_.path();
  EventLoop loop_;
};

TEST_F(DiskCacheTest, InsertThenLookupReturnsTheExactBytes) {
  auto cache = Open(1 << 20);
  const std::string data = Bytes(1, 5000);
  Put(*cache, Id(1), data);
  Insert(*cache, Id(2, "etag", ByteRange{100, 3000}), data.substr(100, 3000), 5000);
  WaitForWrites(*cache);

  std::optional<CachedObject> whole = Lookup(*cache, Id(1));
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->data, data);
  EXPECT_EQ(whole->object_size, 5000u);
  std::optional<CachedObject> range = Lookup(*cache, Id(2, "etag", ByteRange{100, 3000}));
  ASSERT_TRUE(range);
  EXPECT_EQ(range->data, data.substr(100, 3000));
  EXPECT_EQ(range->object_size, 5000u);

  EXPECT_TRUE(fs::is_regular_file(PathOf(Id(1))));
  EXPECT_EQ(fs::file_size(PathOf(Id(1))), kCacheEntryHeaderSize + 5000);
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.inserts, 2u);
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 0u);
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.bytes_in_cache, 2 * kCacheEntryHeaderSize + 8000);
}

TEST_F(DiskCacheTest, OtherEtagRangeOrNamespaceIsAMiss) {
  auto cache = Open(1 << 20);
  Put(*cache, Id(1), Bytes(1, 1000));
  EXPECT_FALSE(Lookup(*cache, Id(1, "other-etag")));
  EXPECT_FALSE(Lookup(*cache, Id(1, "etag", ByteRange{0, 1000})));
  EXPECT_FALSE(Lookup(*cache, Id(2)));
  CacheIdentity other_bucket = Id(1);
  other_bucket.cache_namespace = "s3://other@host";
  EXPECT_FALSE(Lookup(*cache, other_bucket));
  EXPECT_TRUE(Lookup(*cache, Id(1)));
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.misses, 4u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.corrupt_entries, 0u);
}

TEST_F(DiskCacheTest, TrimsToItsSizeEvictingTheLeastRecentlyUsed) {
  constexpr uint64_t kEntry = kCacheEntryHeaderSize + 1000;
  auto cache = Open(10 * kEntry);
  for (int i = 0; i < 10; ++i) Put(*cache, Id(i), Bytes(i, 1000));
  ASSERT_EQ(Stats(*cache).entries, 10u);
  ASSERT_TRUE(Lookup(*cache, Id(0)));  // now the most recently used
  for (int i = 10; i < 13; ++i) Put(*cache, Id(i), Bytes(i, 1000));

  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.evictions, 3u);
  EXPECT_EQ(s.entries, 10u);
  EXPECT_LE(s.bytes_in_cache, 10 * kEntry);
  for (int i : {1, 2, 3}) {
    EXPECT_TRUE(EventuallyGone(PathOf(Id(i)))) << i;
    EXPECT_FALSE(Lookup(*cache, Id(i))) << i;
  }
  std::optional<CachedObject> kept = Lookup(*cache, Id(0));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->data, Bytes(0, 1000));
  for (int i = 4; i < 13; ++i) EXPECT_TRUE(Lookup(*cache, Id(i))) << i;
  EXPECT_EQ(FilesIn(dir_) - 1, 10u);  // the entries and LOCK
}

TEST_F(DiskCacheTest, TruncatedEntryIsAMissAndIsRemoved) {
  auto cache = Open(1 << 20);
  Put(*cache, Id(1), Bytes(1, 4000));
  fs::resize_file(PathOf(Id(1)), 2000);  // as if the machine crashed mid-write
  EXPECT_FALSE(Lookup(*cache, Id(1)));
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.corrupt_entries, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 0u);
  EXPECT_EQ(s.bytes_in_cache, 0u);
  EXPECT_TRUE(EventuallyGone(PathOf(Id(1))));
  // Gone from the index too: the next lookup costs nothing and finds nothing.
  EXPECT_FALSE(Lookup(*cache, Id(1)));
  EXPECT_EQ(Stats(*cache).corrupt_entries, 1u);
  // And it can be cached again.
  Put(*cache, Id(1), Bytes(1, 4000));
  ASSERT_TRUE(Lookup(*cache, Id(1)));
}

TEST_F(DiskCacheTest, BitFlippedEntryIsAMissAndIsRemoved) {
  auto cache = Open(1 << 20);
  Put(*cache, Id(1), Bytes(1, 4000));
  {
    std::fstream f(PathOf(Id(1)), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(3000);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x04);
    f.seekp(3000);
    f.write(&c, 1);
  }
  EXPECT_EQ(fs::file_size(PathOf(Id(1))), kCacheEntryHeaderSize + 4000);
  EXPECT_FALSE(Lookup(*cache, Id(1)));
  EXPECT_EQ(Stats(*cache).corrupt_entries, 1u);
  EXPECT_TRUE(EventuallyGone(PathOf(Id(1))));
}

TEST_F(DiskCacheTest, SurvivesARestartAndRemovesLeftoverTemporaryFiles) {
  {
    auto cache = Open(1 << 20);
    for (int i = 0; i < 20; ++i) Put(*cache, Id(i), Bytes(i, 100 + static_cast<size_t>(i) * 50));
  }
  std::ofstream(dir_ / "tmp" / "12345-1-0") << "half an entry from a crashed process";
  std::ofstream(dir_ / "ab" / "not-an-entry") << "someone else's file";

  auto cache = Open(1 << 20);
  EXPECT_FALSE(fs::exists(dir_ / "tmp" / "12345-1-0"));
  EXPECT_TRUE(fs::exists(dir_ / "ab" / "not-an-entry"));  // not ours: left alone
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.entries, 20u);
  for (int i = 0; i < 20; ++i) {
    std::optional<CachedObject> hit = Lookup(*cache, Id(i));
    ASSERT_TRUE(hit) << i;
    EXPECT_EQ(hit->data, Bytes(i, 100 + static_cast<size_t>(i) * 50));
  }
  EXPECT_EQ(Stats(*cache).hits, 20u);
}

TEST_F(DiskCacheTest, ReopeningWithASmallerLimitTrimsTheOldestByMtime) {
  constexpr uint64_t kEntry = kCacheEntryHeaderSize + 1000;
  {
    auto cache = Open(1 << 20);
    for (int i = 0; i < 6; ++i) Put(*cache, Id(i), Bytes(i, 1000));
  }
  // Make entry 5 the oldest and entry 0 the newest.
  const auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 6; ++i) fs::last_write_time(PathOf(Id(i)), now - std::chrono::hours(i + 1));

  auto cache = Open(3 * kEntry);
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.evictions, 3u);
  for (int i : {3, 4, 5}) EXPECT_FALSE(fs::exists(PathOf(Id(i)))) << i;
  for (int i : {0, 1, 2}) EXPECT_TRUE(Lookup(*cache, Id(i))) << i;
}

TEST_F(DiskCacheTest, OneDirectoryServesOneCacheAtATime) {
  auto cache = Open(1 << 20);
  DiskCacheOptions options;
  options.dir = dir_;
  options.max_bytes = 1 << 20;
  Result<std::unique_ptr<DiskCache>> second = DiskCache::Open(loop_, options);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use"), std::string::npos);
  cache.reset();
  EXPECT_TRUE(DiskCache::Open(loop_, options).ok());
}

TEST_F(DiskCacheTest, SkipsLargeObjectsAndWritesBeyondThePendingBound) {
  DiskCacheOptions options;
  options.max_pending_writes = 4;
  auto cache = Open(80000, options);  // entries up to 10000 bytes
  EXPECT_TRUE(cache->Admits(10000));
  EXPECT_FALSE(cache->Admits(10001));
  Insert(*cache, Id(0), Bytes(0, 10001));
  loop_.RunSync([&] {
    for (int i = 1; i <= 10; ++i) {
      cache->Insert(Id(i), std::make_shared<const std::string>(Bytes(i, 100)), 100);
    }
    cache->Insert(Id(1), std::make_shared<const std::string>(Bytes(1, 100)), 100);  // duplicate
  });
  WaitForWrites(*cache);
  DiskCacheStats s = Stats(*cache);
  EXPECT_EQ(s.inserts, 4u);
  EXPECT_EQ(s.insert_skipped, 1u + 6u);
  EXPECT_EQ(s.entries, 4u);
  EXPECT_FALSE(Lookup(*cache, Id(0)));
}

TEST_F(DiskCacheTest, DestructionWithWorkInFlightIsClean) {
  {
    auto cache = Open(64 << 20);
    Put(*cache, Id(0), Bytes(0, 1000));
    std::atomic<int> lookups_done{0};
    loop_.RunSync([&] {
      for (int i = 1; i <= 50; ++i) {
        cache->Insert(Id(i), std::make_shared<const std::string>(Bytes(i, 64 << 10)), 64 << 10);
      }
      for (int i = 0; i < 10; ++i) {
        cache->Lookup(Id(0), [&](const std::optional<CachedObject>&) { lookups_done++; });
      }
    });
    cache.reset();  // from this thread, with writes and reads in flight
    for (int i = 0; i < 5000 && lookups_done < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(lookups_done.load(), 10);  // each completed, as a hit or a miss
  }
  // The directory stays locked until the abandoned writes have ended; then
  // their temporary files are gone, and whatever was renamed is whole.
  DiskCacheOptions options;
  options.dir = dir_;
  options.max_bytes = 64 << 20;
  Result<std::unique_ptr<DiskCache>> reopened = DiskCache::Open(loop_, options);
  for (int i = 0; i < 5000 && !reopened.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    reopened = DiskCache::Open(loop_, options);
  }
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto cache = std::move(*reopened);
  EXPECT_EQ(FilesIn(dir_ / "tmp"), 0u);
  int found = 0;
  for (int i = 1; i <= 50; ++i) {
    if (std::optional<CachedObject> hit = Lookup(*cache, Id(i))) {
      EXPECT_EQ(hit->data, Bytes(i, 64 << 10));
      ++found;
    }
  }
  EXPECT_EQ(Stats(*cache).corrupt_entries, 0u);
  EXPECT_EQ(static_cast<uint64_t>(found), Stats(*cache).entries - 1);
}

TEST_F(DiskCacheTest, StoppingTheLoopWithWritesInFlightIsClean) {
  auto cache = Open(64 << 20);
  loop_.RunSync([&] {
    for (int i = 1; i <= 50; ++i) {
      cache->Insert(Id(i), std::make_shared<const std::string>(Bytes(i, 64 << 10)), 64 << 10);
    }
  });
  loop_.Stop();
  cache.reset();  // after the loop: nothing left to race with
}

}  // namespace
}  // namespace shoal
