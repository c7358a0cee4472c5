#include "engine/store/await.h"

namespace shoal {

Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, const std::string& prefix) {
  std::vector<ObjectInfo> all;
  ListRequest request;
  request.prefix = prefix;
  while (true) {
    Result<ListPage> page = Await<ListPage>([&](auto done) { store.List(request, done); });
    if (!page.ok()) return page.status();
    for (auto& o : page->objects) all.push_back(std::move(o));
    if (!page->truncated) return all;
    if (page->next_continuation_token.empty()) {
      return Status(ErrorCode::kProtocolError, "listing of " + store.Describe() +
                                                   " was truncated without a continuation token");
    }
    request.continuation_token = page->next_continuation_token;
  }
}

Result<uint64_t> ObjectLength(ObjectStore& store, const std::string& key) {
  Result<ObjectInfo> head = Await<ObjectInfo>([&](auto done) { store.Head(key, done); });
  if (head.ok()) return head->size;
  if (head.status().code() == ErrorCode::kNotFound) return uint64_t{0};
  return head.status();
}

Result<std::vector<PendingUpload>> ListAllUploads(ObjectStore& store, const std::string& prefix) {
  std::vector<PendingUpload> all;
  ListUploadsRequest request;
  request.prefix = prefix;
  while (true) {
    Result<ListUploadsPage> page =
        Await<ListUploadsPage>([&](auto done) { store.ListMultipartUploads(request, done); });
    if (!page.ok()) return page.status();
    for (auto& u : page->uploads) all.push_back(std::move(u));
    if (!page->truncated) return all;
    if (page->next_key_marker.empty() && page->next_upload_id_marker.empty()) {
      return Status(ErrorCode::kProtocolError,
                    "upload listing of " + store.Describe() + " was truncated without markers");
    }
    request.key_marker = page->next_key_marker;
    request.upload_id_marker = page->next_upload_id_marker;
  }
}

}  // namespace shoal
