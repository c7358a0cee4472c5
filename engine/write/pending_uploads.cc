#include "engine/write/pending_uploads.h"

#include "engine/store/await.h"

namespace shoal {

Result<int> AbortPendingUploads(ObjectStore& store, const std::string& key) {
  Result<std::vector<PendingUpload>> pending = ListAllUploads(store, key);
  if (!pending.ok()) return pending.status();
  int aborted = 0;
  for (const PendingUpload& upload : *pending) {
    if (upload.key != key) continue;
    Result<Done> done = Await<Done>(
        [&](auto cb) { store.AbortMultipart(upload.key, upload.upload_id, std::move(cb)); });
    if (!done.ok() && done.status().code() != ErrorCode::kNoSuchUpload) {
      return done.status().WithContext("aborting multipart upload " + upload.upload_id + " of " +
                                       key);
    }
    ++aborted;
  }
  return aborted;
}

}  // namespace shoal
