// DiskCachedStore: an ObjectStore decorator that answers GETs from a
// DiskCache when it can, and fills the cache from the GETs it forwards.
//
// Only GETs that carry If-Match are cached: the ETag is part of the cache
// key, so a hit is the very version the caller asked for (the read engine
// sends If-Match on every GET). A response is cached only if it is a
// success whose ETag, when the server sent one, equals If-Match, so a
// server that ignores If-Match cannot poison the cache. Everything else
// (GETs without If-Match, listing, writes) goes straight to the inner
// store.
//
// Threading: Get may be called from any thread; a cached GET hops onto
// the loop thread, where the cache lives, and completes there (a miss
// completes wherever the inner store completes it). `loop`, `inner` and
// `cache` must outlive this object. The destructor detaches from the loop
// with RunSync, like ReadEngine; GETs still waiting for the cache then
// complete with kCancelled.
#pragma once

#include <memory>
#include <string>

#include "engine/cache/disk_cache.h"
#include "engine/loop/event_loop.h"
#include "engine/store/object_store.h"

namespace shoal {

class DiskCachedStore final : public ObjectStore {
 public:
  // `cache_namespace` names the bucket in cache keys, e.g. "s3://bucket@endpoint".
  DiskCachedStore(EventLoop& loop, ObjectStore& inner, DiskCache& cache,
                  std::string cache_namespace);
  ~DiskCachedStore() override;
  DiskCachedStore(const DiskCachedStore&) = delete;
  DiskCachedStore& operator=(const DiskCachedStore&) = delete;

  std::string Describe() const override { return inner_.Describe(); }

  void Get(GetRequest request, Callback<GetResult> done) override;

  void List(ListRequest request, Callback<ListPage> done) override;
  void Head(std::string key, Callback<ObjectInfo> done) override;
  void Put(PutRequest request, Callback<PutResult> done) override;
  void Delete(std::string key, Callback<Done> done) override;
  void Copy(CopyRequest request, Callback<PutResult> done) override;
  void CreateMultipart(std::string key, Callback<std::string> done) override;
  void UploadPart(UploadPartRequest request, Callback<CompletedPart> done) override;
  void UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) override;
  void CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) override;
  void AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) override;
  void ListMultipartUploads(ListUploadsRequest request, Callback<ListUploadsPage> done) override;
  void Append(AppendRequest request, Callback<AppendResult> done) override;

 private:
  void GetOnLoop(GetRequest request, Callback<GetResult> done);

  // Callbacks hold a weak reference and do nothing once it has expired;
  // only the loop thread resets it (or the destructor, once the loop stopped).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  EventLoop& loop_;
  ObjectStore& inner_;
  DiskCache& cache_;
  const std::string namespace_;
};

}  // namespace shoal
