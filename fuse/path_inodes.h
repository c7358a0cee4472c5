// PathInodes: inode numbers for the write mount, where a name is a key in a
// bucket that changes under us, not an entry of an immutable snapshot.
//
// An inode stands for a path (relative to the mount's prefix; "" is the
// root, FUSE_ROOT_ID) for as long as the kernel holds a lookup reference to
// it; once forgotten, the number is never reused and the path gets a new one
// on its next lookup. Rename moves an inode to its new path, as the kernel
// moves the dentry.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace shoal {

class PathInodes {
 public:
  PathInodes();

  // The inode of `path` (made if needed), with `n` more kernel references.
  uint64_t Remember(const std::string& path, uint64_t n = 1);
  void Forget(uint64_t ino, uint64_t n);
  std::optional<std::string> PathOf(uint64_t ino) const;
  // The inode that was `from` is now `to`; an inode that was `to` is left
  // without a path until the kernel forgets it.
  void Move(const std::string& from, const std::string& to);
  size_t size() const;

 private:
  struct Node {
    std::string path;
    uint64_t lookups = 0;
    bool detached = false;  // replaced by a rename; only getattr by number
  };
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Node> nodes_;         // guarded by mu_
  std::unordered_map<std::string, uint64_t> paths_;  // attached nodes only; mu_
  uint64_t next_ = 2;                                // mu_
};

}  // namespace shoal
