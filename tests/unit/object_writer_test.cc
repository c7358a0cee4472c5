// ObjectWriter over the file:// store (real bytes, real multipart files) and
// over a fake store that completes parts on other threads, counts what
// reaches it and fails on request (backpressure, failures, aborts).
#include "engine/write/object_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "engine/store/await.h"
#include "engine/store/file/file_store.h"
#include "tests/support/temp_dir.h"

namespace shoal {
namespace {

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 2654435761u + seed) >> 13);
  return s;
}

// Completes UploadPart on its own thread after a short delay, so several
// parts are really in flight; counts the peak. Everything else is inline.
class FakeUploadStore final : public ObjectStore {
 public:
  FakeUploadStore() = default;
  FakeUploadStore(const FakeUploadStore&) = delete;
  FakeUploadStore& operator=(const FakeUploadStore&) = delete;
  ~FakeUploadStore() override {
    for (auto& t : threads_) t.join();
  }
  std::string Describe() const override { return "fake://"; }
  void Put(PutRequest r, Callback<PutResult> done) override {
    ++puts;
    if (fail_put) return done(Status(ErrorCode::kServerError, "put refused"));
    done(PutResult{"etag-" + std::to_string(r.data.size())});
  }
  void CreateMultipart(std::string, Callback<std::string> done) override {
    ++creates;
    if (fail_create) return done(Status(ErrorCode::kAccessDenied, "create refused"));
    done(std::string("upload-1"));
  }
  void UploadPart(UploadPartRequest r, Callback<CompletedPart> done) override {
    int now = ++in_flight;
    int peak = max_in_flight.load();
    while (now > peak && !max_in_flight.compare_exchange_weak(peak, now)) {
    }
    bytes_in_parts += r.data.size();
    uint64_t held = largest_part_buffer.load();
    while (r.data.capacity() > held &&
           !largest_part_buffer.compare_exchange_weak(held, r.data.capacity())) {
    }
    std::lock_guard lock(mu_);
    threads_.emplace_back([this, number = r.part_number, done = std::move(done)] {
      // Later parts finish first now and then: completion order is not part order.
      std::this_thread::sleep_for(std::chrono::milliseconds(2 + (number % 3) * 3));
      --in_flight;
      if (number == fail_part) return done(Status(ErrorCode::kServerError, "part refused"));
      done(CompletedPart{number, "etag-" + std::to_string(number)});
    });
  }
  void CompleteMultipart(CompleteMultipartRequest r, Callback<PutResult> done) override {
    ++completes;
    for (size_t i = 0; i < r.parts.size(); ++i) {
      if (r.parts[i].part_number != static_cast<int>(i) + 1) parts_in_order = false;
    }
    completed_parts = static_cast<int>(r.parts.size());
    if (fail_complete) return done(Status(ErrorCode::kServerError, "complete refused"));
    done(PutResult{"multipart-etag"});
  }
  void AbortMultipart(std::string, std::string, Callback<Done> done) override {
    ++aborts;
    done(Done{});
  }
  void List(ListRequest, Callback<ListPage> done) override { done(ListPage{}); }
  void Get(GetRequest, Callback<GetResult> done) override { done(GetResult{}); }
  void Head(std::string, Callback<ObjectInfo> done) override { done(ObjectInfo{}); }
  void Delete(std::string, Callback<Done> done) override { done(Done{}); }
  void Copy(CopyRequest, Callback<PutResult> done) override { done(PutResult{}); }
  void ListMultipartUploads(ListUploadsRequest, Callback<ListUploadsPage> done) override {
    if (fail_list_uploads) return done(Status(ErrorCode::kServerError, "listing refused"));
    done(ListUploadsPage{});
  }
  void UploadPartCopy(UploadPartCopyRequest, Callback<CompletedPart> done) override {
    done(Status(ErrorCode::kUnsupported, "not used by ObjectWriter"));
  }
  void Append(AppendRequest, Callback<AppendResult> done) override {
    done(Status(ErrorCode::kUnsupported, "not used by ObjectWriter"));
  }

  bool fail_put = false, fail_create = false, fail_complete = false, fail_list_uploads = false;
  int fail_part = 0;
  std::atomic<int> puts{0}, creates{0}, completes{0}, aborts{0};
  std::atomic<int> in_flight{0}, max_in_flight{0}, completed_parts{0};
  std::atomic<uint64_t> bytes_in_parts{0};
  std::atomic<uint64_t> largest_part_buffer{0};  // capacity: what the part really held
  std::atomic<bool> parts_in_order{true};

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

ObjectWriterOptions SmallParts(int in_flight = 4) {
  ObjectWriterOptions options;
  options.part_size = 1000;
  options.max_parts_in_flight = in_flight;
  return options;
}

class ObjectWriterOnFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path());
    store_ = std::move(*FileStore::Open(dir_.path().string()));
  }
  Result<GetResult> Get(const std::string& key) {
    return Await<GetResult>([&](auto done) { store_->Get(GetRequest{key, {}, {}}, done); });
  }
  size_t PendingUploads() { return ListAllUploads(*store_, "").value().size(); }

  testing::TempDir dir_{"object-writer"};
  std::unique_ptr<FileStore> store_;
};

TEST_F(ObjectWriterOnFiles, EmptyObject) {
  ObjectWriter writer(*store_, "empty");
  ASSERT_TRUE(writer.Finish().ok());
  Result<GetResult> got = Get("empty");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->info.size, 0u);
  EXPECT_TRUE(writer.upload_id().empty());
}

TEST_F(ObjectWriterOnFiles, ManyPartsInOddSlicesAreByteIdentical) {
  const std::string data = Pattern(10 * 1000 + 17, 1);
  ObjectWriter writer(*store_, "dir/big", SmallParts(3));
  for (size_t at = 0, slice = 1; at < data.size(); at += slice, slice = slice * 3 % 1777 + 1) {
    ASSERT_TRUE(writer.Append(std::string_view(data).substr(at, slice)).ok());
  }
  EXPECT_EQ(writer.bytes_appended(), data.size());
  EXPECT_FALSE(writer.upload_id().empty());
  EXPECT_EQ(PendingUploads(), 1u);
  Result<PutResult> finished = writer.Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(writer.completed_parts().size(), 11u);
  Result<GetResult> got = Get("dir/big");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->data == data);
  EXPECT_EQ(PendingUploads(), 0u);
}

TEST_F(ObjectWriterOnFiles, DestroyingAnUnfinishedWriterAbortsItsUpload) {
  {
    ObjectWriter writer(*store_, "abandoned", SmallParts());
    ASSERT_TRUE(writer.Append(Pattern(3500, 2)).ok());
    EXPECT_EQ(PendingUploads(), 1u);
  }
  EXPECT_EQ(PendingUploads(), 0u);
  EXPECT_EQ(Get("abandoned").status().code(), ErrorCode::kNotFound);
}

TEST_F(ObjectWriterOnFiles, AbortIsIdempotentAndEndsTheWriter) {
  ObjectWriter writer(*store_, "k", SmallParts());
  ASSERT_TRUE(writer.Append(Pattern(2500, 3)).ok());
  EXPECT_TRUE(writer.Abort().ok());
  EXPECT_TRUE(writer.Abort().ok());
  EXPECT_EQ(PendingUploads(), 0u);
  EXPECT_EQ(writer.Append("x").code(), ErrorCode::kCancelled);
  EXPECT_EQ(writer.Finish().status().code(), ErrorCode::kCancelled);
}

TEST_F(ObjectWriterOnFiles, CompletingAbortsUploadsALostCreateAnswerLeftBehind) {
  // What a retried CreateMultipart leaves when its first answer was lost:
  // an upload of the same key whose id the writer never saw.
  for (const char* key : {"dir/big", "dir/big.tmp"}) {
    ASSERT_TRUE(
        Await<std::string>([&](auto done) { store_->CreateMultipart(key, std::move(done)); }).ok());
  }
  ObjectWriter writer(*store_, "dir/big", SmallParts());
  ASSERT_TRUE(writer.Append(Pattern(2500, 3)).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.stale_uploads_aborted(), 1);
  EXPECT_TRUE(writer.sweep_status().ok());
  std::vector<PendingUpload> left = ListAllUploads(*store_, "").value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key, "dir/big.tmp");  // another key: not the writer's to touch
  EXPECT_EQ(Get("dir/big").value().data, Pattern(2500, 3));
}

TEST(ObjectWriter, AFailedCleanUpDoesNotFailACommittedObject) {
  FakeUploadStore store;
  store.fail_list_uploads = true;
  ObjectWriter writer(store, "big", SmallParts());
  ASSERT_TRUE(writer.Append(Pattern(2500, 5)).ok());
  Result<PutResult> done = writer.Finish();
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(writer.sweep_status().code(), ErrorCode::kServerError);
  EXPECT_NE(writer.sweep_status().message().find("big"), std::string::npos);
  EXPECT_EQ(store.aborts.load(), 0);
}

TEST(ObjectWriter, UpToOneFullPartIsASinglePut) {
  for (size_t size : {size_t{1}, size_t{999}, size_t{1000}}) {
    FakeUploadStore store;
    ObjectWriter writer(store, "small", SmallParts());
    ASSERT_TRUE(writer.Append(Pattern(size, 4)).ok());
    Result<PutResult> put = writer.Finish();
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    EXPECT_EQ(put->etag, "etag-" + std::to_string(size));
    EXPECT_EQ(store.puts.load(), 1);
    EXPECT_EQ(store.creates.load(), 0);
  }
}

TEST(ObjectWriter, PartsInFlightNeverExceedTheLimit) {
  FakeUploadStore store;
  ObjectWriter writer(store, "big", SmallParts(3));
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(writer.Append(Pattern(500, i)).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_LE(store.max_in_flight.load(), 3);
  EXPECT_GE(store.max_in_flight.load(), 2);  // parts did overlap
  EXPECT_EQ(store.completed_parts.load(), 20);
  EXPECT_TRUE(store.parts_in_order.load());  // sorted although completed out of order
  EXPECT_EQ(store.bytes_in_parts.load(), 20000u);
  EXPECT_LE(store.largest_part_buffer.load(), 1000u);  // the memory bound holds
  EXPECT_EQ(store.aborts.load(), 0);
}

TEST(ObjectWriter, AFailedPartFailsTheWriterAndAbortsTheUpload) {
  FakeUploadStore store;
  store.fail_part = 2;
  ObjectWriter writer(store, "data/train.bin", SmallParts(2));
  Status failed;
  for (int i = 0; i < 20 && failed.ok(); ++i) failed = writer.Append(Pattern(1000, i));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), ErrorCode::kServerError);
  EXPECT_NE(failed.message().find("part 2 of data/train.bin"), std::string::npos)
      << failed.ToString();
  EXPECT_EQ(store.aborts.load(), 1);
  EXPECT_EQ(store.in_flight.load(), 0);
  EXPECT_EQ(writer.Append("more").message(), failed.message());
  EXPECT_EQ(writer.Finish().status().message(), failed.message());
  EXPECT_EQ(store.completes.load(), 0);
  EXPECT_EQ(store.aborts.load(), 1);  // and not again on destruction
}

TEST(ObjectWriter, ALastPartFailureSurfacesInFinish) {
  FakeUploadStore store;
  store.fail_part = 3;
  ObjectWriter writer(store, "k", SmallParts());
  ASSERT_TRUE(writer.Append(Pattern(2500, 5)).ok());
  Result<PutResult> finished = writer.Finish();
  EXPECT_NE(finished.status().message().find("part 3 of k"), std::string::npos);
  EXPECT_EQ(store.aborts.load(), 1);
  EXPECT_EQ(store.completes.load(), 0);
}

TEST(ObjectWriter, AZeroPartSizeIsRefused) {
  FakeUploadStore store;
  ObjectWriterOptions options;
  options.part_size = 0;
  ObjectWriter writer(store, "k", options);
  EXPECT_EQ(writer.Append("x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.puts.load() + store.creates.load(), 0);
}

TEST(ObjectWriter, FailuresToCreateCompleteOrPutAreNamed) {
  {
    FakeUploadStore store;
    store.fail_create = true;
    ObjectWriter writer(store, "a", SmallParts());
    Status s = writer.Append(Pattern(1001, 6));
    EXPECT_EQ(s.code(), ErrorCode::kAccessDenied);
    EXPECT_NE(s.message().find("starting the multipart upload of a"), std::string::npos);
    EXPECT_EQ(store.aborts.load(), 0);  // nothing to abort
  }
  {
    FakeUploadStore store;
    store.fail_complete = true;
    ObjectWriter writer(store, "b", SmallParts());
    ASSERT_TRUE(writer.Append(Pattern(1001, 7)).ok());
    Result<PutResult> finished = writer.Finish();
    EXPECT_NE(finished.status().message().find("completing the multipart upload of b"),
              std::string::npos);
    EXPECT_EQ(store.aborts.load(), 1);
  }
  {
    FakeUploadStore store;
    store.fail_put = true;
    ObjectWriter writer(store, "c", SmallParts());
    Result<PutResult> finished = writer.Finish();
    EXPECT_NE(finished.status().message().find("uploading c"), std::string::npos);
  }
}

}  // namespace
}  // namespace shoal
