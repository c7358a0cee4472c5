// The write spool: records round-trip and refuse damage; entries hold their
// bytes across a "crash" (the Spool object dropped without Remove), are
// handed back as leftovers exactly once, and a removed entry never returns.
#include "engine/write/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

TEST(SpoolRecord, RoundTripsOddKeysAndRefusesEveryDamage) {
  SpoolRecord record;
  record.key = std::string("logs/a\nb\0c/\xff.log", 16);
  record.mode = SpoolRecord::Mode::kAppend;
  record.base_size = 123456789012ull;
  record.base_etag = "0123456789abcdef0123456789abcdef";
  const std::string bytes = EncodeSpoolRecord(record);
  Result<SpoolRecord> back = DecodeSpoolRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, record);
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] ^= 0x20;
    EXPECT_EQ(DecodeSpoolRecord(damaged).status().code(), ErrorCode::kCorrupt) << at;
  }
  for (size_t keep = 0; keep < bytes.size(); ++keep) {
    EXPECT_FALSE(DecodeSpoolRecord(bytes.substr(0, keep)).ok()) << keep;
  }
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(loop_.Start().ok()); }
  Result<std::unique_ptr<Spool>> OpenSpool() {
    return Spool::Open(loop_, {dir_.path().string(), true});
  }

  testing::TempDir dir_{"spool"};
  EventLoop loop_;
};

TEST_F(SpoolTest, BytesSurviveTheWriterAndComeBackOnce) {
  SpoolRecord record{"ckpt/model.pt", SpoolRecord::Mode::kReplace, 0, ""};
  {
    auto spool = OpenSpool();
    ASSERT_TRUE(spool.ok()) << spool.status().ToString();
    auto leftovers = (*spool)->TakeLeftovers();
    ASSERT_TRUE(leftovers.ok());
    EXPECT_TRUE(leftovers->entries.empty());
    auto entry = (*spool)->Create(record);
    ASSERT_TRUE(entry.ok()) << entry.status().ToString();
    ASSERT_TRUE((*entry)->Append("hello ").ok());
    ASSERT_TRUE((*entry)->Append(std::string(100000, 'x')).ok());
    EXPECT_EQ((*entry)->size(), 100006u);
    auto committed = (*spool)->Create({"done", SpoolRecord::Mode::kReplace, 0, ""});
    ASSERT_TRUE(committed.ok());
    ASSERT_TRUE((*committed)->Append("gone").ok());
    ASSERT_TRUE((*committed)->Remove().ok());
    // The writer "crashes": nothing else is removed.
  }
  auto spool = OpenSpool();
  ASSERT_TRUE(spool.ok());
  auto leftovers = (*spool)->TakeLeftovers();
  ASSERT_TRUE(leftovers.ok());
  ASSERT_EQ(leftovers->entries.size(), 1u);
  EXPECT_TRUE(leftovers->unreadable.empty());
  SpoolEntry& entry = *leftovers->entries[0];
  EXPECT_EQ(entry.record(), record);
  ASSERT_EQ(entry.size(), 100006u);
  auto head = entry.Read(0, 6);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, "hello ");
  auto tail = entry.Read(100000, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "xxxxxx");
  ASSERT_TRUE(entry.Remove().ok());
  leftovers->entries.clear();
  spool->reset();
  auto again = OpenSpool();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->TakeLeftovers()->entries.empty());
}

TEST_F(SpoolTest, OneWriterAtATime) {
  auto first = OpenSpool();
  ASSERT_TRUE(first.ok());
  auto second = OpenSpool();
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use by another shoal writer"), std::string::npos);
}

TEST_F(SpoolTest, ADamagedRecordIsReportedAndKept) {
  {
    auto spool = OpenSpool();
    ASSERT_TRUE(spool.ok());
    auto entry = (*spool)->Create({"k", SpoolRecord::Mode::kReplace, 0, ""});
    ASSERT_TRUE(entry.ok());
    ASSERT_TRUE((*entry)->Append("data").ok());
    const std::string rec = dir_.path().string() + "/entries/" + (*entry)->id() + ".rec";
    ASSERT_EQ(::truncate(rec.c_str(), 5), 0);
  }
  auto spool = OpenSpool();
  ASSERT_TRUE(spool.ok());
  auto leftovers = (*spool)->TakeLeftovers();
  ASSERT_TRUE(leftovers.ok());
  EXPECT_TRUE(leftovers->entries.empty());
  ASSERT_EQ(leftovers->unreadable.size(), 1u);
  EXPECT_NE(leftovers->unreadable[0].find("spool record"), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path() / "entries"),
                          std::filesystem::directory_iterator()),
            2);  // both files kept for a human
}

TEST_F(SpoolTest, ACommitSupersedesOlderEntriesOfItsKeyAndIdsKeepTheirOrder) {
  std::string newest_id;
  {
    auto spool = OpenSpool();
    ASSERT_TRUE(spool.ok());
    // A failed write of k (its entry stays), then a successful one.
    auto failed = (*spool)->Create({"k", SpoolRecord::Mode::kReplace, 0, ""});
    ASSERT_TRUE(failed.ok());
    ASSERT_TRUE((*failed)->Append("stale").ok());
    auto other = (*spool)->Create({"other", SpoolRecord::Mode::kReplace, 0, ""});
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE((*other)->Append("keep").ok());
    auto newer = (*spool)->Create({"k", SpoolRecord::Mode::kReplace, 0, ""});
    ASSERT_TRUE(newer.ok());
    ASSERT_TRUE((*newer)->Append("fresh").ok());
    EXPECT_LT((*failed)->id(), (*newer)->id());
    (*newer)->SupersedeOlder();  // k's fresh bytes are in the bucket
    newest_id = (*newer)->id();
  }
  auto spool = OpenSpool();
  ASSERT_TRUE(spool.ok());
  auto leftovers = (*spool)->TakeLeftovers();
  ASSERT_TRUE(leftovers.ok());
  ASSERT_EQ(leftovers->entries.size(), 2u);  // "other", and k's newest (not removed yet)
  EXPECT_EQ(leftovers->entries[0]->record().key, "other");
  EXPECT_EQ(leftovers->entries[1]->id(), newest_id);
  // Ids go on from the largest found, whatever the clock says.
  auto next = (*spool)->Create({"n", SpoolRecord::Mode::kReplace, 0, ""});
  ASSERT_TRUE(next.ok());
  EXPECT_GT((*next)->id(), newest_id);
  // Deleting k supersedes every entry of it.
  (*spool)->Supersede("k", "");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "entries" / (newest_id + ".rec")));
}

TEST_F(SpoolTest, AppendProgressIsDurableAndChecked) {
  auto spool = OpenSpool();
  ASSERT_TRUE(spool.ok());
  auto entry = (*spool)->Create({"log", SpoolRecord::Mode::kAppend, 10, ""});
  ASSERT_TRUE(entry.ok());
  auto none = (*entry)->LastAppend();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE((*entry)->RecordAppend({12, 2, 5}).ok());
  auto last = (*entry)->LastAppend();
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ(**last, (AppendProgress{12, 2, 5}));
  std::string bytes = EncodeAppendProgress({1, 2, 3});
  bytes[10] ^= 1;
  EXPECT_FALSE(DecodeAppendProgress(bytes).ok());
}

TEST_F(SpoolTest, ClearForgetsTheBytes) {
  auto spool = OpenSpool();
  ASSERT_TRUE(spool.ok());
  auto entry = (*spool)->Create({"k", SpoolRecord::Mode::kReplace, 0, ""});
  ASSERT_TRUE(entry.ok());
  ASSERT_TRUE((*entry)->Append("abc").ok());
  ASSERT_TRUE((*entry)->Clear().ok());
  EXPECT_EQ((*entry)->size(), 0u);
  ASSERT_TRUE((*entry)->Append("d").ok());
  EXPECT_EQ(*(*entry)->Read(0, 10), "d");
}

}  // namespace
}  // namespace shoal
