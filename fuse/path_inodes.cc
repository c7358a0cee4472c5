#include "fuse/path_inodes.h"

namespace shoal {

PathInodes::PathInodes() {
  nodes_[1] = Node{"", 1, false};  // FUSE_ROOT_ID, never forgotten
  paths_[""] = 1;
}

uint64_t PathInodes::Remember(const std::string& path, uint64_t n) {
  std::lock_guard lock(mu_);
  auto it = paths_.find(path);
  if (it == paths_.end()) {
    it = paths_.emplace(path, next_++).first;
    nodes_[it->second] = Node{path, 0, false};
  }
  const uint64_t ino = it->second;
  if (ino != 1) nodes_[ino].lookups += n;
  return ino;
}

void PathInodes::Forget(uint64_t ino, uint64_t n) {
  if (ino == 1) return;
  std::lock_guard lock(mu_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end()) return;
  it->second.lookups = it->second.lookups > n ? it->second.lookups - n : 0;
  if (it->second.lookups > 0) return;
  if (!it->second.detached) paths_.erase(it->second.path);
  nodes_.erase(it);
}

std::optional<std::string> PathInodes::PathOf(uint64_t ino) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(ino);
  if (it == nodes_.end()) return std::nullopt;
  return it->second.path;
}

void PathInodes::Move(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  if (auto old = paths_.find(to); old != paths_.end()) {
    nodes_[old->second].detached = true;
    paths_.erase(old);
  }
  auto it = paths_.find(from);
  if (it == paths_.end()) return;
  const uint64_t ino = it->second;
  paths_.erase(it);
  paths_[to] = ino;
  nodes_[ino].path = to;
}

size_t PathInodes::size() const {
  std::lock_guard lock(mu_);
  return nodes_.size();
}

}  // namespace shoal
