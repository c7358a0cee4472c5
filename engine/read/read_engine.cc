#include "engine/read/read_engine.h"

#include <algorithm>
#include <cstring>

namespace shoal {

ReadEngine::ReadEngine(EventLoop& loop, ObjectStore& store, const FileCatalog& catalog,
                       ReadEngineOptions options)
    : ReadEngine(loop, store,
                 std::shared_ptr<const FileCatalog>(&catalog, [](const FileCatalog*) {}), options) {
}

ReadEngine::ReadEngine(EventLoop& loop, ObjectStore& store,
                       std::shared_ptr<const FileCatalog> catalog, ReadEngineOptions options)
    : loop_(loop),
      store_(store),
      catalog_(std::move(catalog)),
      options_(options),
      streams_(options.initial_window, options.max_window),
      readahead_(static_cast<uint32_t>(std::max<uint64_t>(
          1, options.max_readahead_bytes / std::max<uint64_t>(1, options.part_size)))) {}

ReadEngine::~ReadEngine() {
  if (!loop_.RunSync([this] { Shutdown(); })) Shutdown();  // the loop has exited: no race
}

void ReadEngine::Shutdown() {
  alive_.reset();
  auto parts = std::move(parts_);
  parts_.clear();
  lru_read_.clear();
  read_bytes_ = 0;
  lru_unread_.clear();
  for (auto& [key, part] : parts) {
    for (auto& waiter : part.waiters) {
      waiter(Status(ErrorCode::kCancelled, "the read engine shut down during the read"));
    }
  }
}

void ReadEngine::OnLoop(ReadCallback done, std::function<void(ReadCallback)> start) {
  if (loop_.InLoopThread()) {
    start(std::move(done));
    return;
  }
  auto shared = std::make_shared<ReadCallback>(std::move(done));
  const bool posted =
      loop_.Post([alive = std::weak_ptr<int>(alive_), shared, start = std::move(start)] {
        if (alive.expired()) {
          (*shared)(Status(ErrorCode::kCancelled, "the read engine has shut down"));
          return;
        }
        start(std::move(*shared));
      });
  if (!posted) (*shared)(Status(ErrorCode::kCancelled, "the read engine's event loop has stopped"));
}

void ReadEngine::Read(uint32_t entry, uint64_t offset, uint64_t length, ReadCallback done) {
  OnLoop(std::move(done), [this, entry, offset, length](ReadCallback cb) {
    ReadOnLoop(entry, offset, length, std::move(cb));
  });
}

void ReadEngine::Read(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done) {
  OnLoop(std::move(done), [this, file, offset, length](ReadCallback cb) {
    ReadFileOnLoop(file, offset, length, std::move(cb));
  });
}

bool ReadEngine::CurrentFile(uint32_t entry, FileRef* out) const {
  if (!catalog_->File(entry, out)) return false;
  out->generation = generation_id_;
  return true;
}

bool ReadEngine::Resolve(uint32_t entry, FileRef* out) {
  bool found = false;
  loop_.RunSync([&] { found = CurrentFile(entry, out); });
  return found;
}

void ReadEngine::SwapCatalog(std::shared_ptr<const FileCatalog> catalog) {
  loop_.RunSync([&] {
    catalog_ = std::move(catalog);
    ++generation_id_;
    consumed_.clear();
    hints_.clear();
    next_hint_ = 0;
    streams_.Clear();
  });
}

void ReadEngine::Hint(std::vector<uint32_t> entries) {
  auto shared = std::make_shared<std::vector<uint32_t>>(std::move(entries));
  loop_.Post([this, alive = std::weak_ptr<int>(alive_), shared] {
    if (alive.expired()) return;
    hints_ = std::move(*shared);
    next_hint_ = 0;
    // An order announced is an order about to be read, even files read in
    // an earlier pass.
    consumed_.assign(consumed_.size(), false);
    PumpHints();
  });
}

ReadStats ReadEngine::Stats() {
  ReadStats copy;
  loop_.RunSync([&] {
    stats_.bytes_in_use = used_;
    stats_.budget_bytes = options_.memory_budget;
    stats_.window = streams_.LargestWindow();
    stats_.streams = streams_.size();
    copy = stats_;
  });
  return copy;
}

uint64_t ReadEngine::PartBytes(const FileRef& file, uint32_t part) const {
  const uint64_t start = static_cast<uint64_t>(part) * options_.part_size;
  if (start >= file.size) return 0;
  return std::min(options_.part_size, file.size - start);
}

void ReadEngine::ReadOnLoop(uint32_t entry, uint64_t offset, uint64_t length, ReadCallback done) {
  FileRef file;
  if (!CurrentFile(entry, &file)) {
    done(Status(ErrorCode::kInvalidArgument, "entry " + std::to_string(entry) + " is not a file"));
    return;
  }
  ReadFileOnLoop(file, offset, length, std::move(done));
}

void ReadEngine::ReadFileOnLoop(const FileRef& file, uint64_t offset, uint64_t length,
                                ReadCallback done) {
  const uint32_t entry = file.entry;
  if (offset >= file.size || length == 0) {
    done(std::string_view());
    return;
  }
  length = std::min(length, file.size - offset);
  if (options_.direct) {
    ReadDirect(file, offset, length, std::move(done));
    return;
  }
  // The first read of a file's start moves the next-files window along.
  auto it = parts_.find(KeyOf(file, 0));
  // Only files of the current snapshot steer prefetching.
  const bool first_touch = file.generation == generation_id_ && offset < options_.part_size &&
                           (it == parts_.end() || !it->second.read);
  uint32_t prefetched_by = 0;
  if (first_touch) {
    // A file already read whose start is gone again is read a second
    // time: a new pass (the next epoch). Its neighbours are worth
    // prefetching again, so the record of the last pass is dropped.
    if (Consumed(entry) && it == parts_.end()) consumed_.assign(consumed_.size(), false);
    if (consumed_.size() <= entry) consumed_.resize(static_cast<size_t>(entry) + 1, false);
    consumed_[entry] = true;
    if (it != parts_.end() && it->second.prefetched) prefetched_by = it->second.stream;
  }
  Gather(file, offset, length, std::move(done));
  if (first_touch) {
    PrefetchStream& stream = streams_.OnFirstRead(entry, prefetched_by);
    if (next_hint_ >= hints_.size()) PrefetchNext(stream);  // hints take precedence
  }
}

void ReadEngine::ReadDirect(const FileRef& file, uint64_t offset, uint64_t length,
                            ReadCallback done) {
  ++stats_.requests;
  ++stats_.cache_misses;
  GetRequest request{file.key, ByteRange{offset, length}, file.etag};
  store_.Get(std::move(request), [this, alive = std::weak_ptr<int>(alive_), object_key = file.key,
                                  done = std::move(done)](Result<GetResult> r) {
    if (alive.expired()) {
      done(Status(ErrorCode::kCancelled, "the read engine shut down during the read"));
      return;
    }
    if (!r.ok()) {
      NoteFailure(object_key, r.status());
      done(r.status());
      return;
    }
    stats_.bytes_fetched += r->data.size();
    done(std::string_view(r->data));
  });
}

void ReadEngine::Gather(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done) {
  const auto first = static_cast<uint32_t>(offset / options_.part_size);
  const auto last = static_cast<uint32_t>((offset + length - 1) / options_.part_size);
  if (first == last) {
    const uint64_t in_part = offset - static_cast<uint64_t>(first) * options_.part_size;
    WithPart(file, first, [done = std::move(done), in_part, length](const auto& part) {
      if (!part.ok()) {
        done(part.status());
        return;
      }
      const std::string& data = **part;
      if (in_part >= data.size()) {
        done(std::string_view());
        return;
      }
      done(std::string_view(data).substr(in_part, length));
    });
  } else {
    struct Pending {
      std::string buffer;
      size_t remaining = 0;
      Status error;
      ReadCallback done;
    };
    auto pending = std::make_shared<Pending>();
    pending->buffer.resize(length);
    pending->remaining = last - first + 1;
    pending->done = std::move(done);
    for (uint32_t p = first; p <= last; ++p) {
      const uint64_t part_start = static_cast<uint64_t>(p) * options_.part_size;
      WithPart(file, p, [pending, part_start, offset, length](const auto& part) {
        if (!part.ok()) {
          if (pending->error.ok()) pending->error = part.status();
        } else {
          const std::string& data = **part;
          const uint64_t from = std::max(offset, part_start);
          const uint64_t to = std::min(offset + length, part_start + data.size());
          if (to > from)
            std::memcpy(pending->buffer.data() + (from - offset), data.data() + (from - part_start),
                        to - from);
        }
        if (--pending->remaining > 0) return;
        if (!pending->error.ok()) {
          pending->done(pending->error);
        } else {
          pending->done(std::string_view(pending->buffer));
        }
      });
    }
  }
  if (file.size > options_.part_size) ReadAhead(file, offset, length);
}

void ReadEngine::ReadAhead(const FileRef& file, uint64_t offset, uint64_t length) {
  const auto last = static_cast<uint32_t>((offset + length - 1) / options_.part_size);
  const uint32_t ahead = readahead_.OnRead(file.entry, offset, length, options_.part_size);
  for (uint32_t p = last + 1; p <= last + ahead && PartBytes(file, p) > 0; ++p) {
    if (!parts_.contains(KeyOf(file, p)) && !Fetch(file, p, /*prefetch=*/true)) break;
  }
}

void ReadEngine::MarkRead(Part& part) {
  if (part.read) return;
  part.read = true;
  if (part.prefetched) {
    ++stats_.prefetch_hits;
    if (part.stream != 0) streams_.OnPrefetchRead(part.stream, part.bytes);
  }
  if (part.ready) {
    lru_read_.splice(lru_read_.end(), lru_unread_, part.lru);
    read_bytes_ += part.bytes;
  }
}

void ReadEngine::TrimRead() {
  while (read_bytes_ > options_.retain_read_bytes && lru_read_.size() > 1) {
    Evict(lru_read_, lru_read_.begin());
  }
}

void ReadEngine::WithPart(
    const FileRef& file, uint32_t part_index,
    std::function<void(const Result<std::shared_ptr<const std::string>>&)> done) {
  const PartKey key = KeyOf(file, part_index);
  auto it = parts_.find(key);
  if (it != parts_.end()) {
    Part& part = it->second;
    MarkRead(part);
    if (part.ready) {
      ++stats_.cache_hits;
      lru_read_.splice(lru_read_.end(), lru_read_, part.lru);  // most recent
      std::shared_ptr<const std::string> data = part.data;
      done(data);
      TrimRead();
      PumpHints();
      return;
    }
    ++stats_.cache_misses;
    part.waiters.push_back(std::move(done));
    return;
  }
  ++stats_.cache_misses;
  ++generation_;
  Fetch(file, part_index, /*prefetch=*/false, std::move(done));
}

bool ReadEngine::IsStale(const Part& part) const {
  if (part.stream != 0) return streams_.IsStale(part.stream);
  return part.generation + 1 < generation_;  // prefetched before the reader moved on twice
}

bool ReadEngine::Reserve(uint64_t bytes, bool prefetch) {
  const uint64_t budget = options_.memory_budget;
  while (used_ + bytes > budget && !lru_read_.empty()) Evict(lru_read_, lru_read_.begin());
  if (!prefetch) {
    while (used_ + bytes > budget && !lru_unread_.empty()) Evict(lru_unread_, lru_unread_.begin());
    return true;  // a read always proceeds, even over budget (parts in flight)
  }
  // Prefetch may evict only stale unread prefetches; look at the oldest few.
  auto candidate = lru_unread_.begin();
  for (int looked = 0; used_ + bytes > budget && candidate != lru_unread_.end() && looked < 16;
       ++looked) {
    auto part = parts_.find(*candidate);
    auto next = std::next(candidate);
    if (part == parts_.end() || IsStale(part->second)) Evict(lru_unread_, candidate);
    candidate = next;
  }
  return used_ + bytes <= budget;
}

void ReadEngine::Evict(std::list<PartKey>& from, std::list<PartKey>::iterator which) {
  const PartKey key = *which;
  from.erase(which);
  auto it = parts_.find(key);
  if (it == parts_.end()) return;
  const Part& part = it->second;
  if (part.prefetched && !part.read) {
    stats_.prefetch_wasted_bytes += part.bytes;
    if (part.stream != 0) streams_.OnPrefetchDropped(part.stream, part.bytes, /*wasted=*/true);
  }
  if (&from == &lru_read_) read_bytes_ -= part.bytes;
  used_ -= part.bytes;
  parts_.erase(it);
}

bool ReadEngine::Fetch(const FileRef& file, uint32_t part_index, bool prefetch, PartWaiter waiter,
                       uint32_t stream, bool hinted) {
  const uint64_t bytes = PartBytes(file, part_index);
  if (!Reserve(bytes, prefetch)) return false;
  const PartKey key = KeyOf(file, part_index);
  Part& part = parts_[key];
  part.bytes = bytes;
  part.prefetched = prefetch;
  part.generation = generation_;
  part.stream = stream;
  if (hinted) {  // counted until its GET completes (OnFetched), which may be inline
    part.hinted = true;
    ++hinted_in_flight_;
  }
  if (stream != 0) streams_.OnPrefetched(stream, bytes);
  if (waiter) {
    part.read = true;
    part.waiters.push_back(std::move(waiter));
  }
  used_ += bytes;
  stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, used_);
  ++stats_.requests;
  if (prefetch) ++stats_.prefetched_parts;

  GetRequest request;
  request.key = file.key;
  request.if_match = file.etag;
  if (file.size > options_.part_size) {
    request.range = ByteRange{static_cast<uint64_t>(part_index) * options_.part_size, bytes};
  }
  store_.Get(std::move(request), [this, alive = std::weak_ptr<int>(alive_), key,
                                  object_key = file.key](Result<GetResult> r) {
    if (!alive.expired()) OnFetched(key, object_key, std::move(r));  // else: engine gone
  });
  return true;
}

void ReadEngine::OnFetched(PartKey key, const std::string& object_key, Result<GetResult> result) {
  auto it = parts_.find(key);
  if (it == parts_.end()) return;
  Part& part = it->second;
  if (part.hinted) {  // a slot for the next hinted fetch (PumpHints below)
    part.hinted = false;
    --hinted_in_flight_;
  }
  // The manifest knows each part's exact size: a body of any other length
  // (cut short, or another object's) is an error, never data.
  if (result.ok() && result->data.size() != part.bytes) {
    result = Status(ErrorCode::kProtocolError,
                    "object '" + object_key + "' sent " + std::to_string(result->data.size()) +
                        " bytes where the manifest needs " + std::to_string(part.bytes));
  }
  auto waiters = std::move(part.waiters);
  part.waiters.clear();
  if (!result.ok()) {
    NoteFailure(object_key, result.status());
    if (part.stream != 0 && !part.read) {
      streams_.OnPrefetchDropped(part.stream, part.bytes, /*wasted=*/false);
    }
    used_ -= part.bytes;
    parts_.erase(it);
    for (auto& w : waiters) w(result.status());
    PumpHints();
    return;
  }
  stats_.bytes_fetched += result->data.size();
  used_ = used_ - part.bytes + result->data.size();
  part.bytes = result->data.size();
  part.data = std::make_shared<const std::string>(std::move(result->data));
  part.ready = true;
  std::list<PartKey>& list = part.read ? lru_read_ : lru_unread_;
  part.lru = list.insert(list.end(), key);
  if (part.read) read_bytes_ += part.bytes;
  std::shared_ptr<const std::string> data = part.data;
  for (auto& w : waiters) w(data);
  TrimRead();
  PumpHints();
}

void ReadEngine::NoteFailure(const std::string& key, const Status& status) {
  ++stats_.errors;
  const bool stale = status.code() == ErrorCode::kPreconditionFailed;
  if (stale) ++stats_.stale_objects;
  if (status.code() == ErrorCode::kCancelled || options_.log == nullptr) return;
  if (failures_logged_.size() >= 100000 || !failures_logged_.insert(key).second) return;
  if (stale) {
    options_.log->Write(LogLevel::kWarning,
                        "object '" + key +
                            "' changed after the snapshot was indexed (its ETag no longer "
                            "matches); its reads fail until the mount is refreshed");
  } else {
    options_.log->Write(LogLevel::kError,
                        "reading object '" + key + "' failed: " + status.ToString());
  }
}

void ReadEngine::PrefetchNext(PrefetchStream& stream) {
  const uint64_t share = streams_.ByteShare(options_.memory_budget);
  // Skipping files already read or cached costs a little; bound it.
  for (size_t looked = 0; stream.ahead_files < stream.window && stream.ahead_bytes < share &&
                          looked < 4 * stream.window + 16;
       ++looked) {
    std::vector<uint32_t> next = catalog_->NextFiles(stream.frontier, 1);
    if (next.empty()) return;  // the end of the directory
    FileRef file;
    if (parts_.contains(PartKey{generation_id_, next[0], 0}) || Consumed(next[0]) ||
        !CurrentFile(next[0], &file) || file.size == 0) {
      stream.frontier = next[0];
      continue;
    }
    // Backpressure: when the budget is full, the frontier stays put and
    // the next read of this stream tries again.
    if (!Fetch(file, 0, /*prefetch=*/true, nullptr, stream.id)) return;
    stream.frontier = next[0];
  }
}

void ReadEngine::PumpHints() {
  // A store that answers inline completes the GET inside Fetch, and its
  // OnFetched pumps again: without this guard every hinted file would add
  // a stack frame. The loop below already goes on with the freed slot.
  if (pumping_hints_) return;
  pumping_hints_ = true;
  PumpHintsUnguarded();
  pumping_hints_ = false;
}

void ReadEngine::PumpHintsUnguarded() {
  while (next_hint_ < hints_.size() && hinted_in_flight_ < options_.max_hinted_in_flight) {
    const uint32_t entry = hints_[next_hint_];
    FileRef file;
    if (parts_.contains(PartKey{generation_id_, entry, 0}) || Consumed(entry) ||
        !CurrentFile(entry, &file) || file.size == 0) {
      ++next_hint_;
      continue;
    }
    // Taken before the fetch (an inline answer runs OnFetched inside it);
    // a fetch refused for want of memory puts it back.
    const size_t taken = next_hint_++;
    if (!Fetch(file, 0, /*prefetch=*/true, nullptr, 0, /*hinted=*/true)) {
      next_hint_ = taken;  // resumes when memory frees up
      return;
    }
  }
}

}  // namespace shoal
