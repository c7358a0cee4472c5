#include "engine/read/prefetch_streams.h"

#include <algorithm>

namespace shoal {

PrefetchStreams::PrefetchStreams(size_t initial_window, size_t max_window, size_t max_streams)
    : initial_window_(std::max<size_t>(1, initial_window)),
      max_window_(std::max<size_t>(1, max_window)),
      max_streams_(std::max<size_t>(1, max_streams)) {}

PrefetchStream* PrefetchStreams::Find(uint32_t id) {
  for (PrefetchStream& s : streams_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const PrefetchStream* PrefetchStreams::Find(uint32_t id) const {
  return const_cast<PrefetchStreams*>(this)->Find(id);
}

bool PrefetchStreams::Idle(const PrefetchStream& s) const {
  // Interleaved streams each advance the tick; allow every active stream
  // a couple of reads before calling one idle.
  const uint64_t allowance = 2 * static_cast<uint64_t>(streams_.size()) + 8;
  return tick_ - s.last_tick > allowance;
}

size_t PrefetchStreams::ActiveCount() const {
  size_t n = 0;
  for (const PrefetchStream& s : streams_) n += Idle(s) ? 0 : 1;
  return std::max<size_t>(1, n);
}

PrefetchStream& PrefetchStreams::OnFirstRead(uint32_t entry, uint32_t prefetched_by) {
  ++tick_;
  PrefetchStream* match = prefetched_by != 0 ? Find(prefetched_by) : nullptr;
  if (match == nullptr) {
    // Entries of a directory are consecutive ids in manifest order, so the
    // files a stream expects next lie just past its cursor.
    for (PrefetchStream& s : streams_) {
      const uint32_t reach = std::max(s.frontier, s.cursor + 1);
      if (s.cursor < entry && entry <= reach &&
          (match == nullptr || s.last_tick > match->last_tick)) {
        match = &s;
      }
    }
  }
  if (match == nullptr) {
    if (streams_.size() >= max_streams_) {
      auto oldest = std::min_element(streams_.begin(), streams_.end(),
                                     [](const PrefetchStream& a, const PrefetchStream& b) {
                                       return a.last_tick < b.last_tick;
                                     });
      streams_.erase(oldest);
    }
    PrefetchStream fresh;
    fresh.id = next_id_++;
    if (next_id_ == 0) next_id_ = 1;
    fresh.window = initial_window_;
    fresh.frontier = entry;
    streams_.push_back(fresh);
    match = &streams_.back();
  }
  match->cursor = entry;
  match->frontier = std::max(match->frontier, entry);
  match->last_tick = tick_;
  return *match;
}

void PrefetchStreams::OnPrefetched(uint32_t stream, uint64_t bytes) {
  if (PrefetchStream* s = Find(stream)) {
    ++s->ahead_files;
    s->ahead_bytes += bytes;
  }
}

void PrefetchStreams::OnPrefetchRead(uint32_t stream, uint64_t bytes) {
  if (PrefetchStream* s = Find(stream)) {
    if (s->ahead_files > 0) --s->ahead_files;
    s->ahead_bytes -= std::min(s->ahead_bytes, bytes);
    s->window = std::min(max_window_, s->window * 2);
  }
}

void PrefetchStreams::OnPrefetchDropped(uint32_t stream, uint64_t bytes, bool wasted) {
  if (PrefetchStream* s = Find(stream)) {
    if (s->ahead_files > 0) --s->ahead_files;
    s->ahead_bytes -= std::min(s->ahead_bytes, bytes);
    if (wasted) s->window = std::max<size_t>(1, s->window / 2);
  }
}

bool PrefetchStreams::IsStale(uint32_t stream) const {
  const PrefetchStream* s = Find(stream);
  return s == nullptr || Idle(*s);
}

uint64_t PrefetchStreams::ByteShare(uint64_t budget) const { return budget / ActiveCount(); }

size_t PrefetchStreams::LargestWindow() const {
  size_t largest = 0;
  for (const PrefetchStream& s : streams_) largest = std::max(largest, s.window);
  return largest == 0 ? initial_window_ : largest;
}

}  // namespace shoal
