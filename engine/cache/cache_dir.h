// CacheDir: the disk cache's directory layout, and the blocking work done
// once when a cache opens, before it serves anything.
//
//   <dir>/LOCK      flock()ed while a cache has the directory open, so two
//                   mounts never trim or clean each other's files
//   <dir>/tmp/      entries being written; emptied at open (crash leftovers)
//   <dir>/00 .. ff/ entries, sharded by the first two hex digits of their
//                   name, so no directory grows past 1/256 of the entries
//
// Only files named like entries are ever indexed or deleted in the shard
// directories; anything else found there is left alone.
//
// Threading: Prepare and Scan block (plain system calls); the path helpers
// are pure. The lock is held as long as the CacheDir lives (RAII).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/base/unique_fd.h"
#include "engine/cache/cache_key.h"

namespace shoal {

class CacheDir {
 public:
  struct Entry {
    CacheKey key;
    uint64_t bytes = 0;  // the whole file, header included
    int64_t mtime_ns = 0;
  };

  // Creates the layout, takes the lock and removes leftover temporary files.
  static Result<CacheDir> Prepare(std::string root);

  // Every entry file, oldest mtime first. Removes files too short to be an
  // entry; damage beyond that is found when an entry is read.
  Result<std::vector<Entry>> Scan() const;

  std::string EntryPath(const CacheKey& key) const;
  std::string TmpPath(const std::string& name) const { return root_ + "/tmp/" + name; }
  const std::string& root() const { return root_; }

 private:
  CacheDir(std::string root, UniqueFd lock) : root_(std::move(root)), lock_(std::move(lock)) {}

  std::string root_;
  UniqueFd lock_;
};

}  // namespace shoal
