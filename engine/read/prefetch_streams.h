// PrefetchStreams: which reader a read belongs to, and how far ahead that
// reader's next-files prefetch may run.
//
// Readers are not identified by the kernel, so streams are inferred, as a
// disk's readahead does: a stream walks one directory in manifest order,
// and a file belongs to the stream that prefetched it, or whose cursor it
// directly follows. Eight data-loader workers on eight slices of a dataset
// are eight streams, each with its own window; they no longer reset one
// shared window or evict each other's prefetches.
//
// Each stream's window, counted in files, starts small, doubles when one of
// its prefetches is read, and halves when one is evicted unread. Its unread
// prefetched bytes are also capped at an even share of the memory budget.
// A stream nobody has read from for a while is idle: its unread prefetches
// may be evicted by others. The table is bounded; the least recently used
// stream is forgotten first. Pure bookkeeping: no I/O, single-threaded (the
// engine calls it on its loop thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shoal {

struct PrefetchStream {
  uint32_t id = 0;        // never 0 for a live stream
  uint32_t cursor = 0;    // the last file read
  uint32_t frontier = 0;  // the last file prefetched (or the cursor)
  size_t window = 1;      // files it may have prefetched and unread
  size_t ahead_files = 0;
  uint64_t ahead_bytes = 0;
  uint64_t last_tick = 0;
};

class PrefetchStreams {
 public:
  PrefetchStreams(size_t initial_window, size_t max_window, size_t max_streams = 64);

  // The first read of file `entry`; `prefetched_by` is the stream that
  // prefetched it, or 0. Returns the stream the read continues (found or
  // new), with its cursor moved to `entry`. The reference is valid until
  // the next call that adds a stream.
  PrefetchStream& OnFirstRead(uint32_t entry, uint32_t prefetched_by);
  // A stream's prefetch of `bytes` was issued / read / dropped unread.
  void OnPrefetched(uint32_t stream, uint64_t bytes);
  void OnPrefetchRead(uint32_t stream, uint64_t bytes);
  void OnPrefetchDropped(uint32_t stream, uint64_t bytes, bool wasted);

  // Whether prefetches made for `stream` may be evicted by other prefetches:
  // the stream is forgotten or idle.
  bool IsStale(uint32_t stream) const;
  // The byte cap on one stream's unread prefetches.
  uint64_t ByteShare(uint64_t budget) const;
  size_t LargestWindow() const;
  size_t size() const { return streams_.size(); }
  // Forgets every stream (ids are never reused, so their prefetches go stale).
  void Clear() { streams_.clear(); }

 private:
  PrefetchStream* Find(uint32_t id);
  const PrefetchStream* Find(uint32_t id) const;
  size_t ActiveCount() const;
  bool Idle(const PrefetchStream& s) const;

  const size_t initial_window_;
  const size_t max_window_;
  const size_t max_streams_;
  std::vector<PrefetchStream> streams_;
  uint32_t next_id_ = 1;
  uint64_t tick_ = 0;  // advances on every first read
};

}  // namespace shoal
