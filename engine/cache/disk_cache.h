// DiskCache: an optional on-disk cache of object bytes, below the read
// engine's memory cache, that outlives the process.
//
// - Keyed by (namespace, key, ETag, range) (engine/cache/cache_key.h). A
//   changed object has a new ETag, so an entry never needs invalidating
//   and stays valid across remounts.
// - One file per entry, header + data (engine/cache/cache_entry_format.h),
//   in 256 shard directories (engine/cache/cache_dir.h).
// - All I/O after Open goes through io_uring on the loop
//   (engine/cache/entry_file_io.h). Open itself blocks: it scans the
//   directory to rebuild the LRU index, oldest mtime first, and trims to
//   `max_bytes`. Within a run, hits refresh recency in memory only, so
//   across restarts the order is the order of writing.
// - Crash safety: entries are written to tmp/ and renamed into place, and
//   every read checks lengths and checksums; a damaged entry is a miss, is
//   counted and is deleted. Nothing is fsynced.
// - Bounded: objects over `max_entry_bytes` are not cached, and at most
//   `max_pending_writes` writes holding `max_pending_bytes` run at once;
//   insertions beyond that are skipped (and counted), never queued.
//
// Threading: Open may be called from any thread, and blocks. Lookup,
// Insert and Stats must be called on the loop thread; callbacks run there.
// Admits is thread-safe. The loop must be running while the cache lives.
// The destructor may run on any thread: it detaches from the loop with
// RunSync (like ReadEngine). Writes still in flight then stop at their next
// step and remove their temporary files (or leave them for the next Open,
// if the loop stops first), and lookups in flight complete as misses. The
// directory stays locked until the last of them has finished, so no other
// cache can open it while this one's files are still changing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "engine/base/result.h"
#include "engine/cache/cache_dir.h"
#include "engine/cache/cache_key.h"
#include "engine/cache/cache_lru.h"
#include "engine/loop/event_loop.h"

namespace shoal {

struct DiskCacheOptions {
  std::string dir;
  uint64_t max_bytes = 0;        // total size of the entry files, headers included
  uint64_t max_entry_bytes = 0;  // larger objects are not cached; 0: max_bytes / 8
  size_t max_pending_writes = 64;
  uint64_t max_pending_bytes = 256ull << 20;
};

struct CachedObject {
  std::string data;
  uint64_t object_size = 0;  // the whole object's size, even for a range
};

// Plain counters, owned by the loop thread.
struct DiskCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t corrupt_entries = 0;  // failed verification; deleted
  uint64_t inserts = 0;          // entries written and indexed
  uint64_t insert_skipped = 0;   // too large, or too many writes pending
  uint64_t write_errors = 0;
  uint64_t evictions = 0;  // trimmed to stay within max_bytes, at open or since
  uint64_t bytes_in_cache = 0;
  uint64_t entries = 0;
  uint64_t pending_writes = 0;  // now
};

class DiskCache {
 public:
  using LookupCallback = std::function<void(std::optional<CachedObject>)>;

  // `loop` must outlive the cache.
  static Result<std::unique_ptr<DiskCache>> Open(EventLoop& loop, DiskCacheOptions options);
  ~DiskCache();
  DiskCache(const DiskCache&) = delete;
  DiskCache& operator=(const DiskCache&) = delete;

  // The entry for `id`, verified, or nullopt. `done` may run before Lookup
  // returns (a key that is not indexed costs no system call).
  void Lookup(const CacheIdentity& id, LookupCallback done);
  // Writes an entry for `id` in the background, unless one exists or is
  // being written, or the bounds above say no.
  void Insert(const CacheIdentity& id, std::shared_ptr<const std::string> data,
              uint64_t object_size);
  // Whether an object of `data_bytes` is small enough to cache at all.
  bool Admits(uint64_t data_bytes) const { return data_bytes <= max_entry_bytes_; }
  DiskCacheStats Stats() const;

 private:
  DiskCache(EventLoop& loop, DiskCacheOptions options, std::shared_ptr<const CacheDir> dir);

  void OnRead(const CacheKey& key, uint64_t generation, const std::string& identity,
              Result<std::string> file, const LookupCallback& done);
  void OnWritten(const CacheKey& key, uint64_t bytes, int rc);
  // Drops an indexed entry's file; the key stays busy until it is gone.
  void Delete(const CacheKey& key);
  void Trim();

  // Every callback holds a weak reference to this and does nothing once it
  // has expired. Only the loop thread resets it (or the destructor, once
  // the loop has stopped).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  EventLoop& loop_;
  const DiskCacheOptions options_;
  const uint64_t max_entry_bytes_;
  // Shared with every write and unlink in flight: it holds the lock.
  const std::shared_ptr<const CacheDir> dir_;
  const std::string tmp_prefix_;  // unique to this instance

  // Loop-thread state.
  CacheLru lru_;
  // Keys with a write or an unlink in flight: not indexed, not insertable.
  std::unordered_set<CacheKey, CacheKeyHash> busy_;
  uint64_t next_tmp_ = 0;
  uint64_t pending_writes_ = 0;
  uint64_t pending_bytes_ = 0;
  DiskCacheStats stats_;
};

}  // namespace shoal
