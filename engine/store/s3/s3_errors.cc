#include "engine/store/s3/s3_errors.h"

#include <string>

#include "engine/store/s3/s3_xml.h"

namespace shoal {
namespace {

struct Mapping {
  ErrorCode code;
  std::string advice;
};

Mapping FromS3Code(std::string_view code, std::string_view bucket, std::string_view key) {
  const std::string b(bucket), k(key);
  if (code == "NoSuchKey") return {ErrorCode::kNotFound, "object '" + k + "' does not exist"};
  if (code == "NoSuchBucket") {
    return {ErrorCode::kNoSuchBucket,
            "bucket '" + b + "' does not exist; check the bucket name and the endpoint"};
  }
  if (code == "NoSuchUpload") {
    return {ErrorCode::kNoSuchUpload, "the multipart upload does not exist or has finished"};
  }
  if (code == "AccessDenied") {
    return {ErrorCode::kAccessDenied,
            "access denied; the credentials are valid but lack permission for this bucket or key"};
  }
  if (code == "InvalidAccessKeyId") {
    return {ErrorCode::kInvalidAccessKeyId,
            "the access key id is not known to the server; check AWS_ACCESS_KEY_ID (or "
            "OSS_ACCESS_KEY_ID) and the endpoint"};
  }
  if (code == "SignatureDoesNotMatch") {
    return {ErrorCode::kSignatureDoesNotMatch,
            "the server rejected the request signature; check the secret key, the --region, and "
            "the system clock"};
  }
  if (code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
    return {ErrorCode::kAccessDenied,
            "the session token has expired or is not valid; renew the temporary credentials "
            "(a running command follows a rewritten --credentials-file, not the environment)"};
  }
  if (code == "RequestTimeTooSkewed") {
    return {ErrorCode::kSignatureDoesNotMatch, "the system clock is too far from the server's"};
  }
  if (code == "AuthorizationHeaderMalformed") {
    return {ErrorCode::kInvalidArgument,
            "the server rejected the request's region; check --region"};
  }
  if (code == "PreconditionFailed") {
    return {ErrorCode::kPreconditionFailed,
            "object '" + k + "' changed since it was indexed (its ETag no longer matches)"};
  }
  if (code == "InvalidRange") {
    return {ErrorCode::kInvalidRange, "the byte range is outside object '" + k + "'"};
  }
  if (code == "PositionNotEqualToLength") {
    return {ErrorCode::kPositionMismatch, "the append position is not the length of object '" + k +
                                              "', which is unchanged; Head it for its length"};
  }
  if (code == "ObjectNotAppendable") {
    return {ErrorCode::kNotAppendable,
            "object '" + k + "' was not created by appending, so it cannot be appended to"};
  }
  if (code == "NotImplemented") {
    return {ErrorCode::kUnsupported, "the server does not implement this request"};
  }
  if (code == "SlowDown") {
    return {ErrorCode::kSlowDown, "the server asked to slow down and retries ran out"};
  }
  return {ErrorCode::kOk, ""};
}

Mapping FromHttpStatus(int status, std::string_view bucket, std::string_view key) {
  switch (status) {
    case 400:
      return {ErrorCode::kInvalidArgument, "the server rejected the request as invalid"};
    case 403:
      // Only a bodiless answer gets here (a HEAD's): it cannot say whether
      // the key, the secret or the permission is what is wrong.
      return {ErrorCode::kAccessDenied,
              "the server refused the request (HTTP 403 without an error body, as HEAD answers "
              "are): the access key id, the secret key, --region or the clock may be wrong, or "
              "the credentials may lack permission for this bucket or key"};
    case 404:
      return {ErrorCode::kNotFound,
              "'" + std::string(key) + "' not found in bucket '" + std::string(bucket) + "'"};
    case 412:
      return FromS3Code("PreconditionFailed", bucket, key);
    case 416:
      return FromS3Code("InvalidRange", bucket, key);
    case 501:
      return FromS3Code("NotImplemented", bucket, key);
    case 503:
      return FromS3Code("SlowDown", bucket, key);
    default:
      break;
  }
  if (status >= 500) {
    return {ErrorCode::kServerError, "the server failed (HTTP " + std::to_string(status) + ")"};
  }
  return {ErrorCode::kProtocolError, "unexpected HTTP status " + std::to_string(status)};
}

}  // namespace

Status S3ErrorStatus(const HttpResponse& response, std::string_view operation,
                     std::string_view bucket, std::string_view key) {
  S3ErrorBody body;
  const bool has_body = ParseErrorXml(response.body, &body);
  Mapping m = has_body ? FromS3Code(body.code, bucket, key) : Mapping{ErrorCode::kOk, ""};
  if (m.code == ErrorCode::kOk) m = FromHttpStatus(response.status, bucket, key);

  std::string message = std::string(operation);
  if (!key.empty()) message += " '" + std::string(key) + "'";
  message += ": " + m.advice;
  if (has_body) {
    message += " [" + body.code;
    if (!body.message.empty()) message += ": " + body.message;
    if (!body.request_id.empty()) message += "; request id " + body.request_id;
    message += "]";
  }
  Status status(m.code, message);
  status.set_http_status(response.status);
  return status;
}

}  // namespace shoal
