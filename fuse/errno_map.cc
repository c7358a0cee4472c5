#include "fuse/errno_map.h"

#include <cerrno>

namespace shoal {

int ReadErrno(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kPreconditionFailed:
    case ErrorCode::kNotFound:
      return ESTALE;
    case ErrorCode::kAccessDenied:
    case ErrorCode::kInvalidAccessKeyId:
    case ErrorCode::kSignatureDoesNotMatch:
    case ErrorCode::kPermission:
      return EACCES;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kInvalidRange:
      return EINVAL;
    case ErrorCode::kNameTooLong:
      return ENAMETOOLONG;
    case ErrorCode::kCancelled:
      return EINTR;
    default:
      return EIO;
  }
}

int WriteErrno(const Status& status) {
  switch (status.code()) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kInvalidArgument:
      return EINVAL;
    case ErrorCode::kNameTooLong:
      return ENAMETOOLONG;
    case ErrorCode::kUnsupported:
      return EOPNOTSUPP;
    case ErrorCode::kNoSpace:
      return ENOSPC;
    case ErrorCode::kNotFound:
      return ENOENT;
    case ErrorCode::kAccessDenied:
    case ErrorCode::kInvalidAccessKeyId:
    case ErrorCode::kSignatureDoesNotMatch:
    case ErrorCode::kPermission:
      return EACCES;
    case ErrorCode::kCancelled:
      return EINTR;
    default:
      return EIO;
  }
}

}  // namespace shoal
