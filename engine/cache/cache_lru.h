// CacheLru: the in-memory index of the disk cache's entries, least recently
// used first, with their total size.
//
// The files on disk are the truth; this index is rebuilt from them at every
// open (ordered by mtime) and then kept in step by the cache, so a lookup of
// an absent key costs no system call. Each addition gets a new generation
// number: an operation that started on an entry can tell, when it
// completes, whether the entry it saw has since been replaced.
//
// Not thread-safe: the DiskCache uses it from its loop thread only.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

#include "engine/cache/cache_key.h"

namespace shoal {

class CacheLru {
 public:
  // Adds an absent `key` as the most recently used; returns its generation.
  uint64_t Add(const CacheKey& key, uint64_t bytes);
  struct Seen {
    uint64_t generation = 0;
    uint64_t bytes = 0;
  };
  // Marks `key` most recently used; returns what is indexed, if present.
  std::optional<Seen> Touch(const CacheKey& key);
  bool Contains(const CacheKey& key) const { return slots_.contains(key); }
  // Removes `key` if it still has `generation`; returns whether it did.
  bool Remove(const CacheKey& key, uint64_t generation);
  // Removes and returns the least recently used entry, if any.
  std::optional<CacheKey> PopOldest();

  uint64_t bytes() const { return bytes_; }
  size_t entries() const { return slots_.size(); }

 private:
  struct Slot {
    uint64_t bytes = 0;
    uint64_t generation = 0;
    std::list<CacheKey>::iterator position;
  };
  void Erase(std::unordered_map<CacheKey, Slot, CacheKeyHash>::iterator it);

  std::list<CacheKey> order_;  // front = least recently used
  std::unordered_map<CacheKey, Slot, CacheKeyHash> slots_;
  uint64_t bytes_ = 0;
  uint64_t next_generation_ = 1;
};

}  // namespace shoal
