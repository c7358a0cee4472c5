#include "fuse/snapshot_table.h"

namespace shoal {

SnapshotTable::SnapshotTable(std::shared_ptr<const Snapshot> first) : current_(first) {
  loaded_[first->generation] = std::move(first);
}

std::shared_ptr<const Snapshot> SnapshotTable::Current() const {
  std::shared_lock lock(mu_);
  return current_;
}

bool SnapshotTable::IsCurrent(const Snapshot& snapshot) const {
  std::shared_lock lock(mu_);
  return current_->generation == snapshot.generation;
}

std::shared_lock<std::shared_mutex> SnapshotTable::HoldOffInstall() const {
  return std::shared_lock(install_mu_);
}

uint64_t SnapshotTable::InodeOf(const Snapshot& snapshot, uint32_t entry) {
  if (entry == Manifest::kRoot) return kRootInode;
  return (static_cast<uint64_t>(snapshot.generation) << 32) | (static_cast<uint64_t>(entry) + 1);
}

bool SnapshotTable::Resolve(uint64_t ino, std::shared_ptr<const Snapshot>* snapshot,
                            uint32_t* entry) const {
  std::shared_lock lock(mu_);
  if (ino == kRootInode) {
    *snapshot = current_;
    *entry = Manifest::kRoot;
    return true;
  }
  const auto low = static_cast<uint32_t>(ino & 0xFFFFFFFFu);
  if (low == 0) return false;
  auto it = loaded_.find(static_cast<uint32_t>(ino >> 32));
  if (it == loaded_.end() || low - 1 >= it->second->manifest->entry_count()) return false;
  *snapshot = it->second;
  *entry = low - 1;
  return true;
}

void SnapshotTable::Remember(const std::shared_ptr<const Snapshot>& snapshot, uint64_t ino,
                             uint64_t n) {
  if (ino == kRootInode) return;  // the root is never forgotten
  std::unique_lock lock(mu_);
  loaded_.try_emplace(snapshot->generation, snapshot);
  uint64_t& count = lookups_[ino];
  if (count == 0) ++referenced_inodes_[GenerationOf(ino)];
  count += n;
}

void SnapshotTable::Forget(uint64_t ino, uint64_t n) {
  if (ino == kRootInode) return;
  std::unique_lock lock(mu_);
  auto it = lookups_.find(ino);
  if (it == lookups_.end()) return;
  it->second = it->second > n ? it->second - n : 0;
  if (it->second == 0) {
    lookups_.erase(it);
    auto refs = referenced_inodes_.find(GenerationOf(ino));
    if (refs != referenced_inodes_.end() && --refs->second == 0) {
      referenced_inodes_.erase(refs);
      DropUnreferencedLocked();
    }
  }
}

uint64_t SnapshotTable::LookupCount(uint64_t ino) const {
  std::shared_lock lock(mu_);
  auto it = lookups_.find(ino);
  return it == lookups_.end() ? 0 : it->second;
}

void SnapshotTable::DropUnreferencedLocked() {
  for (auto it = loaded_.begin(); it != loaded_.end();) {
    const uint32_t generation = it->first;
    const bool referenced =
        generation == current_->generation || referenced_inodes_.contains(generation);
    // Open file handles keep their own shared_ptr to the snapshot.
    it = referenced ? std::next(it) : loaded_.erase(it);
  }
}

std::vector<SnapshotTable::CachedName> SnapshotTable::Install(
    std::shared_ptr<const Snapshot> next) {
  std::unique_lock hold(install_mu_);
  std::unique_lock lock(mu_);
  std::vector<CachedName> cached;
  for (const auto& [ino, count] : lookups_) {
    auto it = loaded_.find(GenerationOf(ino));
    if (it == loaded_.end()) continue;
    const Manifest& m = *it->second->manifest;
    const uint32_t entry = static_cast<uint32_t>(ino & 0xFFFFFFFFu) - 1;
    if (entry >= m.entry_count()) continue;
    const uint32_t parent = m.Parent(entry);
    cached.push_back(
        CachedName{InodeOf(*it->second, parent), std::string(m.Name(entry)), ino, m.IsDir(entry)});
  }
  loaded_[next->generation] = next;
  current_ = std::move(next);
  DropUnreferencedLocked();
  return cached;
}

size_t SnapshotTable::loaded_snapshots() const {
  std::shared_lock lock(mu_);
  return loaded_.size();
}

}  // namespace shoal
