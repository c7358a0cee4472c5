// The read engine's policies against an in-memory fake store: single
// flight, the next-files window, the memory budget, If-Match, order hints
// and direct mode.
#include "engine/read/read_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>

namespace shoal {
namespace {

// Holds objects in memory; completes each GET on the loop on a later turn,
// like a real transport, and records what was asked for.
class FakeStore final : public ObjectStore {
 public:
  explicit FakeStore(EventLoop& loop) : loop_(loop) {}
  std::string Describe() const override { return "fake://"; }
  void Put(PutRequest r, Callback<PutResult> done) override {
    objects_[r.key] = r.data;
    done(PutResult{Etag(r.key)});
  }
  std::string Etag(const std::string& key) {
    return "etag-" + std::to_string(objects_[key].size()) + "-" + objects_[key].substr(0, 4);
  }
  void Get(GetRequest r, Callback<GetResult> done) override {
    gets.push_back(r.key);
    if (r.range) ranged++;
    auto complete = [this, r, done] {
      auto it = objects_.find(r.key);
      if (it == objects_.end()) return done(Status(ErrorCode::kNotFound, r.key));
      if (!r.if_match.empty() && r.if_match != Etag(r.key)) {
        return done(Status(ErrorCode::kPreconditionFailed, r.key + " changed"));
      }
      GetResult g;
      g.data = r.range ? it->second.substr(r.range->offset, r.range->length) : it->second;
      if (short_bodies.contains(r.key)) g.data.resize(g.data.size() / 2);
      g.info.size = it->second.size();
      done(std::move(g));
    };
    if (complete_inline) {
      complete();  // like the file:// store: the callback runs before Get returns
    } else if (hold) {
      held.emplace_back(complete);  // answered when the test says so
    } else {
      loop_.Post(complete);
    }
  }
  bool complete_inline = false;
  bool hold = false;                        // loop thread only
  std::vector<std::function<void()>> held;  // completions held back
  std::set<std::string> short_bodies;       // keys whose bodies arrive cut in half
  void List(ListRequest, Callback<ListPage>) override {}
  void Head(std::string, Callback<ObjectInfo>) override {}
  void Delete(std::string, Callback<Done>) override {}
  void Copy(CopyRequest, Callback<PutResult>) override {}
  void CreateMultipart(std::string, Callback<std::string>) override {}
  void UploadPart(UploadPartRequest, Callback<CompletedPart>) override {}
  void CompleteMultipart(CompleteMultipartRequest, Callback<PutResult>) override {}
  void AbortMultipart(std::string, std::string, Callback<Done>) override {}
  void ListMultipartUploads(ListUploadsRequest, Callback<ListUploadsPage>) override {}
  void UploadPartCopy(UploadPartCopyRequest, Callback<CompletedPart>) override {}
  void Append(AppendRequest, Callback<AppendResult>) override {}

  std::map<std::string, std::string> objects_;
  std::vector<std::string> gets;  // loop thread only
  int ranged = 0;

 private:
  EventLoop& loop_;
};

// Files 1..n in one directory, in order.
class FakeCatalog final : public FileCatalog {
 public:
  FakeCatalog(FakeStore& store, int files, size_t size, const std::string& prefix = "f") {
    for (int i = 1; i <= files; ++i) {
      std::string key = prefix + std::to_string(1000 + i);
      std::string data(size, static_cast<char>('a' + i % 26));
      data[0] = static_cast<char>(i);
      store.objects_[key] = data;
      refs_.push_back(FileRef{static_cast<uint32_t>(i), key, store.Etag(key), size});
    }
  }
  bool File(uint32_t entry, FileRef* out) const override {
    if (entry == 0 || entry > refs_.size()) return false;
    *out = refs_[entry - 1];
    return true;
  }
  std::vector<uint32_t> NextFiles(uint32_t entry, size_t limit) const override {
    std::vector<uint32_t> out;
    for (uint32_t e = entry + 1; e <= refs_.size() && out.size() < limit; ++e) out.push_back(e);
    return out;
  }
  std::vector<FileRef> refs_;
};

class ReadEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.Start().ok()); }
  void TearDown() override { loop_.Stop(); }

  // Reads a whole file and returns its bytes (or the error text).
  static std::string ReadAll(ReadEngine& engine, uint32_t entry, uint64_t size) {
    std::promise<std::string> got;
    engine.Read(entry, 0, size, [&](Result<std::string_view> r) {
      got.set_value(r.ok() ? std::string(*r) : "ERROR " + r.status().ToString());
    });
    return got.get_future().get();
  }
  std::vector<std::string> Gets() {
    std::vector<std::string> copy;
    loop_.RunSync([&] { copy = store_.gets; });
    return copy;
  }

  EventLoop loop_;
  FakeStore store_{loop_};
};

TEST_F(ReadEngineTest, ConcurrentReadsOfOneFileShareOneRequest) {
  FakeCatalog catalog(store_, 3, 5000);
  ReadEngineOptions options;
  options.initial_window = 1;
  ReadEngine engine(loop_, store_, catalog, options);
  std::atomic<int> ok{0};
  std::promise<void> done;
  loop_.Post([&] {
    for (int i = 0; i < 10; ++i) {
      engine.Read(1, static_cast<uint64_t>(i) * 100, 100, [&](Result<std::string_view> r) {
        if (r.ok() && r->size() == 100) ok++;
        if (ok == 10) done.set_value();
      });
    }
  });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::vector<std::string> gets = Gets();
  EXPECT_EQ(std::count(gets.begin(), gets.end(), "f1001"), 1);
}

TEST_F(ReadEngineTest, NextFilesWindowGrowsWhilePrefetchesAreUsed) {
  FakeCatalog catalog(store_, 60, 1000);
  ReadEngineOptions options;
  options.initial_window = 2;
  options.max_window = 16;
  ReadEngine engine(loop_, store_, catalog, options);
  for (uint32_t e = 1; e <= 30; ++e) {
    ASSERT_EQ(ReadAll(engine, e, 1000), store_.objects_[catalog.refs_[e - 1].key]);
  }
  ReadStats s = engine.Stats();
  EXPECT_EQ(s.window, 16u);  // grew from 2 to the maximum
  EXPECT_GE(s.prefetch_hits, 28u);
  EXPECT_GE(s.cache_hits, 20u);  // most reads found their file already there
  EXPECT_EQ(s.prefetch_wasted_bytes, 0u);
  // Each file was fetched once, prefetched ahead of its read.
  std::vector<std::string> gets = Gets();
  EXPECT_EQ(std::set<std::string>(gets.begin(), gets.end()).size(), gets.size());
}

TEST_F(ReadEngineTest, AbandonedStreamsPrefetchesAreEvictedAsWaste) {
  FakeCatalog catalog(store_, 200, 1000);
  ReadEngineOptions options;
  options.memory_budget = 8000;  // room for 8 files
  options.initial_window = 64;
  options.max_window = 64;
  ReadEngine engine(loop_, store_, catalog, options);
  // The reader starts at file 1 (prefetching its neighbours), then leaves
  // for good and reads 100..159: the first stream goes idle, and its unread
  // prefetches give way to the new stream's.
  ReadAll(engine, 1, 1000);
  for (uint32_t e = 100; e < 160; ++e) {
    ASSERT_EQ(ReadAll(engine, e, 1000), store_.objects_[catalog.refs_[e - 1].key]);
  }
  ReadStats s = engine.Stats();
  EXPECT_GT(s.prefetch_wasted_bytes, 0u);
  EXPECT_LE(s.prefetch_wasted_bytes, 7000u);  // at most the first stream's prefetches
  EXPECT_GE(s.prefetch_hits, 40u);            // the new stream prefetched well
  EXPECT_LE(s.peak_bytes_in_use, options.memory_budget);
}

TEST_F(ReadEngineTest, InterleavedReadersEachKeepTheirOwnWindow) {
  // Four readers take turns, one file each, on four slices of a directory,
  // as data-loader workers do. Each is a stream with its own window, so no
  // reader's prefetches push out another's and nothing is fetched twice.
  FakeCatalog catalog(store_, 400, 1000);
  ReadEngineOptions options;
  options.memory_budget = 60000;  // room for 60 files, 15 per reader
  options.initial_window = 4;
  ReadEngine engine(loop_, store_, catalog, options);
  for (uint32_t step = 0; step < 100; ++step) {
    for (uint32_t reader = 0; reader < 4; ++reader) {
      const uint32_t e = 1 + reader * 100 + step;
      ASSERT_EQ(ReadAll(engine, e, 1000), store_.objects_[catalog.refs_[e - 1].key]);
    }
  }
  ReadStats s = engine.Stats();
  EXPECT_EQ(s.streams, 4u);
  EXPECT_EQ(s.prefetch_wasted_bytes, 0u);
  EXPECT_GE(s.prefetch_hits, 390u);
  std::vector<std::string> gets = Gets();
  EXPECT_EQ(std::set<std::string>(gets.begin(), gets.end()).size(), gets.size());
  EXPECT_LE(gets.size(), 400u);
  EXPECT_LE(s.peak_bytes_in_use, options.memory_budget);
}

TEST_F(ReadEngineTest, ReadaheadInsideALargeFileGrowsAndStopsOnSeeks) {
  FakeCatalog catalog(store_, 1, size_t{64} * 1024);
  ReadEngineOptions options;
  options.part_size = 1024;
  options.max_readahead_bytes = uint64_t{8} * 1024;  // at most 8 parts ahead
  ReadEngine engine(loop_, store_, catalog, options);
  const std::string& object = store_.objects_["f1001"];
  auto read = [&](uint64_t offset, uint64_t length) {
    std::promise<std::string> got;
    engine.Read(1, offset, length, [&](Result<std::string_view> r) {
      got.set_value(r.ok() ? std::string(*r) : r.status().ToString());
    });
    return got.get_future().get();
  };
  // Sequential reads of the first 16 KiB, 512 bytes at a time.
  for (uint64_t off = 0; off < uint64_t{16} * 1024; off += 512)
    ASSERT_EQ(read(off, 512), object.substr(off, 512));
  ReadStats sequential = engine.Stats();
  EXPECT_GE(sequential.prefetch_hits, 12u);  // most parts were there before the reader
  int ranged_before = 0;
  loop_.RunSync([&] { ranged_before = store_.ranged; });
  // Random reads far apart: each fetches its own part and nothing ahead.
  for (uint64_t off : {50000u, 30000u, 60000u, 40000u})
    ASSERT_EQ(read(off, 100), object.substr(off, 100));
  int ranged_after = 0;
  loop_.RunSync([&] { ranged_after = store_.ranged; });
  EXPECT_LE(ranged_after - ranged_before, 4 + 8);  // no growing readahead after seeks
}

TEST_F(ReadEngineTest, MemoryStaysWithinBudgetOverTenTimesTheBudget) {
  FakeCatalog catalog(store_, 500, 2000);  // 1,000,000 bytes
  ReadEngineOptions options;
  options.memory_budget = 100000;  // a tenth of the data
  options.initial_window = 8;
  ReadEngine engine(loop_, store_, catalog, options);
  for (uint32_t e = 1; e <= 500; ++e) {
    ASSERT_EQ(ReadAll(engine, e, 2000), store_.objects_[catalog.refs_[e - 1].key]) << e;
  }
  ReadStats s = engine.Stats();
  EXPECT_LE(s.peak_bytes_in_use, options.memory_budget);
  EXPECT_LE(s.bytes_in_use, options.memory_budget);
  EXPECT_GT(s.prefetch_hits, 400u);  // backpressure slowed prefetch but did not stop it
}

// A body shorter than the manifest's size (a server or proxy cut it, with a
// matching Content-Length) fails the read; its bytes are never served.
TEST_F(ReadEngineTest, BodyOfTheWrongLengthIsAnErrorNotData) {
  FakeCatalog catalog(store_, 3, 1000);
  ReadEngineOptions options;
  options.initial_window = 1;
  ReadEngine engine(loop_, store_, catalog, options);
  loop_.RunSync([&] { store_.short_bodies.insert("f1002"); });
  std::string got = ReadAll(engine, 2, 1000);
  EXPECT_NE(got.find("sent 500 bytes where the manifest needs 1000"), std::string::npos) << got;
  loop_.RunSync([&] { store_.short_bodies.clear(); });
  EXPECT_EQ(ReadAll(engine, 2, 1000), store_.objects_["f1002"]);  // fetched again, whole
}

TEST_F(ReadEngineTest, ChangedObjectFailsWithPreconditionFailed) {
  FakeCatalog catalog(store_, 2, 100);
  MemoryLogSink log;
  ReadEngineOptions options;
  options.initial_window = 1;
  options.log = &log;
  ReadEngine engine(loop_, store_, catalog, options);
  loop_.RunSync([&] { store_.objects_["f1002"] = "different contents now"; });
  std::string got = ReadAll(engine, 2, 100);
  EXPECT_NE(got.find("precondition_failed"), std::string::npos) << got;
  got = ReadAll(engine, 2, 100);  // still refused: versions never mix
  EXPECT_NE(got.find("precondition_failed"), std::string::npos) << got;
  EXPECT_EQ(engine.Stats().stale_objects, 2u);
  // Logged once, naming the object.
  std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("warning: object 'f1002' changed"), std::string::npos) << lines[0];
}

TEST_F(ReadEngineTest, OrderHintsArePrefetchedInExactlyThatOrder) {
  FakeCatalog catalog(store_, 20, 100);
  ReadEngineOptions options;
  options.initial_window = 1;
  options.max_window = 1;
  ReadEngine engine(loop_, store_, catalog, options);
  std::vector<uint32_t> order = {17, 3, 11, 5, 20, 1, 8};
  engine.Hint(order);
  loop_.RunSync([] {});
  std::vector<std::string> gets = Gets();
  ASSERT_GE(gets.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(gets[i], catalog.refs_[order[i] - 1].key) << i;
  }
  for (uint32_t e : order) ReadAll(engine, e, 100);
  EXPECT_GE(engine.Stats().prefetch_hits, order.size());
}

// A second epoch is prefetched like the first, in directory order and with
// an order hint, although every file was read (and evicted) before.
TEST_F(ReadEngineTest, SecondEpochIsPrefetchedAgain) {
  FakeCatalog catalog(store_, 100, 1000);
  ReadEngineOptions options;
  options.memory_budget = 10000;     // room for 10 files: the first epoch is evicted
  options.retain_read_bytes = 5000;  // as a mount does: the kernel keeps what was read
  options.initial_window = 4;
  options.max_window = 4;
  ReadEngine engine(loop_, store_, catalog, options);
  for (int epoch = 1; epoch <= 2; ++epoch) {
    const uint64_t hits_before = engine.Stats().prefetch_hits;
    for (uint32_t e = 1; e <= 100; ++e) ASSERT_FALSE(ReadAll(engine, e, 1000).empty());
    EXPECT_GE(engine.Stats().prefetch_hits - hits_before, 90u) << "epoch " << epoch;
  }
  std::vector<uint32_t> order;  // the next epoch, shuffled and announced
  for (uint32_t e = 1; e <= 100; ++e) order.push_back(e);
  // NOLINTNEXTLINE(cert-msc51-cpp): a fixed seed, so a failure reproduces
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  const uint64_t hits_before = engine.Stats().prefetch_hits;
  engine.Hint(order);
  for (uint32_t e : order) ASSERT_FALSE(ReadAll(engine, e, 1000).empty());
  EXPECT_GE(engine.Stats().prefetch_hits - hits_before, 90u) << "hinted epoch";
}

// A hint of many files keeps only a few GETs waiting at once, so a read
// that needs a file now does not queue behind the whole hint; the hint
// still runs to its end as those complete.
TEST_F(ReadEngineTest, AnOrderHintKeepsFewGetsWaitingAtOnce) {
  FakeCatalog catalog(store_, 1000, 100);
  ReadEngineOptions options;
  options.max_hinted_in_flight = 16;
  options.initial_window = 1;
  options.max_window = 1;
  ReadEngine engine(loop_, store_, catalog, options);
  loop_.RunSync([&] { store_.hold = true; });
  std::vector<uint32_t> order;
  for (uint32_t e = 1000; e >= 1; --e) order.push_back(e);
  engine.Hint(order);
  loop_.RunSync([] {});
  EXPECT_EQ(Gets().size(), 16u);
  loop_.RunSync([&] {
    store_.hold = false;
    auto held = std::move(store_.held);
    for (auto& complete : held) complete();
  });
  for (uint32_t e : order)
    ASSERT_EQ(ReadAll(engine, e, 100), store_.objects_[catalog.refs_[e - 1].key]);
  EXPECT_EQ(Gets().size(), 1000u);  // every file once
  EXPECT_GE(engine.Stats().prefetch_hits, 990u);
}

TEST_F(ReadEngineTest, DirectModeFetchesExactlyWhatIsRead) {
  FakeCatalog catalog(store_, 5, 10000);
  ReadEngineOptions options;
  options.direct = true;
  ReadEngine engine(loop_, store_, catalog, options);
  std::promise<std::string> got;
  engine.Read(2, 500, 100, [&](Result<std::string_view> r) { got.set_value(std::string(*r)); });
  EXPECT_EQ(got.get_future().get(), store_.objects_["f1002"].substr(500, 100));
  ReadAll(engine, 2, 10000);
  ReadStats s = engine.Stats();
  EXPECT_EQ(s.requests, 2u);  // no cache: the second read fetched again
  EXPECT_EQ(s.prefetched_parts, 0u);
  EXPECT_EQ(s.bytes_in_use, 0u);
  loop_.RunSync([&] { EXPECT_EQ(store_.ranged, 2); });
}

TEST_F(ReadEngineTest, WorksWithAStoreThatCompletesInline) {
  store_.complete_inline = true;
  FakeCatalog catalog(store_, 40, 3000);
  ReadEngineOptions options;
  options.part_size = 1024;  // several parts per file, fetched inline too
  ReadEngine engine(loop_, store_, catalog, options);
  for (uint32_t e = 1; e <= 40; ++e) {
    ASSERT_EQ(ReadAll(engine, e, 3000), store_.objects_[catalog.refs_[e - 1].key]) << e;
  }
  EXPECT_GT(engine.Stats().prefetch_hits, 30u);
}

// A store that answers inline (file://, or any GET that fails before it is
// sent) must not make an order hint recurse once per hinted file: 100,000
// small files would overflow the loop thread's stack.
TEST_F(ReadEngineTest, ALongHintOverAnInlineStoreDoesNotRecursePerFile) {
  store_.complete_inline = true;
  FakeCatalog catalog(store_, 100000, 8);
  ReadEngineOptions options;
  options.max_hinted_in_flight = 4;
  ReadEngine engine(loop_, store_, catalog, options);
  std::vector<uint32_t> order;
  for (uint32_t e = 100000; e >= 1; --e) order.push_back(e);
  engine.Hint(order);
  loop_.RunSync([] {});
  EXPECT_EQ(Gets().size(), 100000u);
  EXPECT_EQ(ReadAll(engine, 1, 8), store_.objects_[catalog.refs_[0].key]);
}

TEST_F(ReadEngineTest, DestroyedWithFetchesInFlight) {
  FakeCatalog catalog(store_, 300, 1000);
  std::atomic<int> callbacks{0}, cancelled{0};
  {
    ReadEngineOptions options;
    options.initial_window = 64;
    ReadEngine engine(loop_, store_, catalog, options);
    engine.Hint({5, 6, 7, 8, 9});
    loop_.Post([&] {
      for (uint32_t e = 1; e <= 40; ++e) {
        engine.Read(e, 0, 1000, [&](const Result<std::string_view>& r) {
          callbacks++;
          if (!r.ok() && r.status().code() == ErrorCode::kCancelled) cancelled++;
        });
      }
    });
    // The engine goes away while its GETs (and the posted completions of
    // the fake store) are still queued on the loop.
  }
  ASSERT_TRUE(loop_.RunSync([] {}));
  ASSERT_TRUE(loop_.RunSync([] {}));
  EXPECT_EQ(callbacks.load(), 40);  // every read completed exactly once
}

TEST_F(ReadEngineTest, LargeFilesAreReadInPartsAcrossBoundaries) {
  FakeCatalog catalog(store_, 1, 10000);
  ReadEngineOptions options;
  options.part_size = 4096;
  ReadEngine engine(loop_, store_, catalog, options);
  std::promise<std::string> got;
  engine.Read(1, 4000, 5000, [&](Result<std::string_view> r) { got.set_value(std::string(*r)); });
  EXPECT_EQ(got.get_future().get(), store_.objects_["f1001"].substr(4000, 5000));
  EXPECT_EQ(ReadAll(engine, 1, 10000), store_.objects_["f1001"]);
  loop_.RunSync([&] { EXPECT_EQ(store_.ranged, 3); });  // parts 0, 1, 2 fetched once each
}

TEST_F(ReadEngineTest, KeepsOnlyRetainReadBytesOfPartsAlreadyRead) {
  FakeCatalog catalog(store_, 100, 1000);
  ReadEngineOptions options;
  options.memory_budget = 100000;     // room for everything
  options.retain_read_bytes = 10000;  // but keep only ten files once read
  options.initial_window = 4;
  options.max_window = 4;
  ReadEngine engine(loop_, store_, catalog, options);
  for (uint32_t e = 1; e <= 60; ++e) {
    ASSERT_EQ(ReadAll(engine, e, 1000), store_.objects_[catalog.refs_[e - 1].key]);
  }
  ReadStats s = engine.Stats();
  // Ten read files plus the four prefetched ahead of the reader.
  EXPECT_LE(s.bytes_in_use, 10000u + 4 * 1000u);
  EXPECT_EQ(s.prefetch_wasted_bytes, 0u);
  EXPECT_GE(s.prefetch_hits, 55u);
  // The most recent file is still cached; an early one was let go.
  const size_t gets_before = Gets().size();
  ReadAll(engine, 60, 1000);
  EXPECT_EQ(Gets().size(), gets_before);
  // Reading it again fetches it (first), and as the start of a new pass
  // prefetches its next files again.
  ReadAll(engine, 1, 1000);
  const std::vector<std::string> gets = Gets();
  ASSERT_GT(gets.size(), gets_before);
  EXPECT_EQ(gets[gets_before], catalog.refs_[0].key);
}

TEST_F(ReadEngineTest, FilesOpenedBeforeACatalogSwapKeepTheirVersion) {
  auto before = std::make_shared<FakeCatalog>(store_, 5, 700, "old");
  auto after = std::make_shared<FakeCatalog>(store_, 5, 900, "new");
  ReadEngine engine(loop_, store_, before, ReadEngineOptions{});
  FileRef opened;
  ASSERT_TRUE(engine.Resolve(2, &opened));
  EXPECT_EQ(opened.key, "old1002");
  engine.SwapCatalog(after);
  // The handle opened before still reads the old object...
  std::promise<std::string> old_bytes;
  engine.Read(opened, 0, 700, [&](Result<std::string_view> r) {
    old_bytes.set_value(r.ok() ? std::string(*r) : r.status().ToString());
  });
  EXPECT_EQ(old_bytes.get_future().get(), store_.objects_["old1002"]);
  // ...while the entry number now names the new snapshot's file.
  EXPECT_EQ(ReadAll(engine, 2, 900), store_.objects_["new1002"]);
  FileRef now;
  ASSERT_TRUE(engine.Resolve(2, &now));
  EXPECT_EQ(now.key, "new1002");
  EXPECT_NE(now.generation, opened.generation);
}

}  // namespace
}  // namespace shoal
