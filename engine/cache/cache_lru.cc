#include "engine/cache/cache_lru.h"

namespace shoal {

uint64_t CacheLru::Add(const CacheKey& key, uint64_t bytes) {
  const uint64_t generation = next_generation_++;
  auto [it, added] = slots_.try_emplace(key);
  if (!added) {  // not expected; replace rather than double-count
    bytes_ -= it->second.bytes;
    order_.erase(it->second.position);
  }
  it->second.bytes = bytes;
  it->second.generation = generation;
  it->second.position = order_.insert(order_.end(), key);
  bytes_ += bytes;
  return generation;
}

std::optional<CacheLru::Seen> CacheLru::Touch(const CacheKey& key) {
  auto it = slots_.find(key);
  if (it == slots_.end()) return std::nullopt;
  order_.splice(order_.end(), order_, it->second.position);
  return Seen{it->second.generation, it->second.bytes};
}

bool CacheLru::Remove(const CacheKey& key, uint64_t generation) {
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second.generation != generation) return false;
  Erase(it);
  return true;
}

std::optional<CacheKey> CacheLru::PopOldest() {
  if (order_.empty()) return std::nullopt;
  const CacheKey key = order_.front();
  Erase(slots_.find(key));
  return key;
}

void CacheLru::Erase(std::unordered_map<CacheKey, Slot, CacheKeyHash>::iterator it) {
  bytes_ -= it->second.bytes;
  order_.erase(it->second.position);
  slots_.erase(it);
}

}  // namespace shoal
