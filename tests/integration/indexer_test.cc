// The indexer against real listings: RGW with nested and flat prefixes, the
// file:// source, parallel against sequential, publishing, and diff.
#include "index/indexer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/store/await.h"
#include "engine/store/file/file_store.h"
#include "index/manifest.h"
#include "index/manifest_diff.h"
#include "index/manifest_file.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

// The dataset: `count` keys under `prefix`, nested three levels deep when
// `nested`, else flat. Sizes vary with the index.
std::vector<std::pair<std::string, std::string>> Dataset(const std::string& prefix, int count,
                                                         bool nested) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < count; ++i) {
    char name[96];
    if (nested) {
      std::snprintf(name, sizeof(name), "%sy%d/m%02d/d%02d/log-%05d.csv", prefix.c_str(),
                    2020 + i % 3, i % 12, i % 7, i);
    } else {
      std::snprintf(name, sizeof(name), "%sobj-%06d", prefix.c_str(), i * 7919 % 1000003);
    }
    out.emplace_back(name,
                     std::string(static_cast<size_t>(i % 97), static_cast<char>('a' + i % 26)));
  }
  return out;
}

void Upload(ObjectStore& store, const testing::ObjectList& objects) {
  Status s = testing::PutAll(store, objects);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

std::string IndexBytes(ObjectStore& store, const ManifestSource& source, int concurrency,
                       uint64_t* splits = nullptr) {
  ListingCounters counters;
  ListerOptions options;
  options.concurrency = concurrency;
  Result<IndexOutput> out = BuildIndex(store, source, options, counters);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (splits != nullptr) *splits = counters.splits.load();
  return out.ok() ? EncodeManifestContainer(out->payload, true) : "";
}

std::shared_ptr<const Manifest> Load(const std::string& bytes) {
  auto m = Manifest::FromBytes(bytes, "test");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

struct TreeRow {
  std::string path;
  bool dir;
  uint64_t size;
  bool operator==(const TreeRow&) const = default;
};

std::vector<TreeRow> Tree(const Manifest& m) {
  std::vector<TreeRow> rows;
  for (uint32_t e = 0; e < m.entry_count(); ++e) {
    rows.push_back({m.Path(e), m.IsDir(e), m.GetAttr(e).size});
  }
  return rows;
}

class IndexerRgw : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = testing::LoadRgwEnv();
    if (!env_) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    bucket_ = std::make_unique<testing::TestBucket>(*env_);
  }
  ManifestSource Source(const std::string& prefix) {
    return ManifestSource{env_->endpoint, bucket_->name(), prefix, 1700000000};
  }
  std::optional<testing::RgwEnv> env_;
  std::unique_ptr<testing::TestBucket> bucket_;
};

TEST_F(IndexerRgw, NestedListingParallelEqualsSequential) {
  auto data = Dataset("ds/", 2600, /*nested=*/true);
  Upload(bucket_->store(), data);
  Upload(bucket_->store(), {{"elsewhere/not-indexed", "x"}});
  const std::string sequential = IndexBytes(bucket_->store(), Source("ds/"), 1);
  const std::string parallel = IndexBytes(bucket_->store(), Source("ds/"), 16);
  ASSERT_FALSE(sequential.empty());
  EXPECT_EQ(sequential, parallel);  // byte for byte

  auto m = Load(parallel);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->file_count(), 2600u);
  uint64_t bytes = 0;
  for (const auto& [key, body] : data) {
    bytes += body.size();
    auto e = m->Resolve(key.substr(3));
    ASSERT_TRUE(e) << key;
    EXPECT_EQ(m->GetAttr(*e).size, body.size());
    EXPECT_EQ(m->ObjectKey(*e), key);
    EXPECT_EQ(m->Etag(*e).size(), 32u);  // RGW's MD5 ETags pack into 16 bytes
  }
  EXPECT_EQ(m->total_bytes(), bytes);
  EXPECT_FALSE(m->Resolve("not-indexed"));
}

TEST_F(IndexerRgw, FlatPrefixSplitsIntoRangesAndStillMatches) {
  Upload(bucket_->store(), Dataset("flat/", 2600, /*nested=*/false));
  const std::string sequential = IndexBytes(bucket_->store(), Source("flat/"), 1);
  uint64_t splits = 0;
  const std::string parallel = IndexBytes(bucket_->store(), Source("flat/"), 8, &splits);
  EXPECT_GT(splits, 0u) << "a flat prefix should have been split into key ranges";
  EXPECT_EQ(sequential, parallel);
  auto m = Load(parallel);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->file_count(), 2600u);
}

TEST_F(IndexerRgw, FileSourceGivesTheSameTreeAsRgw) {
  auto data = Dataset("", 600, /*nested=*/true);
  data.emplace_back("empty.bin", "");
  data.emplace_back("odd name ü/+x.txt", "odd");
  Upload(bucket_->store(), data);

  char tmpl[] = "/tmp/shoal-index-XXXXXX";
  const std::string root = ::mkdtemp(tmpl);
  auto file_store = std::move(*FileStore::Open(root));
  Upload(*file_store, data);

  auto from_rgw = Load(IndexBytes(bucket_->store(), Source(""), 4));
  auto from_file = Load(IndexBytes(*file_store, ManifestSource{"", root, "", 1700000000}, 4));
  fs::remove_all(root);
  ASSERT_TRUE(from_rgw && from_file);
  EXPECT_EQ(Tree(*from_rgw), Tree(*from_file));
  EXPECT_EQ(from_rgw->file_count(), data.size());
}

TEST_F(IndexerRgw, PublishedManifestLoadsFromTheBucket) {
  Upload(bucket_->store(), Dataset("p/", 50, true));
  const std::string bytes = IndexBytes(bucket_->store(), Source("p/"), 4);
  ASSERT_TRUE(Await<PutResult>([&](auto done) {
                bucket_->store().Put({"manifests/p.shoal", bytes}, done);
              }).ok());
  auto fetched = Await<GetResult>([&](auto done) {
    bucket_->store().Get({"manifests/p.shoal", {}, {}}, done);
  });
  ASSERT_TRUE(fetched.ok());
  auto m = Manifest::FromBytes(fetched->data, "s3://bucket/manifests/p.shoal");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->file_count(), 50u);
}

TEST_F(IndexerRgw, DiffOfAModifiedTree) {
  auto data = Dataset("t/", 200, true);
  Upload(bucket_->store(), data);
  auto before = Load(IndexBytes(bucket_->store(), Source("t/"), 4));
  Upload(bucket_->store(), {{data[0].first, "changed bytes"}, {"t/new/file", "n"}});
  ASSERT_TRUE(Await<Done>([&](auto done) { bucket_->store().Delete(data[1].first, done); }).ok());
  auto after = Load(IndexBytes(bucket_->store(), Source("t/"), 4));
  ASSERT_TRUE(before && after);
  ManifestDiff diff = DiffManifests(*before, *after);
  EXPECT_EQ(diff.added, std::vector<std::string>{"new/file"});
  EXPECT_EQ(diff.removed, std::vector<std::string>{data[1].first.substr(2)});
  EXPECT_EQ(diff.changed, std::vector<std::string>{data[0].first.substr(2)});
  EXPECT_TRUE(DiffManifests(*after, *after).empty());
}

TEST(IndexerFile, HostileFileNamesAreIndexedSafely) {
  char tmpl[] = "/tmp/shoal-hostile-XXXXXX";
  const std::string root = ::mkdtemp(tmpl);
  fs::create_directories(root + "/a");
  std::ofstream(root + "/a/new\nline") << "1";
  std::ofstream(root + "/a/bad\xff") << "2";
  std::ofstream(root + "/" + std::string(255, 'L')) << "3";
  auto store = std::move(*FileStore::Open(root));
  ListingCounters counters;
  Result<IndexOutput> out = BuildIndex(*store, ManifestSource{"", root, "", 1}, {}, counters);
  fs::remove_all(root);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->report.count(KeyIssue::kControlByte), 1u);
  EXPECT_EQ(out->report.count(KeyIssue::kInvalidUtf8), 1u);
  auto m = Load(EncodeManifestContainer(out->payload, false));
  ASSERT_TRUE(m);
  auto e = m->Resolve("a/new%0Aline");
  ASSERT_TRUE(e);
  EXPECT_EQ(m->ObjectKey(*e), "a/new\nline");
}

}  // namespace
}  // namespace shoal
