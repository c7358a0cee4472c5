// Parsing the user-facing names of a bucket location:
//   s3://bucket[/prefix]     an S3-compatible bucket (endpoint given separately)
//   file:///abs/dir          a local directory used as the bucket
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal {

struct StoreUri {
  enum class Kind { kS3, kFile };
  Kind kind = Kind::kFile;
  std::string bucket;  // s3: the bucket name; file: the root directory
  std::string prefix;  // key prefix within the bucket, no leading '/'
};

Result<StoreUri> ParseStoreUri(std::string_view uri);

}  // namespace shoal
