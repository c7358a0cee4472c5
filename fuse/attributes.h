// Attributes: files and directories as the kernel sees them (struct stat,
// statfs). Pure functions of the entry and the view options.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdint>

#include "fuse/view_options.h"
#include "index/manifest.h"

namespace shoal {

// Directories are 0777 and files 0666, less the umask. Directories report
// one link, which tells find(1) not to infer subdirectory counts.
struct stat MakeStat(uint64_t ino, bool is_dir, uint64_t size, int64_t mtime,
                     const ViewOptions& options);

// A manifest entry; directories have size 0, so du -sb is the data's bytes.
struct stat StatOf(const Manifest& manifest, uint32_t entry, uint64_t ino,
                   const ViewOptions& options);

struct statvfs StatfsOf(const Manifest& manifest);

}  // namespace shoal
