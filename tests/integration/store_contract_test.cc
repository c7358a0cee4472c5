// The ObjectStore contract: the same cases run against the file:// backend
// and against a real S3 server (Ceph RGW started by the CTest fixture).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <thread>

#include "engine/loop/event_loop.h"
#include "engine/store/await.h"
#include "engine/store/file/file_store.h"
#include "engine/store/file/uring_file_store.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual ObjectStore& store() = 0;
};

class FileBackend final : public Backend {
 public:
  FileBackend() {
    char tmpl[] = "/tmp/shoal-contract-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    store_ = std::move(*FileStore::Open(root_));
  }
  ~FileBackend() override { std::filesystem::remove_all(root_); }
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;
  ObjectStore& store() override { return *store_; }
  FileStore& file_store() { return *store_; }

 private:
  std::string root_;
  std::unique_ptr<FileStore> store_;
};

// The same directory read through the ring, as the read engine does.
class UringFileBackend final : public Backend {
 public:
  UringFileBackend() : uring_(StartedLoop(loop_), files_.file_store()) {}
  ~UringFileBackend() override { loop_.Stop(); }
  UringFileBackend(const UringFileBackend&) = delete;
  UringFileBackend& operator=(const UringFileBackend&) = delete;
  ObjectStore& store() override { return uring_; }

 private:
  static EventLoop& StartedLoop(EventLoop& loop) {
    EXPECT_TRUE(loop.Start().ok());
    return loop;
  }
  FileBackend files_;
  EventLoop loop_;
  UringFileStore uring_;
};

class S3Backend final : public Backend {
 public:
  explicit S3Backend(const testing::RgwEnv& env) : bucket_(env) {}
  ObjectStore& store() override { return bucket_.store(); }

 private:
  testing::TestBucket bucket_;
};

class ObjectStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "file") {
      backend_ = std::make_unique<FileBackend>();
      return;
    }
    if (GetParam() == "file_uring") {
      backend_ = std::make_unique<UringFileBackend>();
      return;
    }
    std::optional<testing::RgwEnv> env = testing::LoadRgwEnv();
    if (!env) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    backend_ = std::make_unique<S3Backend>(*env);
  }

  ObjectStore& store() { return backend_->store(); }

  void Put(const std::string& key, const std::string& data) {
    Result<PutResult> r = Await<PutResult>([&](auto done) { store().Put({key, data}, done); });
    ASSERT_TRUE(r.ok()) << key << ": " << r.status().ToString();
  }

  Result<GetResult> Get(const std::string& key, std::optional<ByteRange> range = std::nullopt,
                        std::string if_match = "") {
    return Await<GetResult>([&](auto done) {
      store().Get(GetRequest{key, range, if_match}, done);
    });
  }

  Result<ObjectInfo> Head(const std::string& key) {
    return Await<ObjectInfo>([&](auto done) { store().Head(key, done); });
  }

  Result<AppendResult> Append(const std::string& key, uint64_t position, const std::string& data) {
    return Await<AppendResult>([&](auto done) { store().Append({key, position, data}, done); });
  }

  Result<CompletedPart> UploadPartCopy(UploadPartCopyRequest request) {
    return Await<CompletedPart>([&](auto done) { store().UploadPartCopy(request, done); });
  }

  static bool IsFileBackend() { return GetParam() != "s3"; }

  std::unique_ptr<Backend> backend_;
};

std::string Pattern(size_t size, char seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + (i * 131) % 251);
  return s;
}

TEST_P(ObjectStoreContract, PutHeadGetDelete) {
  const std::string data = Pattern(3000, 'a');
  Put("dir/file.bin", data);
  Result<ObjectInfo> head = Head("dir/file.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, 3000u);
  EXPECT_FALSE(head->etag.empty());
  EXPECT_GT(head->mtime_seconds, 1600000000);

  Result<GetResult> got = Get("dir/file.bin");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->data, data);
  EXPECT_EQ(got->info.etag, head->etag);
  EXPECT_EQ(got->info.size, 3000u);

  ASSERT_TRUE(Await<Done>([&](auto done) { store().Delete("dir/file.bin", done); }).ok());
  EXPECT_EQ(Head("dir/file.bin").status().code(), ErrorCode::kNotFound);
  Result<GetResult> gone = Get("dir/file.bin");
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(gone.status().message().find("dir/file.bin"), std::string::npos);
  // Deleting what is not there succeeds, as in S3.
  EXPECT_TRUE(Await<Done>([&](auto done) { store().Delete("dir/file.bin", done); }).ok());
}

TEST_P(ObjectStoreContract, EmptyObjectAndOddKeys) {
  Put("empty", "");
  Result<GetResult> empty = Get("empty");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->data, "");
  EXPECT_EQ(empty->info.size, 0u);

  const std::string odd = "sp ace/ü+%&=?;#[]'\"$!,~.txt";
  Put(odd, "odd");
  Result<GetResult> got = Get(odd);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->data, "odd");
  Result<std::vector<ObjectInfo>> all = ListAll(store(), "sp ace/");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].key, odd);
}

TEST_P(ObjectStoreContract, RangedGet) {
  const std::string data = Pattern(10000, 'r');
  Put("ranged", data);
  Result<GetResult> mid = Get("ranged", ByteRange{1234, 100});
  ASSERT_TRUE(mid.ok()) << mid.status().ToString();
  EXPECT_EQ(mid->data, data.substr(1234, 100));
  EXPECT_EQ(mid->info.size, 10000u);
  Result<GetResult> tail = Get("ranged", ByteRange{9990, 100});  // clamped at the end
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(tail->data, data.substr(9990));
  EXPECT_EQ(Get("ranged", ByteRange{20000, 10}).status().code(), ErrorCode::kInvalidRange);
}

TEST_P(ObjectStoreContract, IfMatchDetectsChange) {
  Put("versioned", "one");
  Result<ObjectInfo> v1 = Head("versioned");
  ASSERT_TRUE(v1.ok());
  EXPECT_TRUE(Get("versioned", std::nullopt, v1->etag).ok());
  Put("versioned", "two!");
  Result<GetResult> stale = Get("versioned", std::nullopt, v1->etag);
  EXPECT_EQ(stale.status().code(), ErrorCode::kPreconditionFailed) << stale.status().ToString();
}

TEST_P(ObjectStoreContract, ListWithDelimiter) {
  for (const char* key : {"d1/a", "d1/b", "d1/sub/c", "d2/x", "top", "tor"}) Put(key, key);
  ListRequest request;
  request.delimiter = "/";
  Result<ListPage> root = Await<ListPage>([&](auto done) { store().List(request, done); });
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  std::vector<std::string> keys;
  for (const auto& o : root->objects) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"top", "tor"}));
  EXPECT_EQ(root->common_prefixes, (std::vector<std::string>{"d1/", "d2/"}));
  EXPECT_FALSE(root->truncated);

  request.prefix = "d1/";
  Result<ListPage> d1 = Await<ListPage>([&](auto done) { store().List(request, done); });
  ASSERT_TRUE(d1.ok());
  ASSERT_EQ(d1->objects.size(), 2u);
  EXPECT_EQ(d1->objects[0].key, "d1/a");
  EXPECT_EQ(d1->objects[0].size, 4u);
  EXPECT_EQ(d1->common_prefixes, std::vector<std::string>{"d1/sub/"});

  request.prefix = "to";
  request.delimiter = "";
  Result<ListPage> to = Await<ListPage>([&](auto done) { store().List(request, done); });
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->objects.size(), 2u);
}

TEST_P(ObjectStoreContract, PaginationOverManyKeys) {
  // More than 2,500 keys in nested directories: several 1000-key pages.
  constexpr int kKeys = 2600;
  std::vector<std::string> expected;
  for (int i = 0; i < kKeys; ++i) {
    char key[64];
    std::snprintf(key, sizeof(key), "p/%02d/obj-%05d", i % 13, i);
    expected.emplace_back(key);
  }
  testing::ObjectList objects;
  for (int i = 0; i < kKeys; ++i) objects.emplace_back(expected[i], std::to_string(i));
  Status uploaded = testing::PutAll(store(), objects);
  ASSERT_TRUE(uploaded.ok()) << uploaded.ToString();
  std::sort(expected.begin(), expected.end());

  std::vector<std::string> listed;
  int pages = 0;
  ListRequest request;
  request.prefix = "p/";
  while (true) {
    Result<ListPage> page = Await<ListPage>([&](auto done) { store().List(request, done); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    EXPECT_LE(page->objects.size(), 1000u);
    for (const auto& o : page->objects) listed.push_back(o.key);
    if (!page->truncated) break;
    ASSERT_FALSE(page->next_continuation_token.empty());
    request.continuation_token = page->next_continuation_token;
    ASSERT_LT(pages, 10);
  }
  EXPECT_GE(pages, 3);
  EXPECT_EQ(listed, expected);

  // Paging through common prefixes works too.
  ListRequest dirs;
  dirs.prefix = "p/";
  dirs.delimiter = "/";
  dirs.max_keys = 5;
  std::vector<std::string> prefixes;
  while (true) {
    Result<ListPage> page = Await<ListPage>([&](auto done) { store().List(dirs, done); });
    ASSERT_TRUE(page.ok());
    for (const auto& p : page->common_prefixes) prefixes.push_back(p);
    if (!page->truncated) break;
    dirs.continuation_token = page->next_continuation_token;
  }
  EXPECT_EQ(prefixes.size(), 13u);
  EXPECT_EQ(std::set<std::string>(prefixes.begin(), prefixes.end()).size(), 13u);
}

TEST_P(ObjectStoreContract, StartAfter) {
  for (const char* key : {"s/a", "s/b", "s/c"}) Put(key, "x");
  ListRequest request;
  request.prefix = "s/";
  request.start_after = "s/a";
  Result<ListPage> page = Await<ListPage>([&](auto done) { store().List(request, done); });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "s/b");
}

TEST_P(ObjectStoreContract, Copy) {
  const std::string data = Pattern(5000, 'c');
  Put("src/original", data);
  Result<PutResult> copied = Await<PutResult>([&](auto done) {
    store().Copy(CopyRequest{"src/original", "dst/copy"}, done);
  });
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  Result<GetResult> got = Get("dst/copy");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, data);
  Result<PutResult> missing = Await<PutResult>([&](auto done) {
    store().Copy(CopyRequest{"src/none", "dst/none"}, done);
  });
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound) << missing.status().ToString();
}

TEST_P(ObjectStoreContract, MultipartUpload) {
  const std::string part1 =
      Pattern(size_t{5} * 1024 * 1024, '1');  // S3's minimum for non-last parts
  const std::string part2 = Pattern(1024 * 1024 + 7, '2');
  Result<std::string> id =
      Await<std::string>([&](auto done) { store().CreateMultipart("big/object", done); });
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  std::vector<CompletedPart> parts;
  int number = 1;
  for (const std::string* data : {&part1, &part2}) {
    Result<CompletedPart> part = Await<CompletedPart>([&](auto done) {
      store().UploadPart(UploadPartRequest{"big/object", *id, number, *data}, done);
    });
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(part->part_number, number);
    parts.push_back(*part);
    ++number;
  }
  Result<PutResult> completed = Await<PutResult>([&](auto done) {
    store().CompleteMultipart(CompleteMultipartRequest{"big/object", *id, parts}, done);
  });
  ASSERT_TRUE(completed.ok()) << completed.status().ToString();
  Result<GetResult> got = Get("big/object");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->info.size, part1.size() + part2.size());
  EXPECT_TRUE(got->data == part1 + part2);
  Result<std::vector<PendingUpload>> pending = ListAllUploads(store(), "big/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

TEST_P(ObjectStoreContract, AbortAndListPendingUploads) {
  Result<std::string> a =
      Await<std::string>([&](auto done) { store().CreateMultipart("up/a", done); });
  Result<std::string> b =
      Await<std::string>([&](auto done) { store().CreateMultipart("up/b", done); });
  Result<std::string> other =
      Await<std::string>([&](auto done) { store().CreateMultipart("elsewhere/c", done); });
  ASSERT_TRUE(a.ok() && b.ok() && other.ok());
  ASSERT_TRUE(Await<CompletedPart>([&](auto done) {
                store().UploadPart(UploadPartRequest{"up/a", *a, 1, "data"}, done);
              }).ok());

  Result<std::vector<PendingUpload>> pending = ListAllUploads(store(), "up/");
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].key, "up/a");
  EXPECT_EQ((*pending)[0].upload_id, *a);
  EXPECT_EQ((*pending)[1].key, "up/b");

  ASSERT_TRUE(Await<Done>([&](auto done) { store().AbortMultipart("up/a", *a, done); }).ok());
  pending = ListAllUploads(store(), "up/");
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].upload_id, *b);

  Result<CompletedPart> late = Await<CompletedPart>([&](auto done) {
    store().UploadPart(UploadPartRequest{"up/a", *a, 2, "more"}, done);
  });
  EXPECT_EQ(late.status().code(), ErrorCode::kNoSuchUpload) << late.status().ToString();
  ASSERT_TRUE(Await<Done>([&](auto done) { store().AbortMultipart("up/b", *b, done); }).ok());
  ASSERT_TRUE(
      Await<Done>([&](auto done) { store().AbortMultipart("elsewhere/c", *other, done); }).ok());
  pending = ListAllUploads(store(), "");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  // Listings never show pending uploads as objects.
  Result<std::vector<ObjectInfo>> objects = ListAll(store(), "");
  ASSERT_TRUE(objects.ok());
  EXPECT_TRUE(objects->empty());
}

TEST_P(ObjectStoreContract, UploadPartCopyOfAWholeObjectAndOfARange) {
  const std::string whole =
      Pattern(size_t{5} * 1024 * 1024, 'w');  // S3's minimum for non-last parts
  const std::string other = Pattern(100000, 'o');
  // The copy source header carries the key URI-encoded. No '%' in it: RGW
  // 16.2 decodes UploadPartCopy's source twice, so "%41" finds the wrong
  // key and "%." makes radosgw abort.
  const std::string odd_source = "copy src/ü+ß (1).bin";
  Put("copy-src/whole", whole);
  Put(odd_source, other);
  Result<std::string> id =
      Await<std::string>([&](auto done) { store().CreateMultipart("copy-dst/joined", done); });
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  Result<CompletedPart> first =
      UploadPartCopy({"copy-dst/joined", *id, 1, "copy-src/whole", std::nullopt});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->part_number, 1);
  EXPECT_FALSE(first->etag.empty());
  Result<CompletedPart> last =
      UploadPartCopy({"copy-dst/joined", *id, 2, odd_source, ByteRange{1000, 5000}});
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  EXPECT_EQ(last->part_number, 2);

  // A copy range is not clamped at the source's end.
  Result<CompletedPart> too_long =
      UploadPartCopy({"copy-dst/joined", *id, 3, odd_source, ByteRange{99000, 2000}});
  EXPECT_EQ(too_long.status().code(), ErrorCode::kInvalidRange) << too_long.status().ToString();
  Result<CompletedPart> missing =
      UploadPartCopy({"copy-dst/joined", *id, 3, "copy-src/none", std::nullopt});
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("copy-src/none"), std::string::npos)
      << missing.status().ToString();

  Result<PutResult> completed = Await<PutResult>([&](auto done) {
    store().CompleteMultipart(CompleteMultipartRequest{"copy-dst/joined", *id, {*first, *last}},
                              done);
  });
  ASSERT_TRUE(completed.ok()) << completed.status().ToString();
  Result<GetResult> got = Get("copy-dst/joined");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->info.size, whole.size() + 5000);
  EXPECT_TRUE(got->data == whole + other.substr(1000, 5000));
  Result<std::vector<PendingUpload>> pending = ListAllUploads(store(), "copy-dst/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());

  Result<CompletedPart> finished =
      UploadPartCopy({"copy-dst/joined", *id, 1, "copy-src/whole", std::nullopt});
  EXPECT_EQ(finished.status().code(), ErrorCode::kNoSuchUpload) << finished.status().ToString();
}

TEST_P(ObjectStoreContract, AppendCreatesAndGrows) {
  const std::string first = Pattern(1000, 'a');
  const std::string second = Pattern(2345, 'b');
  Result<AppendResult> created = Append("logs/app.log", 0, first);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->next_position, first.size());
  Result<AppendResult> grown = Append("logs/app.log", first.size(), second);
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_EQ(grown->next_position, first.size() + second.size());
  Result<AppendResult> tail = Append("logs/app.log", grown->next_position, "tail");
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();

  const std::string all = first + second + "tail";
  EXPECT_EQ(tail->next_position, all.size());
  Result<GetResult> got = Get("logs/app.log");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->info.size, all.size());
  EXPECT_TRUE(got->data == all);
  Result<ObjectInfo> head = Head("logs/app.log");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, all.size());
  if (tail->etag) {
    EXPECT_EQ(*tail->etag, head->etag);
  }
}

TEST_P(ObjectStoreContract, AppendAtTheWrongPositionConflicts) {
  ASSERT_TRUE(Append("conflict", 0, "hello").ok());
  for (uint64_t position : {0u, 3u, 6u, 1000u}) {
    Result<AppendResult> wrong = Append("conflict", position, "XYZ");
    EXPECT_EQ(wrong.status().code(), ErrorCode::kPositionMismatch)
        << position << ": " << wrong.status().ToString();
    EXPECT_NE(wrong.status().message().find("'conflict'"), std::string::npos)
        << wrong.status().ToString();
    EXPECT_NE(wrong.status().message().find("position " + std::to_string(position)),
              std::string::npos)
        << wrong.status().ToString();
  }
  Result<GetResult> unchanged = Get("conflict");
  ASSERT_TRUE(unchanged.ok()) << unchanged.status().ToString();
  EXPECT_EQ(unchanged->data, "hello");

  // Only position 0 creates an object.
  Result<AppendResult> absent = Append("absent", 5, "x");
  EXPECT_EQ(absent.status().code(), ErrorCode::kPositionMismatch) << absent.status().ToString();
  EXPECT_EQ(Head("absent").status().code(), ErrorCode::kNotFound);
}

TEST_P(ObjectStoreContract, AppendToAnObjectMadeByPut) {
  Put("plain", "abc");
  Result<AppendResult> appended = Append("plain", 3, "d");
  Result<GetResult> got = Get("plain");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  if (IsFileBackend()) {  // file:// has no "normal" objects
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    EXPECT_EQ(got->data, "abcd");
  } else {
    EXPECT_EQ(appended.status().code(), ErrorCode::kNotAppendable) << appended.status().ToString();
    EXPECT_NE(appended.status().message().find("'plain'"), std::string::npos);
    EXPECT_EQ(got->data, "abc");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectStoreContract,
                         ::testing::Values("file", "file_uring", "s3"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace shoal
