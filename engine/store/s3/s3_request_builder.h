// S3RequestBuilder: turns an ObjectStore operation into a signed HttpRequest.
//
// Pure and deterministic: the signing time is an argument, and nothing here
// touches the network. The URL sent and the canonical request signed are
// derived from the same encoded path and query, so they cannot disagree.
// Every request carries x-amz-content-sha256, which RGW requires.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/auth/sigv4.h"
#include "engine/http/http_message.h"
#include "engine/store/object_store.h"
#include "engine/store/s3/s3_config.h"

namespace shoal {

class S3RequestBuilder {
 public:
  // `config.endpoint` must already have passed ParseEndpoint.
  S3RequestBuilder(S3Config config, ParsedEndpoint endpoint);

  HttpRequest ListObjectsV2(const ListRequest& request, int64_t now) const;
  HttpRequest GetObject(const GetRequest& request, int64_t now) const;
  HttpRequest HeadObject(const std::string& key, int64_t now) const;
  HttpRequest PutObject(PutRequest request, int64_t now) const;
  HttpRequest DeleteObject(const std::string& key, int64_t now) const;
  HttpRequest CopyObject(const CopyRequest& request, int64_t now) const;
  HttpRequest CreateMultipartUpload(const std::string& key, int64_t now) const;
  HttpRequest UploadPart(UploadPartRequest request, int64_t now) const;
  HttpRequest UploadPartCopy(const UploadPartCopyRequest& request, int64_t now) const;
  HttpRequest CompleteMultipartUpload(const CompleteMultipartRequest& request, int64_t now) const;
  HttpRequest AbortMultipartUpload(const std::string& key, const std::string& upload_id,
                                   int64_t now) const;
  HttpRequest ListMultipartUploads(const ListUploadsRequest& request, int64_t now) const;
  // RGW: PUT ?append&position=N; OSS: POST ?append&position=N (config().dialect).
  HttpRequest AppendObject(AppendRequest request, int64_t now) const;
  HttpRequest CreateBucket(int64_t now) const;
  HttpRequest DeleteBucket(int64_t now) const;

  const S3Config& config() const { return config_; }
  // "s3://bucket at http://host:port".
  std::string Describe() const;

 private:
  HttpRequest Build(const std::string& method, const std::string& key, std::vector<KeyValue> query,
                    std::vector<KeyValue> extra_headers, std::string body, int64_t now) const;
  // The x-amz-copy-source value for `key` in this bucket.
  std::string CopySource(const std::string& key) const;

  S3Config config_;
  ParsedEndpoint endpoint_;
};

}  // namespace shoal
