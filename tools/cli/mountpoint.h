// Checks on a mountpoint before anything is mounted there, so the user gets
// one clear reason: it is missing, not a directory, or already mounted; or
// a local path the mount itself needs lies inside it.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal::cli {

// The mountpoint's real path, or why it cannot be used.
Result<std::string> CheckMountpoint(const std::string& path);

// Whether `realpath` is a mount point now (from /proc/self/mountinfo).
bool IsMounted(const std::string& realpath);

// A local path the mount uses (`what`: a file:// bucket, --cache-dir,
// --spool, --log-file) must lie outside the mountpoint: inside, the mount
// would hide it, and the serving process would call into itself (a write
// mount over its own file:// bucket deadlocks). Empty `path`: nothing used.
Status CheckOutsideMountpoint(const std::string& mountpoint_realpath, const std::string& path,
                              std::string_view what);

}  // namespace shoal::cli
