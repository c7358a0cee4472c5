// Behaviour specific to the file:// backend.
#include "engine/store/file/file_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "engine/store/await.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shoal-file-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    store_ = std::move(*FileStore::Open(root_));
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string root_;
  std::unique_ptr<FileStore> store_;
};

TEST_F(FileStoreTest, EmptyDirectoriesAppearAsMarkers) {
  fs::create_directories(root_ + "/a/empty");
  std::ofstream(root_ + "/a/file") << "x";
  Result<std::vector<ObjectInfo>> all = ListAll(*store_, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].key, "a/empty/");
  EXPECT_EQ((*all)[1].key, "a/file");
}

TEST_F(FileStoreTest, KeysThatWouldEscapeAreRefused) {
  for (const char* key : {"../escape", "a/../../x", "/etc/passwd", "a//b"}) {
    Result<PutResult> r = Await<PutResult>([&](auto done) { store_->Put({key, "x"}, done); });
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(key), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(fs::path(root_).parent_path() / "escape"));
}

TEST_F(FileStoreTest, FileAndDirectoryConflictIsExplained) {
  ASSERT_TRUE(Await<PutResult>([&](auto done) { store_->Put({"a", "x"}, done); }).ok());
  Result<PutResult> r = Await<PutResult>([&](auto done) { store_->Put({"a/b", "y"}, done); });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot also be a directory"), std::string::npos);
}

TEST_F(FileStoreTest, DeletingLastKeyRemovesEmptyParents) {
  ASSERT_TRUE(Await<PutResult>([&](auto done) { store_->Put({"x/y/z", "1"}, done); }).ok());
  ASSERT_TRUE(Await<Done>([&](auto done) { store_->Delete("x/y/z", done); }).ok());
  EXPECT_FALSE(fs::exists(root_ + "/x"));
  EXPECT_TRUE(ListAll(*store_, "")->empty());
}

TEST_F(FileStoreTest, MissingRootIsAClearError) {
  auto missing = FileStore::Open(root_ + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

// A subtree the lister cannot open must fail the listing: skipping it
// would give an index with a silent gap. Here the directories exist but
// their full path is longer than PATH_MAX (root can open anything else).
TEST_F(FileStoreTest, ADirectoryThatCannotBeOpenedFailsTheListing) {
  const std::string name(200, 'd');
  std::vector<int> fds{::open(root_.c_str(), O_DIRECTORY | O_CLOEXEC)};
  while (fds.size() <= 22) {  // 22 levels of 201 bytes: over 4096
    ASSERT_EQ(::mkdirat(fds.back(), name.c_str(), 0755), 0);
    fds.push_back(::openat(fds.back(), name.c_str(), O_DIRECTORY | O_CLOEXEC));
    ASSERT_GE(fds.back(), 0);
  }
  const int file = ::openat(fds.back(), "deep", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(file, 0);
  ::close(file);
  std::ofstream(root_ + "/shallow") << "x";

  Result<std::vector<ObjectInfo>> all = ListAll(*store_, "");
  EXPECT_FALSE(all.ok());
  if (!all.ok()) {
    EXPECT_NE(all.status().message().find("cannot list"), std::string::npos);
    EXPECT_NE(all.status().message().find(std::strerror(ENAMETOOLONG)), std::string::npos)
        << all.status().message().substr(0, 200);
  }
  // Taken down level by level: remove_all would need the long paths too.
  EXPECT_EQ(::unlinkat(fds.back(), "deep", 0), 0);
  for (size_t i = fds.size() - 1; i > 0; --i) {
    ::close(fds[i]);
    EXPECT_EQ(::unlinkat(fds[i - 1], name.c_str(), AT_REMOVEDIR), 0);
  }
  ::close(fds[0]);
}

// Appenders racing for the same object: every append lands whole, once,
// and a loser learns of it as kPositionMismatch.
TEST_F(FileStoreTest, ConcurrentAppendsLandWholeAndInOrder) {
  constexpr int kThreads = 4;
  constexpr int kRecordsEach = 40;
  constexpr size_t kRecord = 4096;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::vector<int> conflicts(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint64_t position = 0;
      for (int i = 0; i < kRecordsEach;) {
        std::string record(kRecord, static_cast<char>(t * kRecordsEach + i));
        Result<AppendResult> r = Await<AppendResult>([&](auto done) {
          store_->Append(AppendRequest{"race", position, record}, done);
        });
        if (r.ok()) {
          position = r->next_position;
          ++i;
          continue;
        }
        ASSERT_EQ(r.status().code(), ErrorCode::kPositionMismatch) << r.status().ToString();
        ++conflicts[t];
        Result<ObjectInfo> head = Await<ObjectInfo>([&](auto done) { store_->Head("race", done); });
        position = head.ok() ? head->size : 0;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  Result<GetResult> got = Await<GetResult>([&](auto done) {
    store_->Get(GetRequest{"race", std::nullopt, ""}, done);
  });
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->data.size(), static_cast<size_t>(kThreads) * kRecordsEach * kRecord);
  std::vector<int> next_record(kThreads, 0);
  for (size_t offset = 0; offset < got->data.size(); offset += kRecord) {
    const std::string record = got->data.substr(offset, kRecord);
    ASSERT_EQ(record, std::string(kRecord, record[0])) << "torn record at " << offset;
    const int id = static_cast<unsigned char>(record[0]);
    const int t = id / kRecordsEach;
    ASSERT_EQ(id % kRecordsEach, next_record[t]++) << "thread " << t << " out of order";
  }
}

TEST_F(FileStoreTest, AppendFollowsAReplacedObject) {
  auto append = [&](uint64_t position, std::string data) {
    return Await<AppendResult>([&](auto done) {
      store_->Append(AppendRequest{"log", position, data}, done);
    });
  };
  ASSERT_TRUE(append(0, "old").ok());
  ASSERT_TRUE(Await<PutResult>([&](auto done) { store_->Put({"log", "fresh"}, done); }).ok());
  EXPECT_EQ(append(3, "!").status().code(), ErrorCode::kPositionMismatch);
  Result<AppendResult> r = append(5, "!");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->next_position, 6u);
  std::ifstream in(root_ + "/log");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "fresh!");
}

}  // namespace
}  // namespace shoal
