// Attributes: a manifest entry as the kernel sees it (struct stat, statfs).
// Pure functions of the snapshot and the view options.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdint>

#include "fuse/view_options.h"
#include "index/manifest.h"

namespace shoal {

// Directories are 0777 and files 0666, less the umask. Directories report
// one link, which tells find(1) not to infer subdirectory counts.
struct stat StatOf(const Manifest& manifest, uint32_t entry, uint64_t ino,
                   const ViewOptions& options);

struct statvfs StatfsOf(const Manifest& manifest);

}  // namespace shoal
