#include "engine/store/store_uri.h"

#include "engine/base/printable.h"

namespace shoal {

Result<StoreUri> ParseStoreUri(std::string_view uri) {
  StoreUri out;
  if (uri.rfind("s3://", 0) == 0) {
    out.kind = StoreUri::Kind::kS3;
    std::string_view rest = uri.substr(5);
    size_t slash = rest.find('/');
    out.bucket = std::string(rest.substr(0, slash));
    if (slash != std::string_view::npos) out.prefix = std::string(rest.substr(slash + 1));
    if (out.bucket.empty()) {
      return Status(ErrorCode::kInvalidArgument, "'" + Printable(uri) + "' names no bucket");
    }
    // With virtual-hosted addressing the bucket becomes part of the Host
    // header, where a CR or LF would start a header of its own.
    if (HasControlByte(out.bucket)) {
      return Status(ErrorCode::kInvalidArgument,
                    "bucket name '" + Printable(out.bucket) + "' holds a control character");
    }
    return out;
  }
  if (uri.rfind("file://", 0) == 0) {
    out.kind = StoreUri::Kind::kFile;
    out.bucket = std::string(uri.substr(7));
    if (out.bucket.empty() || out.bucket.front() != '/') {
      return Status(ErrorCode::kInvalidArgument,
                    "'" + Printable(uri) + "' must be an absolute path: file:///dir");
    }
    while (out.bucket.size() > 1 && out.bucket.back() == '/') out.bucket.pop_back();
    return out;
  }
  return Status(ErrorCode::kInvalidArgument,
                "'" + Printable(uri) +
                    "' is not a bucket location; use s3://bucket/prefix or "
                    "file:///dir");
}

}  // namespace shoal
