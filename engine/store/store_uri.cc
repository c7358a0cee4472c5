#include "engine/store/store_uri.h"

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
      return Status(ErrorCode::kInvalidArgument, "'" + std::string(uri) + "' names no bucket");
    }
    return out;
  }
  if (uri.rfind("file://", 0) == 0) {
    out.kind = StoreUri::Kind::kFile;
    out.bucket = std::string(uri.substr(7));
    if (out.bucket.empty() || out.bucket.front() != '/') {
      return Status(ErrorCode::kInvalidArgument,
                    "'" + std::string(uri) + "' must be an absolute path: file:///dir");
    }
    while (out.bucket.size() > 1 && out.bucket.back() == '/') out.bucket.pop_back();
    return out;
  }
  return Status(ErrorCode::kInvalidArgument,
                "'" + std::string(uri) +
                    "' is not a bucket location; use s3://bucket/prefix or "
                    "file:///dir");
}

}  // namespace shoal
