// Checks on a mountpoint before anything is mounted there, so the user gets
// one clear reason: it is missing, not a directory, or already mounted.
#pragma once

#include <string>

#include "engine/base/result.h"

namespace shoal::cli {

// The mountpoint's real path, or why it cannot be used.
Result<std::string> CheckMountpoint(const std::string& path);

// Whether `realpath` is a mount point now (from /proc/self/mountinfo).
bool IsMounted(const std::string& realpath);

}  // namespace shoal::cli
