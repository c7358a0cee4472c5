// Key validation and small POSIX helpers for the file:// backend.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal::file_store {

// Refuses keys that cannot be stored safely under a root directory.
Status CheckKey(std::string_view key);

// The synthetic ETag of a file: hex MD5 of (device, inode, size, mtime).
std::string EtagOf(const struct stat& st);

ObjectInfo InfoOf(const std::string& key, const struct stat& st);

// Status for a failed system call on `path`, with errno's text.
Status ErrnoStatus(std::string_view what, const std::string& path, int err);

// mkdir -p of every directory above `path` within `root`.
Status MakeParents(const std::string& root, std::string_view key);

// Writes all of `data` to a new file at `path` (O_EXCL).
Status WriteNewFile(const std::string& path, std::string_view data);

// Copies the file at `from` into a new file at `to`.
Status CopyFile(const std::string& from, const std::string& to);

}  // namespace shoal::file_store
