#include "engine/store/s3/s3_append.h"

#include <optional>
#include <string>

#include "engine/base/parse_decimal.h"
#include "engine/store/s3/s3_errors.h"
#include "engine/store/s3/s3_xml.h"

namespace shoal {
namespace {

std::string_view FormName(S3Dialect dialect) {
  return dialect == S3Dialect::kOss ? "OSS form, POST ?append" : "RGW form, PUT ?append";
}

// The error code of an answer's S3 error body; nullopt without one.
std::optional<std::string> ErrorCodeOf(const HttpResponse& response) {
  S3ErrorBody body;
  if (!ParseErrorXml(response.body, &body)) return std::nullopt;
  return body.code;
}

// Did the server refuse ?append itself rather than this particular append?
bool RefusedAppend(const HttpResponse& response, const std::optional<std::string>& error_code) {
  if (response.status == 405) return true;
  if (response.status != 400) return false;
  return !error_code || *error_code == "InvalidArgument" || *error_code == "InvalidRequest";
}

// RGW's answer when another append to the object committed while this one
// was being written: its EEXIST comes out as 409 BucketAlreadyExists, which
// cannot mean a bucket here. (A killed writer's last append that RGW is
// still finishing meets the resumed writer's this way.)
bool ConcurrentAppend(const HttpResponse& response, const std::optional<std::string>& error_code) {
  return response.status == 409 && error_code == "BucketAlreadyExists";
}

}  // namespace

std::string_view NextAppendPositionHeader(S3Dialect dialect) {
  return dialect == S3Dialect::kOss ? "x-oss-next-append-position" : "x-rgw-next-append-position";
}

Result<AppendResult> ParseAppendResponse(const HttpResponse& response, S3Dialect dialect,
                                         std::string_view key) {
  const std::string_view header = NextAppendPositionHeader(dialect);
  std::optional<std::string_view> value = response.Header(header);
  if (!value) {
    return Status(ErrorCode::kUnsupported,
                  "AppendObject '" + std::string(key) + "': the server answered without " +
                      std::string(header) + ", so it does not support appendable objects (" +
                      std::string(FormName(dialect)) +
                      "); it may have stored the data as a plain object, replacing the key");
  }
  std::optional<uint64_t> next = ParseDecimal<uint64_t>(*value);
  if (!next) {
    return Status(ErrorCode::kProtocolError, "AppendObject '" + std::string(key) +
                                                 "': the server's " + std::string(header) + " '" +
                                                 std::string(*value) + "' is not a number");
  }
  AppendResult result;
  result.next_position = *next;
  // RGW's ETag here is the MD5 of this chunk alone, not the object's.
  if (auto etag = response.Header("ETag"); etag && dialect == S3Dialect::kOss) {
    result.etag = UnquoteEtag(*etag);
  }
  return result;
}

Status AppendErrorStatus(const HttpResponse& response, S3Dialect dialect, std::string_view bucket,
                         std::string_view key, uint64_t position) {
  const std::string operation = "AppendObject at position " + std::to_string(position);
  Status status = S3ErrorStatus(response, operation, bucket, key);
  std::string message = status.message();
  ErrorCode code = status.code();
  const std::optional<std::string> error_code = ErrorCodeOf(response);
  if (ConcurrentAppend(response, error_code)) {
    // A conflict like a wrong position: the object's length settles it.
    code = ErrorCode::kPositionMismatch;
    message += "; another append to the object committed at the same time";
  } else if (code == ErrorCode::kPositionMismatch) {
    // RGW and OSS tell the object's length in the refusal.
    std::optional<std::string_view> length = response.Header(NextAppendPositionHeader(dialect));
    if (length && ParseDecimal<uint64_t>(*length))
      message += "; the object's length is " + std::string(*length);
  } else if (code == ErrorCode::kUnsupported || RefusedAppend(response, error_code)) {
    code = ErrorCode::kUnsupported;
    message +=
        "; the server does not support appendable objects (" + std::string(FormName(dialect)) + ")";
  } else {
    return status;
  }
  Status refined(code, std::move(message));
  refined.set_http_status(response.status);
  return refined;
}

}  // namespace shoal
