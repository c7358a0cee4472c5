#include "engine/store/s3/s3_store.h"

#include <chrono>
#include <cstdlib>

#include "engine/store/s3/s3_append.h"
#include "engine/store/s3/s3_errors.h"
#include "engine/store/s3/s3_xml.h"

namespace shoal {
namespace {

// Total size from "Content-Range: bytes 0-99/1234"; 0 if absent.
uint64_t TotalFromContentRange(std::string_view value) {
  size_t slash = value.rfind('/');
  if (slash == std::string_view::npos) return 0;
  return std::strtoull(std::string(value.substr(slash + 1)).c_str(), nullptr, 10);
}

}  // namespace

S3Store::S3Store(S3RequestBuilder builder, HttpTransport& transport, Clock clock)
    : builder_(std::move(builder)), transport_(transport), clock_(std::move(clock)) {}

S3Store::Clock S3Store::SystemClock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

ObjectInfo ObjectInfoFromHeaders(const HttpResponse& response, std::string key) {
  ObjectInfo info;
  info.key = std::move(key);
  if (auto etag = response.Header("ETag")) info.etag = UnquoteEtag(*etag);
  if (auto modified = response.Header("Last-Modified"))
    info.mtime_seconds = ParseHttpDate(*modified);
  if (auto range = response.Header("Content-Range")) {
    info.size = TotalFromContentRange(*range);
  } else if (auto length = response.Header("Content-Length")) {
    info.size = std::strtoull(std::string(*length).c_str(), nullptr, 10);
  }
  return info;
}

template <typename T, typename Parse, typename MapError>
// `request` is moved into Submit; clang-tidy 14 misses the move inside a template.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void S3Store::ExchangeMapped(HttpRequest request, std::string operation, Callback<T> done,
                             Parse parse, MapError map_error) {
  transport_.Submit(std::move(request), [this, operation = std::move(operation),
                                         done = std::move(done), parse = std::move(parse),
                                         map_error = std::move(map_error)](Result<HttpResponse> r) {
    if (!r.ok()) {
      done(r.status().WithContext(operation + " on " + Describe()));
      return;
    }
    if (r->status < 200 || r->status >= 300) {
      done(map_error(*r));
      return;
    }
    done(parse(*r));
  });
}

template <typename T, typename Parse>
void S3Store::Exchange(HttpRequest request, std::string operation, std::string key,
                       Callback<T> done, Parse parse) {
  auto map_error = [this, operation, key = std::move(key)](const HttpResponse& r) {
    return S3ErrorStatus(r, operation, builder_.config().bucket, key);
  };
  ExchangeMapped<T>(std::move(request), std::move(operation), std::move(done), std::move(parse),
                    std::move(map_error));
}

void S3Store::List(ListRequest request, Callback<ListPage> done) {
  Exchange<ListPage>(builder_.ListObjectsV2(request, clock_()), "ListObjectsV2", "",
                     std::move(done),
                     [](HttpResponse& r) { return ParseListObjectsV2Xml(r.body); });
}

void S3Store::Get(GetRequest request, Callback<GetResult> done) {
  std::string key = request.key;
  std::string if_match = request.if_match;
  Exchange<GetResult>(
      builder_.GetObject(request, clock_()), "GetObject", key, std::move(done),
      [key, if_match](HttpResponse& r) -> Result<GetResult> {
        GetResult result;
        result.info = ObjectInfoFromHeaders(r, key);
        // A server (or a proxy) that ignores If-Match must
        // not hand over another version's bytes.
        if (!if_match.empty() && !result.info.etag.empty() && result.info.etag != if_match) {
          return Status(ErrorCode::kPreconditionFailed,
                        "GetObject '" + key + "' answered with ETag " + result.info.etag +
                            ", not the requested " + if_match);
        }
        result.data = std::move(r.body);
        return result;
      });
}

void S3Store::Head(std::string key, Callback<ObjectInfo> done) {
  Exchange<ObjectInfo>(
      builder_.HeadObject(key, clock_()), "HeadObject", key, std::move(done),
      [key](HttpResponse& r) -> Result<ObjectInfo> { return ObjectInfoFromHeaders(r, key); });
}

void S3Store::Put(PutRequest request, Callback<PutResult> done) {
  std::string key = request.key;
  Exchange<PutResult>(builder_.PutObject(std::move(request), clock_()), "PutObject", key,
                      std::move(done), [](HttpResponse& r) -> Result<PutResult> {
                        return PutResult{UnquoteEtag(r.Header("ETag").value_or(""))};
                      });
}

void S3Store::Delete(std::string key, Callback<Done> done) {
  Exchange<Done>(builder_.DeleteObject(key, clock_()), "DeleteObject", key, std::move(done),
                 [](HttpResponse&) -> Result<Done> { return Done{}; });
}

void S3Store::Copy(CopyRequest request, Callback<PutResult> done) {
  Exchange<PutResult>(builder_.CopyObject(request, clock_()), "CopyObject", request.source_key,
                      std::move(done), [](HttpResponse& r) { return ParseCopyObjectXml(r.body); });
}

void S3Store::CreateMultipart(std::string key, Callback<std::string> done) {
  Exchange<std::string>(builder_.CreateMultipartUpload(key, clock_()), "CreateMultipartUpload", key,
                        std::move(done),
                        [](HttpResponse& r) { return ParseInitiateMultipartXml(r.body); });
}

void S3Store::UploadPart(UploadPartRequest request, Callback<CompletedPart> done) {
  std::string key = request.key;
  int number = request.part_number;
  Exchange<CompletedPart>(builder_.UploadPart(std::move(request), clock_()), "UploadPart", key,
                          std::move(done), [number](HttpResponse& r) -> Result<CompletedPart> {
                            auto etag = r.Header("ETag");
                            if (!etag) {
                              return Status(ErrorCode::kProtocolError,
                                            "UploadPart answer has no ETag header");
                            }
                            return CompletedPart{number, UnquoteEtag(*etag)};
                          });
}

void S3Store::UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) {
  // Errors name the source: NoSuchKey and InvalidRange are about it.
  const std::string operation = "UploadPartCopy into '" + request.key + "' part " +
                                std::to_string(request.part_number) + " from";
  Exchange<CompletedPart>(builder_.UploadPartCopy(request, clock_()), operation, request.source_key,
                          std::move(done),
                          [number = request.part_number](HttpResponse& r) -> Result<CompletedPart> {
                            Result<PutResult> copied = ParseCopyPartXml(r.body);
                            if (!copied.ok()) return copied.status();
                            return CompletedPart{number, std::move(copied->etag)};
                          });
}

void S3Store::CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) {
  Exchange<PutResult>(builder_.CompleteMultipartUpload(request, clock_()),
                      "CompleteMultipartUpload", request.key, std::move(done),
                      [](HttpResponse& r) { return ParseCompleteMultipartXml(r.body); });
}

void S3Store::AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) {
  Exchange<Done>(builder_.AbortMultipartUpload(key, upload_id, clock_()), "AbortMultipartUpload",
                 key, std::move(done), [](HttpResponse&) -> Result<Done> { return Done{}; });
}

void S3Store::ListMultipartUploads(ListUploadsRequest request, Callback<ListUploadsPage> done) {
  Exchange<ListUploadsPage>(builder_.ListMultipartUploads(request, clock_()),
                            "ListMultipartUploads", "", std::move(done),
                            [](HttpResponse& r) { return ParseListMultipartUploadsXml(r.body); });
}

void S3Store::Append(AppendRequest request, Callback<AppendResult> done) {
  const S3Dialect dialect = builder_.config().dialect;
  const std::string key = request.key;
  const uint64_t position = request.position;
  ExchangeMapped<AppendResult>(
      builder_.AppendObject(std::move(request), clock_()), "AppendObject", std::move(done),
      [dialect, key](HttpResponse& r) { return ParseAppendResponse(r, dialect, key); },
      [this, dialect, key, position](const HttpResponse& r) {
        return AppendErrorStatus(r, dialect, builder_.config().bucket, key, position);
      });
}

void S3Store::CreateBucket(Callback<Done> done) {
  Exchange<Done>(builder_.CreateBucket(clock_()), "CreateBucket", "", std::move(done),
                 [](HttpResponse&) -> Result<Done> { return Done{}; });
}

void S3Store::DeleteBucket(Callback<Done> done) {
  Exchange<Done>(builder_.DeleteBucket(clock_()), "DeleteBucket", "", std::move(done),
                 [](HttpResponse&) -> Result<Done> { return Done{}; });
}

}  // namespace shoal
