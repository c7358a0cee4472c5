// What `shoal mount SOURCE` accepts, turned into a loaded snapshot:
//   a manifest file                  /data/train.shoal
//   a manifest published in a bucket s3://bucket/manifests/train.shoal
//                                    (any key ending in ".shoal")
//   a bucket prefix to index now     s3://bucket/train/ or file:///srv/data
#pragma once

#include <memory>
#include <string>

#include "engine/store/store_uri.h"
#include "index/manifest.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {

struct MountSource {
  std::shared_ptr<const Manifest> manifest;
  std::string origin;  // for messages and fsname
  StoreUri location;   // the bucket the manifest describes
};

Result<MountSource> ResolveMountSource(const std::string& source, const StoreFlags& flags,
                                       int concurrency, bool progress);

// The bucket a manifest describes: file:// when it has no endpoint.
StoreUri LocationOf(const Manifest& manifest);
// "s3://bucket/prefix" or "file:///dir/prefix", as mount(8) and df show it.
std::string DescribeLocation(const StoreUri& location);

}  // namespace shoal::cli
