#include "engine/stats/metered_store.h"

namespace shoal {

std::string_view StoreOpName(StoreOp op) {
  switch (op) {
    case StoreOp::kList:
      return "list";
    case StoreOp::kGet:
      return "get";
    case StoreOp::kHead:
      return "head";
    case StoreOp::kPut:
      return "put";
    case StoreOp::kDelete:
      return "delete";
    case StoreOp::kCopy:
      return "copy";
    case StoreOp::kCreateMultipart:
      return "create_multipart";
    case StoreOp::kUploadPart:
      return "upload_part";
    case StoreOp::kCompleteMultipart:
      return "complete_multipart";
    case StoreOp::kAbortMultipart:
      return "abort_multipart";
    case StoreOp::kListMultipartUploads:
      return "list_multipart_uploads";
    case StoreOp::kUploadPartCopy:
      return "upload_part_copy";
    case StoreOp::kAppend:
      return "append";
  }
  return "unknown";
}

template <typename T>
Callback<T> MeteredStore::Track(StoreOp op, Callback<T> done) {
  StoreOpMetrics& m = metrics_.ops[static_cast<size_t>(op)];
  m.requests.fetch_add(1, std::memory_order_relaxed);
  metrics_.in_flight.fetch_add(1, std::memory_order_relaxed);
  const auto start = std::chrono::steady_clock::now();
  return [this, &m, start, done = std::move(done)](Result<T> result) {
    m.latency.Record(std::chrono::steady_clock::now() - start);
    if (!result.ok()) {
      m.errors[static_cast<size_t>(result.status().code())].fetch_add(1, std::memory_order_relaxed);
    }
    metrics_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    done(std::move(result));
  };
}

void MeteredStore::List(ListRequest request, Callback<ListPage> done) {
  inner_.List(std::move(request), Track(StoreOp::kList, std::move(done)));
}

void MeteredStore::Get(GetRequest request, Callback<GetResult> done) {
  inner_.Get(std::move(request),
             Track<GetResult>(StoreOp::kGet, [this, done = std::move(done)](Result<GetResult> r) {
               if (r.ok()) metrics_.bytes_received.fetch_add(r->data.size());
               done(std::move(r));
             }));
}

void MeteredStore::Head(std::string key, Callback<ObjectInfo> done) {
  inner_.Head(std::move(key), Track(StoreOp::kHead, std::move(done)));
}

void MeteredStore::Put(PutRequest request, Callback<PutResult> done) {
  metrics_.bytes_sent.fetch_add(request.data.size(), std::memory_order_relaxed);
  inner_.Put(std::move(request), Track(StoreOp::kPut, std::move(done)));
}

void MeteredStore::Delete(std::string key, Callback<Done> done) {
  inner_.Delete(std::move(key), Track(StoreOp::kDelete, std::move(done)));
}

void MeteredStore::Copy(CopyRequest request, Callback<PutResult> done) {
  inner_.Copy(std::move(request), Track(StoreOp::kCopy, std::move(done)));
}

void MeteredStore::CreateMultipart(std::string key, Callback<std::string> done) {
  inner_.CreateMultipart(std::move(key), Track(StoreOp::kCreateMultipart, std::move(done)));
}

void MeteredStore::UploadPart(UploadPartRequest request, Callback<CompletedPart> done) {
  metrics_.bytes_sent.fetch_add(request.data.size(), std::memory_order_relaxed);
  inner_.UploadPart(std::move(request), Track(StoreOp::kUploadPart, std::move(done)));
}

void MeteredStore::UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) {
  inner_.UploadPartCopy(std::move(request), Track(StoreOp::kUploadPartCopy, std::move(done)));
}

void MeteredStore::CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) {
  inner_.CompleteMultipart(std::move(request), Track(StoreOp::kCompleteMultipart, std::move(done)));
}

void MeteredStore::AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) {
  inner_.AbortMultipart(std::move(key), std::move(upload_id),
                        Track(StoreOp::kAbortMultipart, std::move(done)));
}

void MeteredStore::ListMultipartUploads(ListUploadsRequest request,
                                        Callback<ListUploadsPage> done) {
  inner_.ListMultipartUploads(std::move(request),
                              Track(StoreOp::kListMultipartUploads, std::move(done)));
}

void MeteredStore::Append(AppendRequest request, Callback<AppendResult> done) {
  metrics_.bytes_sent.fetch_add(request.data.size(), std::memory_order_relaxed);
  inner_.Append(std::move(request), Track(StoreOp::kAppend, std::move(done)));
}

}  // namespace shoal
