// Mapping S3 error responses to typed Status values with actionable messages.
//
// The mapping prefers the XML <Code> (NoSuchKey, SignatureDoesNotMatch, ...)
// and falls back to the HTTP status for bodiless answers such as HEAD; 501
// and NotImplemented become kUnsupported. The message names the operation,
// the key and bucket, and what to check; it contains nothing from the
// request's headers, so secrets cannot leak.
#pragma once

#include <string_view>

#include "engine/base/status.h"
#include "engine/http/http_message.h"

namespace shoal {

Status S3ErrorStatus(const HttpResponse& response, std::string_view operation,
                     std::string_view bucket, std::string_view key);

}  // namespace shoal
