// BucketNamespace: the write mount's view of the keys under its prefix as a
// tree of files and directories.
//
// A path "a/b" is the key prefix + "a/b". A file is an object; a directory
// is any key prefix "a/" that has objects under it, or one made by mkdir in
// this mount (directories are virtual: no marker object is written, so an
// empty one lasts only as long as the mount). Answers come from the store
// every time; the kernel caches them for the mount's short timeouts, since
// other writers may change the bucket too.
//
// Threading: thread-safe. Blocking (waits on the store): FUSE threads only.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal {

struct PathAttr {
  bool is_dir = false;
  uint64_t size = 0;
  int64_t mtime_seconds = 0;
};

struct DirEntryName {
  std::string name;
  bool is_dir = false;
};

class BucketNamespace {
 public:
  // `prefix` is empty or ends with '/'.
  BucketNamespace(ObjectStore& store, std::string prefix);

  std::string KeyOf(const std::string& path) const { return prefix_ + path; }
  // kNotFound if neither an object nor a directory.
  Result<PathAttr> Stat(const std::string& path);
  // The children of directory `dir`, sorted by name.
  Result<std::vector<DirEntryName>> List(const std::string& dir);
  // True if `dir` has no object below it.
  Result<bool> IsEmptyDir(const std::string& dir);

  void AddVirtualDir(const std::string& path);
  void RemoveVirtualDir(const std::string& path);
  bool IsVirtualDir(const std::string& path) const;

 private:
  std::string DirPrefix(const std::string& dir) const {
    return dir.empty() ? prefix_ : prefix_ + dir + "/";
  }

  ObjectStore& store_;
  const std::string prefix_;
  mutable std::mutex mu_;
  std::set<std::string> virtual_dirs_;  // guarded by mu_
};

// "a/b" + "c" = "a/b/c"; "" + "c" = "c".
std::string JoinPath(const std::string& dir, std::string_view name);
// The directory part of "a/b/c" ("a/b"), "" for a top-level name.
std::string ParentOf(const std::string& path);

}  // namespace shoal
