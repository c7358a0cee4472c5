#include "engine/store/s3/s3_request_builder.h"

#include "engine/auth/crypto.h"
#include "engine/auth/uri_encode.h"
#include "engine/base/printable.h"
#include "engine/store/s3/s3_xml.h"

namespace shoal {
namespace {

// SHA-256 of the empty string, the payload hash of every bodiless request.
constexpr const char* kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// "bytes=first-last", the form of Range and x-amz-copy-source-range.
std::string BytesRange(const ByteRange& range) {
  const uint64_t last = range.offset + range.length - 1;
  return "bytes=" + std::to_string(range.offset) + "-" + std::to_string(last);
}

}  // namespace

Result<ParsedEndpoint> ParseEndpoint(const std::string& endpoint) {
  // The authority becomes the Host header: a CR or LF in it would end the
  // header early and let the rest pose as headers of its own.
  if (HasControlByte(endpoint)) {
    return Status(ErrorCode::kInvalidArgument,
                  "endpoint '" + Printable(endpoint) + "' holds a control character");
  }
  std::string rest;
  ParsedEndpoint out;
  if (endpoint.rfind("http://", 0) == 0) {
    out.scheme = "http";
    rest = endpoint.substr(7);
  } else if (endpoint.rfind("https://", 0) == 0) {
    out.scheme = "https";
    rest = endpoint.substr(8);
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  "endpoint '" + endpoint + "' must start with http:// or https://");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) {
    return Status(ErrorCode::kInvalidArgument,
                  "endpoint '" + endpoint + "' must be scheme://host[:port] with no path");
  }
  out.authority = rest;
  return out;
}

S3RequestBuilder::S3RequestBuilder(S3Config config, ParsedEndpoint endpoint)
    : config_(std::move(config)), endpoint_(std::move(endpoint)) {}

std::string S3RequestBuilder::Describe() const {
  return "s3://" + config_.bucket + " at " + endpoint_.scheme + "://" + endpoint_.authority;
}

HttpRequest S3RequestBuilder::Build(const std::string& method, const std::string& key,
                                    std::vector<KeyValue> query,
                                    std::vector<KeyValue> extra_headers, std::string body,
                                    int64_t now) const {
  std::string host;
  std::string path;
  if (config_.addressing == AddressingStyle::kVirtualHosted) {
    host = config_.bucket + "." + endpoint_.authority;
    path = "/" + UriEncodePath(key);
  } else {
    host = endpoint_.authority;
    path = "/" + UriEncodePath(config_.bucket);
    if (!key.empty()) path += "/" + UriEncodePath(key);
  }
  const std::string query_string = CanonicalQueryString(query);

  HttpRequest request;
  request.method = method;
  request.url = endpoint_.scheme + "://" + host + path;
  if (!query_string.empty()) request.url += "?" + query_string;

  const std::string payload_hash = body.empty() ? kEmptyPayloadSha256 : HexLower(Sha256(body));
  const std::string amz_date = AmzDate(now);
  std::vector<KeyValue> signed_headers = {
      {"host", host},
      {"x-amz-content-sha256", payload_hash},
      {"x-amz-date", amz_date},
  };
  // A refreshed copy lives as long as this request is being signed.
  const std::shared_ptr<const Credentials> refreshed =
      config_.refreshing ? config_.refreshing->Current() : nullptr;
  const Credentials& credentials = refreshed ? *refreshed : config_.credentials;
  if (!credentials.session_token.empty()) {
    signed_headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  for (auto& header : extra_headers) {
    if (header.first.rfind("x-amz-", 0) == 0) {
      signed_headers.push_back(header);
    } else {
      request.headers.push_back(std::move(header));
    }
  }
  if (!config_.anonymous) {
    SigV4Request to_sign{method, path, std::move(query), signed_headers, payload_hash};
    SigV4Signature signature =
        SignV4(to_sign, SigV4Scope{amz_date, config_.region, "s3"}, credentials.access_key_id,
               credentials.secret_access_key.Reveal());
    request.headers.emplace_back("Authorization", std::move(signature.authorization));
  }
  for (auto& header : signed_headers) request.headers.push_back(std::move(header));
  request.body = std::move(body);
  return request;
}

HttpRequest S3RequestBuilder::ListObjectsV2(const ListRequest& r, int64_t now) const {
  std::vector<KeyValue> query = {{"list-type", "2"}, {"max-keys", std::to_string(r.max_keys)}};
  if (!r.prefix.empty()) query.emplace_back("prefix", r.prefix);
  if (!r.delimiter.empty()) query.emplace_back("delimiter", r.delimiter);
  if (!r.continuation_token.empty()) query.emplace_back("continuation-token", r.continuation_token);
  if (!r.start_after.empty()) query.emplace_back("start-after", r.start_after);
  return Build("GET", "", std::move(query), {}, "", now);
}

HttpRequest S3RequestBuilder::GetObject(const GetRequest& r, int64_t now) const {
  std::vector<KeyValue> headers;
  if (r.range) headers.emplace_back("Range", BytesRange(*r.range));
  if (!r.if_match.empty()) headers.emplace_back("If-Match", "\"" + r.if_match + "\"");
  return Build("GET", r.key, {}, std::move(headers), "", now);
}

HttpRequest S3RequestBuilder::HeadObject(const std::string& key, int64_t now) const {
  return Build("HEAD", key, {}, {}, "", now);
}

HttpRequest S3RequestBuilder::PutObject(PutRequest r, int64_t now) const {
  return Build("PUT", r.key, {}, {}, std::move(r.data), now);
}

HttpRequest S3RequestBuilder::DeleteObject(const std::string& key, int64_t now) const {
  return Build("DELETE", key, {}, {}, "", now);
}

std::string S3RequestBuilder::CopySource(const std::string& key) const {
  return "/" + config_.bucket + "/" + UriEncodePath(key);
}

HttpRequest S3RequestBuilder::CopyObject(const CopyRequest& r, int64_t now) const {
  return Build("PUT", r.destination_key, {}, {{"x-amz-copy-source", CopySource(r.source_key)}}, "",
               now);
}

HttpRequest S3RequestBuilder::CreateMultipartUpload(const std::string& key, int64_t now) const {
  return Build("POST", key, {{"uploads", ""}}, {}, "", now);
}

HttpRequest S3RequestBuilder::UploadPart(UploadPartRequest r, int64_t now) const {
  return Build("PUT", r.key,
               {{"partNumber", std::to_string(r.part_number)}, {"uploadId", r.upload_id}}, {},
               std::move(r.data), now);
}

HttpRequest S3RequestBuilder::UploadPartCopy(const UploadPartCopyRequest& r, int64_t now) const {
  std::vector<KeyValue> headers = {{"x-amz-copy-source", CopySource(r.source_key)}};
  if (r.source_range) headers.emplace_back("x-amz-copy-source-range", BytesRange(*r.source_range));
  return Build("PUT", r.key,
               {{"partNumber", std::to_string(r.part_number)}, {"uploadId", r.upload_id}},
               std::move(headers), "", now);
}

HttpRequest S3RequestBuilder::CompleteMultipartUpload(const CompleteMultipartRequest& r,
                                                      int64_t now) const {
  return Build("POST", r.key, {{"uploadId", r.upload_id}}, {{"Content-Type", "application/xml"}},
               CompleteMultipartXml(r.parts), now);
}

HttpRequest S3RequestBuilder::AbortMultipartUpload(const std::string& key,
                                                   const std::string& upload_id,
                                                   int64_t now) const {
  return Build("DELETE", key, {{"uploadId", upload_id}}, {}, "", now);
}

HttpRequest S3RequestBuilder::ListMultipartUploads(const ListUploadsRequest& r, int64_t now) const {
  std::vector<KeyValue> query = {{"uploads", ""}};
  if (!r.prefix.empty()) query.emplace_back("prefix", r.prefix);
  if (!r.key_marker.empty()) query.emplace_back("key-marker", r.key_marker);
  if (!r.upload_id_marker.empty()) query.emplace_back("upload-id-marker", r.upload_id_marker);
  return Build("GET", "", std::move(query), {}, "", now);
}

HttpRequest S3RequestBuilder::AppendObject(AppendRequest r, int64_t now) const {
  // "append" is a valueless sub-resource: sent and signed as "append=",
  // like "uploads".
  const char* method = config_.dialect == S3Dialect::kOss ? "POST" : "PUT";
  return Build(method, r.key, {{"append", ""}, {"position", std::to_string(r.position)}}, {},
               std::move(r.data), now);
}

HttpRequest S3RequestBuilder::CreateBucket(int64_t now) const {
  return Build("PUT", "", {}, {}, "", now);
}

HttpRequest S3RequestBuilder::DeleteBucket(int64_t now) const {
  return Build("DELETE", "", {}, {}, "", now);
}

}  // namespace shoal
