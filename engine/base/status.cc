#include "engine/base/status.h"

namespace shoal {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNameTooLong:
      return "name_too_long";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kNoSuchBucket:
      return "no_such_bucket";
    case ErrorCode::kNoSuchUpload:
      return "no_such_upload";
    case ErrorCode::kAccessDenied:
      return "access_denied";
    case ErrorCode::kInvalidAccessKeyId:
      return "invalid_access_key_id";
    case ErrorCode::kSignatureDoesNotMatch:
      return "signature_does_not_match";
    case ErrorCode::kPreconditionFailed:
      return "precondition_failed";
    case ErrorCode::kPositionMismatch:
      return "position_mismatch";
    case ErrorCode::kNotAppendable:
      return "not_appendable";
    case ErrorCode::kInvalidRange:
      return "invalid_range";
    case ErrorCode::kSlowDown:
      return "slow_down";
    case ErrorCode::kServerError:
      return "server_error";
    case ErrorCode::kProtocolError:
      return "protocol_error";
    case ErrorCode::kNetwork:
      return "network";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kNoSpace:
      return "no_space";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kPermission:
      return "permission";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.message_ = std::string(context) + ": " + message_;
  return copy;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace shoal
