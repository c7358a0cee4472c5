#include "engine/cache/disk_cached_store.h"

namespace shoal {
namespace {

// Caches a successful response. It may run on any thread, so it touches
// only the loop and the cache (which outlive the store) until it is on the
// loop thread, where `alive` says whether the store, and so the cache, is
// still there.
void Fill(EventLoop& loop, DiskCache& cache, std::weak_ptr<int> alive, CacheIdentity id,
          const GetResult& result) {
  if (!result.info.etag.empty() && result.info.etag != id.etag) return;  // If-Match ignored
  if (!cache.Admits(result.data.size())) return;                         // spares the copy
  auto insert = [&cache, alive = std::move(alive), id = std::move(id),
                 data = std::make_shared<const std::string>(result.data),
                 object_size = result.info.size] {
    if (!alive.expired()) cache.Insert(id, data, object_size);
  };
  if (loop.InLoopThread()) return insert();
  loop.Post(std::move(insert));
}

}  // namespace

DiskCachedStore::DiskCachedStore(EventLoop& loop, ObjectStore& inner, DiskCache& cache,
                                 std::string cache_namespace)
    : loop_(loop), inner_(inner), cache_(cache), namespace_(std::move(cache_namespace)) {}

DiskCachedStore::~DiskCachedStore() {
  if (!loop_.RunSync([this] { alive_.reset(); })) alive_.reset();  // the loop has exited
}

void DiskCachedStore::Get(GetRequest request, Callback<GetResult> done) {
  if (request.if_match.empty()) return inner_.Get(std::move(request), std::move(done));
  if (loop_.InLoopThread()) return GetOnLoop(std::move(request), std::move(done));
  auto shared = std::make_shared<Callback<GetResult>>(std::move(done));
  const bool posted = loop_.Post(
      [this, alive = std::weak_ptr<int>(alive_), request = std::move(request), shared]() mutable {
        if (alive.expired()) {
          return (*shared)(Status(ErrorCode::kCancelled, "the disk-cached store has shut down"));
        }
        GetOnLoop(std::move(request), std::move(*shared));
      });
  if (!posted) (*shared)(Status(ErrorCode::kCancelled, "the disk cache's event loop has stopped"));
}

void DiskCachedStore::GetOnLoop(GetRequest request, Callback<GetResult> done) {
  CacheIdentity id{namespace_, request.key, request.if_match, request.range};
  cache_.Lookup(id, [this, alive = std::weak_ptr<int>(alive_), id, request = std::move(request),
                     done = std::move(done)](std::optional<CachedObject> hit) mutable {
    if (alive.expired()) {
      return done(Status(ErrorCode::kCancelled, "the disk-cached store has shut down"));
    }
    if (hit) {
      GetResult result;
      result.data = std::move(hit->data);
      result.info.key = std::move(request.key);
      result.info.size = hit->object_size;
      result.info.etag = std::move(request.if_match);
      return done(std::move(result));
    }
    inner_.Get(std::move(request), [&loop = loop_, &cache = cache_, alive, id = std::move(id),
                                    done = std::move(done)](Result<GetResult> result) mutable {
      if (result.ok()) Fill(loop, cache, alive, std::move(id), *result);
      done(std::move(result));
    });
  });
}

void DiskCachedStore::List(ListRequest request, Callback<ListPage> done) {
  inner_.List(std::move(request), std::move(done));
}
void DiskCachedStore::Head(std::string key, Callback<ObjectInfo> done) {
  inner_.Head(std::move(key), std::move(done));
}
void DiskCachedStore::Put(PutRequest request, Callback<PutResult> done) {
  inner_.Put(std::move(request), std::move(done));
}
void DiskCachedStore::Delete(std::string key, Callback<Done> done) {
  inner_.Delete(std::move(key), std::move(done));
}
void DiskCachedStore::Copy(CopyRequest request, Callback<PutResult> done) {
  inner_.Copy(std::move(request), std::move(done));
}
void DiskCachedStore::CreateMultipart(std::string key, Callback<std::string> done) {
  inner_.CreateMultipart(std::move(key), std::move(done));
}
void DiskCachedStore::UploadPart(UploadPartRequest request, Callback<CompletedPart> done) {
  inner_.UploadPart(std::move(request), std::move(done));
}
void DiskCachedStore::UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) {
  inner_.UploadPartCopy(std::move(request), std::move(done));
}
void DiskCachedStore::CompleteMultipart(CompleteMultipartRequest request,
                                        Callback<PutResult> done) {
  inner_.CompleteMultipart(std::move(request), std::move(done));
}
void DiskCachedStore::AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) {
  inner_.AbortMultipart(std::move(key), std::move(upload_id), std::move(done));
}
void DiskCachedStore::ListMultipartUploads(ListUploadsRequest request,
                                           Callback<ListUploadsPage> done) {
  inner_.ListMultipartUploads(std::move(request), std::move(done));
}

// Appending changes the object's ETag, and cache entries are keyed by ETag:
// nothing cached needs invalidating.
void DiskCachedStore::Append(AppendRequest request, Callback<AppendResult> done) {
  inner_.Append(std::move(request), std::move(done));
}

}  // namespace shoal
