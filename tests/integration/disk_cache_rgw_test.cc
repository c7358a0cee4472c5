// The disk cache survives a restart and is used: 300 objects on RGW are
// read through the engine with a disk cache below it, everything is torn
// down, and a fresh stack on the same cache directory reads them all again
// without sending a single request to the server.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <thread>

#include "engine/cache/disk_cache.h"
#include "engine/cache/disk_cached_store.h"
#include "engine/http/retrying_transport.h"
#include "engine/http/uring_curl_transport.h"
#include "engine/read/read_engine.h"
#include "engine/store/s3/s3_store.h"
#include "index/indexer.h"
#include "index/manifest.h"
#include "index/manifest_catalog.h"
#include "index/manifest_file.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

struct RunResult {
  int matched = 0;
  int mismatched = 0;
  uint64_t requests = 0;  // logical requests that reached the server
  DiskCacheStats cache;
};

// One mount's worth of stack, built from nothing but the cache directory:
// loop, io_uring transport, retries, S3, disk cache, read engine. Reads
// every file in manifest order, then tears it all down.
RunResult ReadEverything(const testing::TestBucket& bucket, const ManifestCatalog& catalog,
                         uint32_t entries, const std::map<std::string, std::string>& bodies,
                         const fs::path& cache_dir) {
  RunResult out;
  EventLoop loop;
  EXPECT_TRUE(loop.Start().ok());
  DiskCacheOptions cache_options{cache_dir.string(), 64 << 20};
  // Prefetch completes GETs in bursts; let every write through, so that the
  // second run's zero-request check does not depend on timing.
  cache_options.max_pending_writes = 4096;
  Result<std::unique_ptr<DiskCache>> cache = DiskCache::Open(loop, cache_options);
  EXPECT_TRUE(cache.ok()) << cache.status().ToString();
  if (!cache.ok()) return out;
  {
    auto transport = std::make_unique<UringCurlTransport>(loop, UringTransportOptions{});
    RetryingTransport retrying(*transport, loop, RetryOptions{});
    S3Config config = bucket.config();
    S3Store s3(S3RequestBuilder(config, *ParseEndpoint(config.endpoint)), retrying);
    DiskCachedStore store(loop, s3, **cache, "s3://" + config.bucket + "@" + config.endpoint);
    auto engine = std::make_unique<ReadEngine>(loop, store, catalog, ReadEngineOptions{});

    for (uint32_t e = 0; e < entries; ++e) {
      FileRef file;
      if (!catalog.File(e, &file)) continue;
      std::promise<bool> same;
      engine->Read(e, 0, 1 << 20, [&](Result<std::string_view> data) {
        same.set_value(data.ok() && *data == bodies.at(file.key));
      });
      (same.get_future().get() ? out.matched : out.mismatched)++;
    }
    // Insertion is fire-and-forget: wait for the writes, as a mount that
    // lives longer than this test would.
    for (int i = 0; i < 10000; ++i) {
      loop.RunSync([&] { out.cache = (*cache)->Stats(); });
      if (out.cache.pending_writes == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    out.requests = retrying.counters().requests;
    engine.reset();
    transport.reset();  // completes anything in flight while the stores still exist
  }
  cache->reset();
  loop.Stop();
  return out;
}

TEST(DiskCacheRgw, TheDiskCacheSurvivesARestartAndIsUsed) {
  std::optional<testing::RgwEnv> env = testing::LoadRgwEnv();
  if (!env) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
  testing::TestBucket bucket(*env);
  constexpr int kFiles = 300;
  std::map<std::string, std::string> bodies;
  {
    testing::ObjectList objects;
    for (int i = 0; i < kFiles; ++i) {
      std::string body(static_cast<size_t>(500 + (i * 3571) % 9000), '\0');
      for (size_t k = 0; k < body.size(); ++k)
        body[k] = static_cast<char>((k * 7 + static_cast<size_t>(i) * 13) & 0xFF);
      const std::string key = "cached/part-" + std::to_string(i % 3) + "/obj-" + std::to_string(i);
      bodies[key] = body;
      objects.emplace_back(key, body);
    }
    Status uploaded = testing::PutAll(bucket.store(), objects);
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  }
  ListingCounters counters;
  Result<IndexOutput> index = BuildIndex(
      bucket.store(), ManifestSource{env->endpoint, bucket.name(), "cached/", 1}, {}, counters);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto manifest = Manifest::FromBytes(EncodeManifestContainer(index->payload, true), "rgw");
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ((*manifest)->file_count(), static_cast<uint64_t>(kFiles));
  ManifestCatalog catalog(*manifest);
  const uint32_t entries = (*manifest)->entry_count();

  testing::TempDir cache_dir("disk-cache-rgw");

  RunResult cold = ReadEverything(bucket, catalog, entries, bodies, cache_dir.path());
  EXPECT_EQ(cold.matched, kFiles);
  EXPECT_EQ(cold.mismatched, 0);
  EXPECT_GE(cold.requests, static_cast<uint64_t>(kFiles));
  EXPECT_EQ(cold.cache.inserts, static_cast<uint64_t>(kFiles));
  EXPECT_EQ(cold.cache.insert_skipped, 0u);
  EXPECT_EQ(cold.cache.write_errors, 0u);
  EXPECT_EQ(cold.cache.hits, 0u);

  RunResult warm = ReadEverything(bucket, catalog, entries, bodies, cache_dir.path());
  EXPECT_EQ(warm.matched, kFiles);
  EXPECT_EQ(warm.mismatched, 0);
  EXPECT_EQ(warm.requests, 0u);  // not one GET reached RGW
  EXPECT_EQ(warm.cache.hits, static_cast<uint64_t>(kFiles));
  EXPECT_EQ(warm.cache.misses, 0u);
  EXPECT_EQ(warm.cache.corrupt_entries, 0u);
  EXPECT_EQ(warm.cache.entries, static_cast<uint64_t>(kFiles));
  std::printf("cold: %llu requests, %llu inserts; warm: %llu requests, %llu hits\n",
              static_cast<unsigned long long>(cold.requests),
              static_cast<unsigned long long>(cold.cache.inserts),
              static_cast<unsigned long long>(warm.requests),
              static_cast<unsigned long long>(warm.cache.hits));
}

}  // namespace
}  // namespace shoal
