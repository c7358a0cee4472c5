// AWS Signature Version 4, as a pure function.
//
// Signing knows nothing of HTTP transports or S3: it takes the parts of a
// request that are signed and returns the signature together with the
// intermediate canonical request and string to sign, so tests can check each
// step against AWS's published test-suite vectors. The S3 request builder is
// the only production caller.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal {

using KeyValue = std::pair<std::string, std::string>;

struct SigV4Request {
  std::string method;              // "GET", "PUT", ...
  std::string canonical_uri;       // the path, already URI-encoded ("/b/a%20b")
  std::vector<KeyValue> query;     // raw (decoded) names and values, any order
  std::vector<KeyValue> headers;   // the headers to sign, any case and order
  std::string payload_sha256_hex;  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
};

struct SigV4Scope {
  std::string amz_date;  // ISO-8601 basic format: 20150830T123600Z
  std::string region;    // us-east-1
  std::string service;   // s3
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the complete Authorization header value
};

SigV4Signature SignV4(const SigV4Request& request, const SigV4Scope& scope,
                      std::string_view access_key_id, std::string_view secret_access_key);

// The canonical query string: names and values URI-encoded, sorted by name
// then value, joined with '&'. Also used to build the request URL so the two
// always agree.
std::string CanonicalQueryString(const std::vector<KeyValue>& query);

// Removes "." and ".." segments and collapses runs of '/', as SigV4 requires
// for every service except S3 (which signs the path exactly as sent).
std::string NormalizeUriPath(std::string_view path);

// Formats seconds since the epoch as 20150830T123600Z.
std::string AmzDate(int64_t unix_seconds);

}  // namespace shoal
