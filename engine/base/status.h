// Status: the error type that crosses every module boundary in shoal.
//
// Modules never throw across their public interfaces; they return a Status
// (or a Result<T>, see result.h). The code is a closed set that callers can
// branch on; the message is for humans and must say what to do next. errno
// values appear only at the FUSE edge, which maps codes to errno there.
#pragma once

#include <string>
#include <string_view>

namespace shoal {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,        // caller passed something unusable (bad key, bad URI)
  kNameTooLong,            // a key or one of its names is longer than allowed
  kNotFound,               // the object (NoSuchKey) or local file does not exist
  kNoSuchBucket,           // the bucket does not exist
  kNoSuchUpload,           // the multipart upload id is unknown or finished
  kAccessDenied,           // credentials valid but not allowed
  kInvalidAccessKeyId,     // the access key is unknown to the server
  kSignatureDoesNotMatch,  // the secret key is wrong (or the clock is far off)
  kPreconditionFailed,     // If-Match failed: the object changed
  kPositionMismatch,       // an append's position is not the object's length
  kNotAppendable,          // an append to an object not created by appending
  kInvalidRange,           // a byte range beyond the object
  kSlowDown,               // the server asks us to back off (503 SlowDown)
  kServerError,            // any other 5xx
  kProtocolError,          // the server's answer could not be understood
  kNetwork,                // connection refused, reset, DNS, TLS
  kTimeout,                // connect or transfer timeout
  kIoError,                // local file system error
  kNoSpace,                // a local disk (the spool) is full or over quota
  kCorrupt,                // data failed validation (checksum, format)
  kPermission,             // local permission problem (e.g. loose credentials file)
  kUnsupported,            // not implemented for this backend
  kCancelled,              // abandoned because its owner shut down
  kInternal,               // a bug in shoal
};

// Stable lower-case name of a code, e.g. "not_found"; used in logs and stats.
std::string_view ErrorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // HTTP status of the response that produced this error, 0 if none.
  int http_status() const { return http_status_; }
  Status& set_http_status(int status) {
    http_status_ = status;
    return *this;
  }

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

  // "code_name: message", or "ok".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  int http_status_ = 0;
};

}  // namespace shoal
