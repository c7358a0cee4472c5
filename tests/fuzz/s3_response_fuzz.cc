// Fuzz target: whole S3 answers mapped to Status and values: S3ErrorStatus
// (every failed request), ParseAppendResponse and AppendErrorStatus (both
// appendable-object dialects). These combine the status code, headers and
// the XML error body, all of which the server controls.
//
// Input: two bytes of HTTP status, then "Name: value" header lines up to an
// empty line, then the body. Invariants: an error answer never maps to OK
// and keeps its HTTP status; an append result's position is the header's
// number, and only OSS answers carry an ETag.
#include <charconv>
#include <string>

#include "engine/http/http_message.h"
#include "engine/store/s3/s3_append.h"
#include "engine/store/s3/s3_errors.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::HttpResponse;
using shoal::S3Dialect;
using shoal::fuzz::Require;

HttpResponse ResponseFrom(const uint8_t* data, size_t size) {
  HttpResponse response;
  response.status = 100 + (data[0] | (data[1] << 8)) % 500;
  std::string_view rest = shoal::fuzz::AsText(data + 2, size - 2);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  response.body = std::string(rest);
  return response;
}

void CheckError(const shoal::Status& status, const HttpResponse& response) {
  Require(!status.ok());
  Require(status.http_status() == response.status);
  Require(!status.message().empty());
}

void CheckAppend(const HttpResponse& response, S3Dialect dialect) {
  const auto result = shoal::ParseAppendResponse(response, dialect, "key");
  if (result.ok()) {
    const auto header = response.Header(shoal::NextAppendPositionHeader(dialect));
    Require(header.has_value());
    uint64_t expected = 0;
    (void)std::from_chars(header->data(), header->data() + header->size(), expected);
    Require(result->next_position == expected);
    Require(dialect == S3Dialect::kOss || !result->etag.has_value());
  } else {
    const auto code = result.status().code();
    Require(code == shoal::ErrorCode::kUnsupported || code == shoal::ErrorCode::kProtocolError);
  }
  CheckError(shoal::AppendErrorStatus(response, dialect, "bucket", "key", 42), response);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const HttpResponse response = ResponseFrom(data, size);
  CheckError(shoal::S3ErrorStatus(response, "GetObject", "bucket", "key"), response);
  CheckError(shoal::S3ErrorStatus(response, "ListObjectsV2", "bucket", ""), response);
  CheckAppend(response, S3Dialect::kRgw);
  CheckAppend(response, S3Dialect::kOss);
  return 0;
}
