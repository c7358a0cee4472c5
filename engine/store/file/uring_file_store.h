// UringFileStore: the file:// backend for the read engine, with object reads
// done as io_uring operations on the engine's loop instead of blocking
// pread on it.
//
// Only Get of a file takes the ring path: open, statx, the If-Match and
// range checks, read, close, each a submission whose completion continues
// the request. Everything else (listing, writes, directory markers) is rare
// on the read path and is forwarded to the wrapped FileStore, so key
// validation, ETags and error wording exist once. Get may be called from any
// thread; it hops onto the loop, and its callback runs there.
#pragma once

#include "engine/loop/event_loop.h"
#include "engine/store/file/file_store.h"

namespace shoal {

class UringFileStore final : public ObjectStore {
 public:
  // `loop` (started) and `files` must outlive this object, and the loop
  // must stop before this object is destroyed or after no Get is pending.
  UringFileStore(EventLoop& loop, FileStore& files) : loop_(loop), files_(files) {}

  std::string Describe() const override { return files_.Describe(); }
  void Get(GetRequest request, Callback<GetResult> done) override;

  void List(ListRequest r, Callback<ListPage> d) override {
    files_.List(std::move(r), std::move(d));
  }
  void Head(std::string k, Callback<ObjectInfo> d) override {
    files_.Head(std::move(k), std::move(d));
  }
  void Put(PutRequest r, Callback<PutResult> d) override { files_.Put(std::move(r), std::move(d)); }
  void Delete(std::string k, Callback<Done> d) override {
    files_.Delete(std::move(k), std::move(d));
  }
  void Copy(CopyRequest r, Callback<PutResult> d) override {
    files_.Copy(std::move(r), std::move(d));
  }
  void CreateMultipart(std::string k, Callback<std::string> d) override {
    files_.CreateMultipart(std::move(k), std::move(d));
  }
  void UploadPart(UploadPartRequest r, Callback<CompletedPart> d) override {
    files_.UploadPart(std::move(r), std::move(d));
  }
  void UploadPartCopy(UploadPartCopyRequest r, Callback<CompletedPart> d) override {
    files_.UploadPartCopy(std::move(r), std::move(d));
  }
  void CompleteMultipart(CompleteMultipartRequest r, Callback<PutResult> d) override {
    files_.CompleteMultipart(std::move(r), std::move(d));
  }
  void AbortMultipart(std::string k, std::string id, Callback<Done> d) override {
    files_.AbortMultipart(std::move(k), std::move(id), std::move(d));
  }
  void ListMultipartUploads(ListUploadsRequest r, Callback<ListUploadsPage> d) override {
    files_.ListMultipartUploads(std::move(r), std::move(d));
  }
  void Append(AppendRequest r, Callback<AppendResult> d) override {
    files_.Append(std::move(r), std::move(d));
  }

 private:
  struct PendingGet;
  void StartGet(const std::shared_ptr<PendingGet>& get);
  void OnOpened(const std::shared_ptr<PendingGet>& get, int fd);
  void OnStat(const std::shared_ptr<PendingGet>& get, int rc, const struct statx& st);
  void Finish(const std::shared_ptr<PendingGet>& get, Result<GetResult> result);

  EventLoop& loop_;
  FileStore& files_;
};

}  // namespace shoal
