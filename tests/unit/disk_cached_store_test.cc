// The disk-cache decorator over a counting fake store: repeated GETs with
// If-Match are answered from disk, everything else reaches the store.
#include "engine/cache/disk_cached_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "engine/store/await.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

// One object per key; ETag "v1" unless changed. Completes on the loop on a
// later turn, like a real transport, and counts what reaches it.
class CountingStore final : public ObjectStore {
 public:
  explicit CountingStore(EventLoop& loop) : loop_(loop) {}
  std::string Describe() const override { return "counting://"; }
  void Get(GetRequest r, Callback<GetResult> done) override {
    ++gets;
    loop_.Post([this, r, done] {
      auto it = objects.find(r.key);
      if (it == objects.end()) return done(Status(ErrorCode::kNotFound, r.key));
      if (!ignore_if_match && !r.if_match.empty() && r.if_match != etag) {
        return done(Status(ErrorCode::kPreconditionFailed, r.key + " changed"));
      }
      GetResult g;
      g.data = r.range ? it->second.substr(r.range->offset, r.range->length) : it->second;
      g.info = ObjectInfo{r.key, it->second.size(), etag, 0};
      done(std::move(g));
    });
  }
  void Head(std::string key, Callback<ObjectInfo> done) override {
    ++heads;
    done(ObjectInfo{key, objects[key].size(), etag, 0});
  }
  void Put(PutRequest r, Callback<PutResult> done) override {
    objects[r.key] = r.data;
    done(PutResult{etag});
  }
  void List(ListRequest, Callback<ListPage> done) override { done(ListPage{}); }
  void Delete(std::string, Callback<Done> done) override { done(Done{}); }
  void Copy(CopyRequest, Callback<PutResult> done) override { done(PutResult{}); }
  void CreateMultipart(std::string, Callback<std::string> done) override { done(std::string()); }
  void UploadPart(UploadPartRequest, Callback<CompletedPart> done) override {
    done(CompletedPart{});
  }
  void CompleteMultipart(CompleteMultipartRequest, Callback<PutResult> done) override {
    done(PutResult{});
  }
  void AbortMultipart(std::string, std::string, Callback<Done> done) override { done(Done{}); }
  void ListMultipartUploads(ListUploadsRequest, Callback<ListUploadsPage> done) override {
    done(ListUploadsPage{});
  }
  void UploadPartCopy(UploadPartCopyRequest, Callback<CompletedPart> done) override {
    done(CompletedPart{});
  }
  void Append(AppendRequest, Callback<AppendResult> done) override { done(AppendResult{}); }

  std::map<std::string, std::string> objects;
  std::string etag = "v1";
  bool ignore_if_match = false;  // like a server without If-Match support
  std::atomic<int> gets{0};
  std::atomic<int> heads{0};

 private:
  EventLoop& loop_;
};

class DiskCachedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.Start().ok());
    Result<std::unique_ptr<DiskCache>> cache =
        DiskCache::Open(loop_, DiskCacheOptions{dir_.path().string(), 1 << 20});
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    cache_ = std::move(*cache);
    store_ = std::make_unique<DiskCachedStore>(loop_, inner_, *cache_, "counting://bucket");
    inner_.objects["a/b"] = std::string(3000, 'x') + "tail";
  }
  void TearDown() override {
    store_.reset();
    cache_.reset();
    loop_.Stop();
  }

  Result<GetResult> Get(std::string key, std::string if_match,
                        std::optional<ByteRange> range = {}) {
    Result<GetResult> r = Await<GetResult>([&](auto done) {
      store_->Get(GetRequest{std::move(key), range, std::move(if_match)}, done);
    });
    // Let the background insert land before the next request.
    for (int i = 0; i < 5000 && CacheStats().pending_writes > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return r;
  }
  DiskCacheStats CacheStats() {
    DiskCacheStats s;
    loop_.RunSync([&] { s = cache_->Stats(); });
    return s;
  }

  testing::TempDir dir_{"disk-cached-store"};
  EventLoop loop_;
  CountingStore inner_{loop_};
  std::unique_ptr<DiskCache> cache_;
  std::unique_ptr<DiskCachedStore> store_;
};

TEST_F(DiskCachedStoreTest, SecondGetOfTheSameKeyAndEtagDoesNotReachTheInnerStore) {
  Result<GetResult> first = Get("a/b", "v1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(inner_.gets.load(), 1);
  Result<GetResult> second = Get("a/b", "v1");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(inner_.gets.load(), 1);
  EXPECT_EQ(second->data, inner_.objects["a/b"]);
  EXPECT_EQ(second->info.key, "a/b");
  EXPECT_EQ(second->info.size, 3004u);
  EXPECT_EQ(second->info.etag, "v1");
  DiskCacheStats s = CacheStats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.inserts, 1u);
}

TEST_F(DiskCachedStoreTest, RangesAreCachedApartFromTheWholeObject) {
  ASSERT_TRUE(Get("a/b", "v1", ByteRange{1000, 2004}).ok());
  Result<GetResult> range = Get("a/b", "v1", ByteRange{1000, 2004});
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(inner_.gets.load(), 1);
  EXPECT_EQ(range->data, inner_.objects["a/b"].substr(1000));
  EXPECT_EQ(range->info.size, 3004u);
  ASSERT_TRUE(Get("a/b", "v1").ok());
  EXPECT_EQ(inner_.gets.load(), 2);
}

TEST_F(DiskCachedStoreTest, GetsWithoutIfMatchAndFailuresAreNotCached) {
  ASSERT_TRUE(Get("a/b", "").ok());
  ASSERT_TRUE(Get("a/b", "").ok());
  EXPECT_EQ(inner_.gets.load(), 2);
  for (int i = 0; i < 2; ++i) {
    Result<GetResult> stale = Get("a/b", "v0");
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.status().code(), ErrorCode::kPreconditionFailed);
  }
  EXPECT_EQ(inner_.gets.load(), 4);
  EXPECT_EQ(CacheStats().inserts, 0u);
}

TEST_F(DiskCachedStoreTest, AResponseWithAnotherEtagIsNotCached) {
  inner_.ignore_if_match = true;
  inner_.etag = "v2";  // the object changed, and the server did not check
  ASSERT_TRUE(Get("a/b", "v1").ok());
  ASSERT_TRUE(Get("a/b", "v1").ok());
  EXPECT_EQ(inner_.gets.load(), 2);
  EXPECT_EQ(CacheStats().inserts, 0u);
}

TEST_F(DiskCachedStoreTest, OtherOperationsReachTheInnerStore) {
  ASSERT_TRUE(Await<PutResult>([&](auto done) {
                store_->Put(PutRequest{"c", "data"}, done);
              }).ok());
  EXPECT_EQ(inner_.objects["c"], "data");
  Result<ObjectInfo> head = Await<ObjectInfo>([&](auto done) { store_->Head("c", done); });
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 4u);
  EXPECT_EQ(inner_.heads.load(), 1);
  EXPECT_EQ(store_->Describe(), "counting://");
}

}  // namespace
}  // namespace shoal
