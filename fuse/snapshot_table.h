// SnapshotTable: which manifest snapshot an inode number belongs to, and how
// many references the kernel holds to each inode.
//
// An inode is a manifest entry of one snapshot generation:
//   ino = generation << 32 | (entry + 1),
// except that FUSE_ROOT_ID (1) always means the current snapshot's root.
// Generation 0's inodes are therefore entry + 1, and a refresh installs
// generation g + 1 without renumbering what the kernel already holds. An
// older snapshot stays loaded while the kernel still references one of its
// inodes (lookup counts, released by forget) or a file handle holds it;
// then it is dropped.
//
// A refresh must see every reference the kernel may hold, so operations
// that resolve inodes and hand new ones to the kernel (lookup, readdirplus)
// hold off Install from the resolve until their reply has been sent. Entries
// of a snapshot that is no longer current get zero timeouts, so the kernel
// asks again instead of caching them.
//
// Thread-safe: FUSE worker threads resolve inodes concurrently; a refresh
// installs a new snapshot from the control thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/manifest.h"
#include "index/manifest_catalog.h"

namespace shoal {

inline constexpr uint64_t kRootInode = 1;  // FUSE_ROOT_ID

struct Snapshot {
  std::shared_ptr<const Manifest> manifest;
  std::shared_ptr<const ManifestCatalog> catalog;
  uint32_t generation = 0;
  std::string origin;  // where it came from, for messages
};

class SnapshotTable {
 public:
  explicit SnapshotTable(std::shared_ptr<const Snapshot> first);

  std::shared_ptr<const Snapshot> Current() const;
  bool IsCurrent(const Snapshot& snapshot) const;
  // While the returned lock is held, Install waits. Hold it from resolving
  // an inode until the reply that hands inodes to the kernel has been sent.
  [[nodiscard]] std::shared_lock<std::shared_mutex> HoldOffInstall() const;
  // The snapshot and entry an inode names; false for an unknown inode.
  bool Resolve(uint64_t ino, std::shared_ptr<const Snapshot>* snapshot, uint32_t* entry) const;
  static uint64_t InodeOf(const Snapshot& snapshot, uint32_t entry);

  // The kernel took `n` references to `ino` of `snapshot` (a lookup reply) /
  // dropped them. Remember keeps the snapshot loaded, even if a concurrent
  // Forget released its last other reference.
  void Remember(const std::shared_ptr<const Snapshot>& snapshot, uint64_t ino, uint64_t n = 1);
  void Forget(uint64_t ino, uint64_t n);
  uint64_t LookupCount(uint64_t ino) const;

  // A dentry the kernel may cache: `name` under directory inode `parent`.
  struct CachedName {
    uint64_t parent;
    std::string name;
    uint64_t ino;
    bool is_dir;
  };
  // Makes `next` current (its generation must be the current one + 1) and
  // returns every name the kernel may still cache from older snapshots, so
  // the caller can invalidate them.
  std::vector<CachedName> Install(std::shared_ptr<const Snapshot> next);
  size_t loaded_snapshots() const;

 private:
  void DropUnreferencedLocked();
  static uint32_t GenerationOf(uint64_t ino) { return static_cast<uint32_t>(ino >> 32); }

  mutable std::shared_mutex install_mu_;     // shared: replies in progress; unique: Install
  mutable std::shared_mutex mu_;             // taken after install_mu_, never before
  std::shared_ptr<const Snapshot> current_;  // guarded by mu_
  std::map<uint32_t, std::shared_ptr<const Snapshot>> loaded_;  // by generation; mu_
  std::unordered_map<uint64_t, uint64_t> lookups_;              // ino -> count; mu_
  std::map<uint32_t, uint64_t> referenced_inodes_;  // generation -> inodes in lookups_; mu_
};

}  // namespace shoal
