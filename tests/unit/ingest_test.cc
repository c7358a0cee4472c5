// shoal ingest's engine: the journal round-trips and refuses damage; an
// ingest of growing files into a file:// bucket appends every byte exactly
// once, rolls by size, and a crash between journaling an append and
// recording it (either side of the append landing) resumes with nothing
// missing and nothing duplicated. Also the copy strategy of ObjectAppender.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/store/await.h"
#include "engine/store/file/file_store.h"
#include "engine/write/append_session.h"
#include "engine/write/ingester.h"
#include "engine/write/object_appender.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

TEST(IngestJournal, RoundTripsAndRefusesDamage) {
  IngestJournal journal;
  IngestSourceState a;
  a.source = "/var/log/app.log";
  a.source_offset = 12345;
  a.object_key = "logs/app.log/20261126T000000Z-000001.log";
  a.object_position = 999;
  a.object_started = 1790000000;
  a.sequence = 1;
  a.pending = true;
  a.pending_length = 77;
  IngestSourceState b;
  b.source = "-";
  b.pending_data = std::string("x\0y\n", 4);
  journal.sources = {a, b};
  const std::string bytes = EncodeIngestJournal(journal);
  Result<IngestJournal> back = DecodeIngestJournal(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->sources, journal.sources);
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string damaged = bytes;
    damaged[at] ^= 0x01;
    EXPECT_FALSE(DecodeIngestJournal(damaged).ok()) << at;
  }
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "bucket");
    auto store = FileStore::Open((dir_.path() / "bucket").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    log_path_ = (dir_.path() / "app.log").string();
    options_.prefix = "logs/";
    options_.journal_path = (dir_.path() / "journal").string();
    options_.follow = false;
  }
  void AppendToLog(const std::string& bytes) {
    std::ofstream out(log_path_, std::ios::binary | std::ios::app);
    out << bytes;
  }
  // Every object under logs/, concatenated in key order.
  std::string Ingested(size_t* objects = nullptr) {
    auto all = ListAll(*store_, "logs/");
    EXPECT_TRUE(all.ok());
    std::string out;
    for (const ObjectInfo& o : *all) {
      GetRequest get;
      get.key = o.key;
      auto got = Await<GetResult>([&](auto d) { store_->Get(get, d); });
      EXPECT_TRUE(got.ok());
      out += got->data;
    }
    if (objects != nullptr) *objects = all->size();
    return out;
  }
  Status RunOnce() {
    ObjectAppender appender(*store_, AppendStrategy::kAuto, {});
    Ingester ingester(*store_, appender, options_, log_);
    if (Status s = ingester.AddSource(log_path_, "app"); !s.ok()) return s;
    if (Status s = ingester.Resume(); !s.ok()) return s;
    std::atomic<bool> stop{false};
    return ingester.Run(stop);
  }

  testing::TempDir dir_{"ingest"};
  std::unique_ptr<FileStore> store_;
  std::string log_path_;
  IngestOptions options_;
  MemoryLogSink log_;
};

TEST_F(IngestTest, EveryByteOnceAcrossRunsAndRolls) {
  options_.roll_bytes = 1000;
  std::string expected;
  for (int run = 0; run < 4; ++run) {
    const std::string more(700 + run, static_cast<char>('a' + run));
    AppendToLog(more);
    expected += more;
    ASSERT_TRUE(RunOnce().ok());
  }
  size_t objects = 0;
  EXPECT_EQ(Ingested(&objects), expected);
  EXPECT_EQ(objects, 3u);  // 2806 bytes: 1000, 1000 and 806
}

TEST_F(IngestTest, ACrashedAppendIsSettledByTheObjectsLength) {
  AppendToLog("first line\n");
  ASSERT_TRUE(RunOnce().ok());
  AppendToLog("second line\n");
  // A crash after journaling the intent: once before the append landed,
  // once after. Both resume to the same bytes.
  for (bool landed : {false, true}) {
    SCOPED_TRACE(landed);
    const std::string journal_copy = (dir_.path() / "journal.copy").string();
    fs::copy_file(options_.journal_path, journal_copy, fs::copy_options::overwrite_existing);
    Result<IngestJournal> journal = LoadIngestJournal(options_.journal_path);
    ASSERT_TRUE(journal.ok());
    IngestSourceState& state = journal->sources.at(0);
    state.pending = true;
    state.pending_length = 12;  // "second line\n"
    ASSERT_TRUE(SaveIngestJournal(options_.journal_path, *journal).ok());
    if (landed) {
      AppendRequest append{state.object_key, state.object_position, "second line\n"};
      ASSERT_TRUE(Await<AppendResult>([&](auto d) { store_->Append(append, d); }).ok());
    }
    ASSERT_TRUE(RunOnce().ok());
    EXPECT_EQ(Ingested(), "first line\nsecond line\n");
    // Undo for the next round: the object and the journal as before.
    if (!landed) {
      ASSERT_TRUE(Await<Done>([&](auto d) { store_->Delete(state.object_key, d); }).ok());
      ASSERT_TRUE(Await<PutResult>([&](auto d) {
                    store_->Put({state.object_key, "first line\n"}, d);
                  }).ok());
      fs::copy_file(journal_copy, options_.journal_path, fs::copy_options::overwrite_existing);
    }
  }
}

TEST_F(IngestTest, ObjectChangedBySomeoneElseIsReportedNotOverwritten) {
  AppendToLog("abc");
  ASSERT_TRUE(RunOnce().ok());
  Result<IngestJournal> journal = LoadIngestJournal(options_.journal_path);
  ASSERT_TRUE(journal.ok());
  const std::string key = journal->sources.at(0).object_key;
  ASSERT_TRUE(Await<PutResult>([&](auto d) {
                store_->Put({key, "something else entirely"}, d);
              }).ok());
  AppendToLog("def");
  Status s = RunOnce();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kPositionMismatch) << s.ToString();
}

TEST_F(IngestTest, ATruncatedSourceAndADuplicateSourceAreRefusedByName) {
  AppendToLog("0123456789");
  ASSERT_TRUE(RunOnce().ok());
  ASSERT_EQ(::truncate(log_path_.c_str(), 4), 0);  // rotated by copytruncate
  Status s = RunOnce();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("truncated or rotated"), std::string::npos) << s.ToString();
  ObjectAppender appender(*store_, AppendStrategy::kAuto, {});
  Ingester ingester(*store_, appender, options_, log_);
  ASSERT_TRUE(ingester.AddSource(log_path_, "app").ok());
  EXPECT_FALSE(ingester.AddSource(log_path_, "again").ok());
}

// Two app.log files from different directories would both roll into
// logs/app.log/...; the second is refused by name before anything is read.
TEST_F(IngestTest, TwoSourcesWithOneNameOrAPathAsANameAreRefused) {
  fs::create_directories(dir_.path() / "other");
  const std::string other_log = (dir_.path() / "other" / "app.log").string();
  std::ofstream(other_log) << "x";
  AppendToLog("y");
  ObjectAppender appender(*store_, AppendStrategy::kAuto, {});
  Ingester ingester(*store_, appender, options_, log_);
  ASSERT_TRUE(ingester.AddSource(log_path_, "app.log").ok());
  Status s = ingester.AddSource(other_log, "app.log");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("both write under 'app.log/'"), std::string::npos) << s.ToString();
  for (const char* name : {"", ".", "..", "a/b", "x\ny"}) {
    EXPECT_FALSE(ingester.AddSource(other_log, name).ok()) << name;
  }
  EXPECT_TRUE(ingester.AddSource(other_log, "app.log.2").ok());
}

TEST_F(IngestTest, SpooledAppendsResumeFromTheirRecordedProgress) {
  testing::TempDir spool_dir("ingest-spool");
  EventLoop loop;
  ASSERT_TRUE(loop.Start().ok());
  auto spool = Spool::Open(loop, {spool_dir.path().string(), false});
  ASSERT_TRUE(spool.ok());
  ObjectAppender appender(*store_, AppendStrategy::kAuto, {});
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store_->Put({"log", "base-"}, d); }).ok());
  auto entry = (*spool)->Create({"log", SpoolRecord::Mode::kAppend, 5, ""});
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE((*entry)->Append("abcdef").ok());
  // "ab" landed earlier; "cdef" was in flight when the writer died, and
  // two of its bytes landed (a multi-chunk append cut short).
  ASSERT_TRUE((*entry)->RecordAppend({7, 2, 4}).ok());
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store_->Put({"log", "base-abcd"}, d); }).ok());
  ASSERT_TRUE(FinishSpooledAppend(appender, **entry, 9).ok());
  GetRequest get;
  get.key = "log";
  auto got = Await<GetResult>([&](auto d) { store_->Get(get, d); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, "base-abcdef");
  // Done already: nothing more. Someone else's length: refused.
  EXPECT_TRUE(FinishSpooledAppend(appender, **entry, 11).ok());
  Status changed = FinishSpooledAppend(appender, **entry, 6);
  EXPECT_EQ(changed.code(), ErrorCode::kPositionMismatch) << changed.ToString();
}

TEST_F(IngestTest, CopyStrategyAppendsToPlainObjectsSmallAndLarge) {
  ObjectAppender appender(*store_, AppendStrategy::kCopy, {});
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store_->Put({"small", "12345"}, d); }).ok());
  Result<uint64_t> grown = appender.Append("small", 5, "678");
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_EQ(*grown, 8u);
  const std::string big(6u << 20, 'b');
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store_->Put({"big", big}, d); }).ok());
  grown = appender.Append("big", big.size(), "tail");  // UploadPartCopy + a part
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  GetRequest get;
  get.key = "big";
  auto got = Await<GetResult>([&](auto d) { store_->Get(get, d); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, big + "tail");
  Result<uint64_t> wrong = appender.Append("small", 3, "x");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kPositionMismatch);
}

}  // namespace
}  // namespace shoal
