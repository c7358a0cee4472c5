// S3Store: the ObjectStore for S3-compatible servers.
//
// It composes three independent parts: S3RequestBuilder (what to send,
// signed), an HttpTransport (how to send it; retries are a transport
// decorator) and the response parsers (what the answer means). The engine
// reuses the same builder and parsers over its io_uring transport.
#pragma once

#include <functional>
#include <memory>

#include "engine/http/http_transport.h"
#include "engine/store/object_store.h"
#include "engine/store/s3/s3_request_builder.h"

namespace shoal {

class S3Store final : public ObjectStore {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch

  // `transport` must outlive the store. Completions call back into the
  // store, so a transport with requests in flight must be shut down (which
  // completes them) before the store is destroyed.
  S3Store(S3RequestBuilder builder, HttpTransport& transport, Clock clock = SystemClock());

  static Clock SystemClock();

  std::string Describe() const override { return builder_.Describe(); }

  void List(ListRequest request, Callback<ListPage> done) override;
  void Get(GetRequest request, Callback<GetResult> done) override;
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

  // Bucket administration, used by tests and tools; not part of ObjectStore.
  void CreateBucket(Callback<Done> done);
  void DeleteBucket(Callback<Done> done);

 private:
  // Sends `request`; on a 2xx answer calls `parse`, otherwise maps the error
  // with S3ErrorStatus.
  template <typename T, typename Parse>
  void Exchange(HttpRequest request, std::string operation, std::string key, Callback<T> done,
                Parse parse);
  // The same with the error mapping given: `map_error(response)` -> Status.
  template <typename T, typename Parse, typename MapError>
  void ExchangeMapped(HttpRequest request, std::string operation, Callback<T> done, Parse parse,
                      MapError map_error);

  S3RequestBuilder builder_;
  HttpTransport& transport_;
  Clock clock_;
};

// Fills ObjectInfo from the headers of a GET or HEAD response.
ObjectInfo ObjectInfoFromHeaders(const HttpResponse& response, std::string key);

}  // namespace shoal
