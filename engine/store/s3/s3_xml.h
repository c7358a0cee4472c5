// Parsers and writers for the XML bodies of the S3 API, using pugixml.
//
// Pure functions from a response body to values. A body that is not the
// expected document yields kProtocolError naming what was missing; they never
// throw and never read past the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal {

struct S3ErrorBody {
  std::string code;     // "NoSuchKey"
  std::string message;  // the server's human text
  std::string request_id;
};

// Parses <Error>; returns false if the body is not an S3 error document.
bool ParseErrorXml(std::string_view body, S3ErrorBody* out);

Result<ListPage> ParseListObjectsV2Xml(std::string_view body);
Result<std::string> ParseInitiateMultipartXml(std::string_view body);  // the UploadId
Result<PutResult> ParseCompleteMultipartXml(std::string_view body);    // the ETag
Result<PutResult> ParseCopyObjectXml(std::string_view body);           // the ETag
Result<PutResult> ParseCopyPartXml(std::string_view body);             // UploadPartCopy's ETag
Result<ListUploadsPage> ParseListMultipartUploadsXml(std::string_view body);

// The <CompleteMultipartUpload> request body.
std::string CompleteMultipartXml(const std::vector<CompletedPart>& parts);

// Strips the surrounding quotes S3 puts around ETags.
std::string UnquoteEtag(std::string_view etag);

// Parses an ISO-8601 timestamp such as 2024-01-02T03:04:05.000Z; 0 if malformed.
int64_t ParseIso8601(std::string_view text);
// Parses an RFC 7231 HTTP date such as "Tue, 02 Jan 2024 03:04:05 GMT"; 0 if malformed.
int64_t ParseHttpDate(std::string_view text);

}  // namespace shoal
