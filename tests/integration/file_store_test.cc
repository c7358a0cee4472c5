// Behaviour specific to the file:// backend.
#include "engine/store/file/file_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

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

}  // namespace
}  // namespace shoal
