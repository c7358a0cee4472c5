// Every byte of a 5,000-file dataset on RGW, read through the engine (manifest
// catalog, io_uring curl transport, retries on the loop), equals the source.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "engine/http/retrying_transport.h"
#include "engine/http/uring_curl_transport.h"
#include "engine/read/read_engine.h"
#include "engine/store/await.h"
#include "engine/store/s3/s3_store.h"
#include "index/indexer.h"
#include "index/manifest.h"
#include "index/manifest_catalog.h"
#include "index/manifest_file.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

std::string Body(int i) {
  std::string s(static_cast<size_t>(1024 + (i * 7919) % 7000), '\0');
  for (size_t k = 0; k < s.size(); ++k)
    s[k] = static_cast<char>((k * 131 + static_cast<size_t>(i) * 17) & 0xFF);
  return s;
}

std::string Key(int i) {
  return "ds/class-" + std::to_string(i % 10) + "/sample-" + std::to_string(100000 + i) + ".bin";
}

// Readers that switch directory on every read, so each directory is walked
// by several readers in turn. The stream for a directory follows whichever
// reader continues it; measured GETs are printed for docs/benchmarks.md.
enum class Pattern { kWholeDirectories, kInterleaved };

void ReadDataset(Pattern pattern) {
  std::optional<testing::RgwEnv> env = testing::LoadRgwEnv();
  if (!env) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
  testing::TestBucket bucket(*env);
  constexpr int kFiles = 5000;
  {
    testing::ObjectList objects;
    for (int i = 0; i < kFiles; ++i) objects.emplace_back(Key(i), Body(i));
    Status uploaded = testing::PutAll(bucket.store(), objects);
    ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  }
  ListingCounters counters;
  Result<IndexOutput> index = BuildIndex(
      bucket.store(), ManifestSource{env->endpoint, bucket.name(), "ds/", 1}, {}, counters);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto manifest = Manifest::FromBytes(EncodeManifestContainer(index->payload, true), "rgw");
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ((*manifest)->file_count(), static_cast<uint64_t>(kFiles));
  ManifestCatalog catalog(*manifest);

  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  {
    auto transport = std::make_unique<UringCurlTransport>(loop, UringTransportOptions{});
    RetryingTransport retrying(*transport, loop, RetryOptions{});
    S3Config config = bucket.config();
    S3Store store(S3RequestBuilder(config, *ParseEndpoint(config.endpoint)), retrying);
    ReadEngineOptions options;
    options.memory_budget = 4 << 20;  // far smaller than the 25 MB dataset
    ReadEngine engine(loop, store, catalog, options);

    const Manifest& m = **manifest;
    std::atomic<int> matched{0}, mismatched{0};
    auto check = [&](uint32_t e) {
      const int i = std::stoi(std::string(m.Name(e).substr(7, 6))) - 100000;
      std::promise<bool> same;
      engine.Read(e, 0, 1 << 20, [&, i](Result<std::string_view> data) {
        same.set_value(data.ok() && *data == Body(i));
      });
      (same.get_future().get() ? matched : mismatched)++;
    };
    const uint32_t first_dir = m.FirstChild(Manifest::kRoot);
    const uint32_t dirs = m.ChildCount(Manifest::kRoot);
    std::vector<std::thread> readers;
    readers.reserve(4);
    for (int r = 0; r < 4; ++r) {
      readers.emplace_back([&, r] {
        if (pattern == Pattern::kWholeDirectories) {
          // Each reader walks whole class directories in manifest order.
          for (uint32_t d = first_dir + r; d < first_dir + dirs; d += 4) {
            for (uint32_t e = m.FirstChild(d); e < m.FirstChild(d) + m.ChildCount(d); ++e) check(e);
          }
          return;
        }
        // Reader r takes files r, r+4, ... of the round-robin over all
        // directories: every read is in a different directory.
        const uint32_t per_dir = m.ChildCount(first_dir);
        for (auto k = static_cast<uint32_t>(r); k < per_dir * dirs; k += 4) {
          const uint32_t d = first_dir + k % dirs;
          const uint32_t index = k / dirs;
          if (index < m.ChildCount(d)) check(m.FirstChild(d) + index);
        }
      });
    }
    for (auto& t : readers) t.join();
    EXPECT_EQ(matched.load(), kFiles);
    EXPECT_EQ(mismatched.load(), 0);
    ReadStats stats = engine.Stats();
    EXPECT_LE(stats.peak_bytes_in_use,
              options.memory_budget + size_t{64} * 8192);  // budget + parts in flight
    // How much prefetch is wasted depends on how the readers' timing
    // interleaves (see docs/benchmarks.md); only a sanity bound is asserted.
    EXPECT_GT(stats.prefetch_hits, 0u);
    EXPECT_LT(stats.requests, static_cast<uint64_t>(kFiles) * 4);
    EXPECT_EQ(stats.errors, 0u);
    std::printf("%s: requests %llu, prefetch hits %llu, cache hits %llu, peak bytes %llu\n",
                pattern == Pattern::kInterleaved ? "interleaved" : "whole directories",
                static_cast<unsigned long long>(stats.requests),
                static_cast<unsigned long long>(stats.prefetch_hits),
                static_cast<unsigned long long>(stats.cache_hits),
                static_cast<unsigned long long>(stats.peak_bytes_in_use));
    transport.reset();  // completes anything in flight while the store still exists
  }
  loop.Stop();
}

TEST(ReadEngineRgw, EveryByteOfAFiveThousandFileDatasetMatches) {
  ReadDataset(Pattern::kWholeDirectories);
}

TEST(ReadEngineRgw, EveryByteMatchesWithReadersInterleavedAcrossDirectories) {
  ReadDataset(Pattern::kInterleaved);
}

}  // namespace
}  // namespace shoal
