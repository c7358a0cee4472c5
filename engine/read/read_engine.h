// ReadEngine: answers reads of manifest entries from memory, fetching and
// prefetching objects within one memory budget.
//
// Design (after mountpoint-s3's prefetcher, adapted to many small files):
//  - The unit of caching is a part: a whole object when it is no larger than
//    `part_size`, else one `part_size` range of it. Concurrent reads of the
//    same part share one request (single flight).
//  - Every GET carries If-Match with the manifest's ETag, so a changed object
//    fails with kPreconditionFailed instead of mixing versions.
//  - One byte budget covers cached parts and parts being fetched, prefetched
//    or not. The least recently used unpinned part is evicted; prefetch
//    stops (backpressure) rather than exceed the budget.
//  - "Next files": the first read of file i schedules its following siblings
//    in manifest order, within the window of the reader's stream (see
//    prefetch_streams.h): one window per inferred reader, growing while its
//    prefetches are read and shrinking when they are evicted unread. Unread
//    prefetches are protected from other prefetches until their stream
//    goes idle or is forgotten.
//  - Readahead inside a large file: a window of parts that starts at one,
//    doubles as the reader moves on, and collapses on a seek (see
//    sequential_readahead.h).
//  - Order hints: an explicit list of entries is prefetched in exactly that
//    order (shuffled training epochs); while one is in force, the next-files
//    policy stands aside. Prefetch never fetches a file already read.
//  - Direct mode: no cache and no prefetch; each read is one ranged GET.
//
// Threading: every method may be called from any thread; all state lives on
// the EventLoop thread. Callbacks run on the loop thread and must not block.
// The ObjectStore's callbacks must also arrive on the loop thread (the
// io_uring transport does this; so do inline-completing stores called there).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/base/log_sink.h"
#include "engine/loop/event_loop.h"
#include "engine/read/prefetch_streams.h"
#include "engine/read/sequential_readahead.h"
#include "engine/store/object_store.h"

namespace shoal {

// What the engine needs to know about a file; the manifest supplies it.
struct FileRef {
  uint32_t entry = 0;
  std::string key;
  std::string etag;
  uint64_t size = 0;
  uint32_t generation = 0;  // of the catalog it came from (see SwapCatalog)
};

// The engine's view of the snapshot: file identity and sibling order.
class FileCatalog {
 public:
  virtual ~FileCatalog() = default;
  virtual bool File(uint32_t entry, FileRef* out) const = 0;  // false for directories
  // The files after `entry` in its directory, in manifest order, at most `limit`.
  virtual std::vector<uint32_t> NextFiles(uint32_t entry, size_t limit) const = 0;
};

struct ReadEngineOptions {
  uint64_t memory_budget = 1ull << 30;  // bytes for cached and in-flight parts
  uint64_t part_size = 8ull << 20;
  bool direct = false;
  size_t initial_window = 4;  // files a new stream prefetches after its first read
  size_t max_window = 256;
  uint64_t max_readahead_bytes = 64ull << 20;  // inside one large file
  // Hinted prefetches waiting for their GET at once. An order hint may name
  // millions of files: issued all at once they would queue ahead of every
  // read that needs a file now. Kept to a few times the transport's
  // concurrency, the hint still runs at the server's speed.
  size_t max_hinted_in_flight = 256;
  // Parts already read are kept for re-reads up to this many bytes (within
  // the budget). A FUSE mount lowers it: the kernel's page cache already
  // keeps files read through it (keep_cache), and a second copy here would
  // only cost memory and fresh-page faults.
  uint64_t retain_read_bytes = UINT64_MAX;
  // Where failures are reported, once per file (an object that changed
  // since indexing, a fetch that failed after retries); may be null. Must
  // outlive the engine.
  LogSink* log = nullptr;
};

struct ReadStats {
  uint64_t requests = 0;  // GETs issued
  uint64_t bytes_fetched = 0;
  uint64_t cache_hits = 0;  // reads answered without waiting for a GET
  uint64_t cache_misses = 0;
  uint64_t prefetched_parts = 0;       // parts fetched ahead of a read
  uint64_t prefetch_hits = 0;          // prefetched parts that were then read
  uint64_t prefetch_wasted_bytes = 0;  // prefetched parts evicted unread
  uint64_t stale_objects = 0;          // ETag no longer matched
  uint64_t errors = 0;
  uint64_t bytes_in_use = 0;  // now
  uint64_t peak_bytes_in_use = 0;
  uint64_t budget_bytes = 0;
  size_t window = 0;   // the largest next-files window now
  size_t streams = 0;  // reader streams being tracked
};

class ReadEngine {
 public:
  // Reads get the bytes as a view valid only during the callback.
  using ReadCallback = std::function<void(Result<std::string_view>)>;

  // `loop`, `store` and `catalog` must outlive the engine.
  ReadEngine(EventLoop& loop, ObjectStore& store, const FileCatalog& catalog,
             ReadEngineOptions options);
  // The engine shares ownership of the catalog.
  ReadEngine(EventLoop& loop, ObjectStore& store, std::shared_ptr<const FileCatalog> catalog,
             ReadEngineOptions options);
  // Safe with requests in flight: pending reads complete with kCancelled,
  // and late completions from the store are ignored.
  ~ReadEngine();
  ReadEngine(const ReadEngine&) = delete;
  ReadEngine& operator=(const ReadEngine&) = delete;

  // A read of a file of the current catalog.
  void Read(uint32_t entry, uint64_t offset, uint64_t length, ReadCallback done);
  // A read of a file resolved earlier, possibly from an older catalog: a
  // file opened before a snapshot refresh keeps reading its own version.
  void Read(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done);
  // Resolves `entry` in the current catalog (any thread; brief wait for the loop).
  bool Resolve(uint32_t entry, FileRef* out);
  // Prefetch these files of the current catalog next, in this order.
  void Hint(std::vector<uint32_t> entries);
  // Switches to a newer snapshot. Cached parts of the old one stay until
  // evicted, for files already open; streams, hints and the record of
  // files read start afresh.
  void SwapCatalog(std::shared_ptr<const FileCatalog> catalog);
  ReadStats Stats();  // blocks briefly for the loop thread

 private:
  struct PartKey {
    uint32_t generation;
    uint32_t entry;
    uint32_t part;
    bool operator<(const PartKey& o) const {
      if (generation != o.generation) return generation < o.generation;
      return entry != o.entry ? entry < o.entry : part < o.part;
    }
  };
  struct Part {
    bool ready = false;
    bool prefetched = false;  // fetched ahead of any read
    bool read = false;        // a read has used it
    bool hinted = false;      // fetched for an order hint, GET not yet done
    uint32_t stream = 0;      // the next-files stream that prefetched it, or 0
    uint64_t bytes = 0;       // reserved against the budget
    uint64_t generation = 0;  // the demand-miss count when it was fetched
    std::shared_ptr<const std::string> data;
    std::vector<std::function<void(const Result<std::shared_ptr<const std::string>>&)>> waiters;
    std::list<PartKey>::iterator lru;  // valid when ready
  };

  // Runs `start(done)` on the loop thread, or completes `done` with
  // kCancelled if the engine shuts down first.
  void OnLoop(ReadCallback done, std::function<void(ReadCallback)> start);
  void ReadOnLoop(uint32_t entry, uint64_t offset, uint64_t length, ReadCallback done);
  void ReadFileOnLoop(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done);
  static PartKey KeyOf(const FileRef& file, uint32_t part) {
    return PartKey{file.generation, file.entry, part};
  }
  bool CurrentFile(uint32_t entry, FileRef* out) const;
  void ReadDirect(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done);
  void Gather(const FileRef& file, uint64_t offset, uint64_t length, ReadCallback done);
  // Calls `done` once the part is in memory (or failed).
  void WithPart(const FileRef& file, uint32_t part,
                std::function<void(const Result<std::shared_ptr<const std::string>>&)> done);
  using PartWaiter = std::function<void(const Result<std::shared_ptr<const std::string>>&)>;
  // Starts fetching a part. A demand fetch passes the reader's waiter, which
  // is registered before the GET is issued: a store may complete inline.
  bool Fetch(const FileRef& file, uint32_t part, bool prefetch, PartWaiter waiter = nullptr,
             uint32_t stream = 0, bool hinted = false);
  void OnFetched(PartKey key, const std::string& object_key, Result<GetResult> result);
  // Counts a failed fetch and logs it, once per object.
  void NoteFailure(const std::string& object_key, const Status& status);
  bool Reserve(uint64_t bytes, bool prefetch);
  void Evict(std::list<PartKey>& from, std::list<PartKey>::iterator which);
  bool IsStale(const Part& part) const;
  void MarkRead(Part& part);
  // Evicts the least recently read parts beyond retain_read_bytes.
  void TrimRead();
  void PrefetchNext(PrefetchStream& stream);
  void ReadAhead(const FileRef& file, uint64_t offset, uint64_t length);
  void PumpHints();
  void PumpHintsUnguarded();
  uint64_t PartBytes(const FileRef& file, uint32_t part) const;

  // Every callback the engine hands out holds a weak reference to this and
  // does nothing once it has expired. Only the loop thread resets it.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  void Shutdown();

  EventLoop& loop_;
  ObjectStore& store_;
  std::shared_ptr<const FileCatalog> catalog_;  // loop thread
  uint32_t generation_id_ = 0;                  // of catalog_
  const ReadEngineOptions options_;

  // Loop-thread state.
  std::map<PartKey, Part> parts_;
  // Ready parts by recency (front = least recent). Prefetched parts that
  // nobody has read yet are kept apart: prefetching never evicts them, so a
  // long hint list cannot push out the files about to be read.
  std::list<PartKey> lru_read_;
  std::list<PartKey> lru_unread_;
  uint64_t used_ = 0;
  uint64_t read_bytes_ = 0;  // of the parts in lru_read_
  // Advances on every demand miss. A hinted or read-ahead part still unread
  // two misses later is stale: the reader went elsewhere, so prefetching
  // may evict it. (Next-files prefetches go stale with their stream.)
  uint64_t generation_ = 0;
  PrefetchStreams streams_;
  SequentialReadahead readahead_;
  // Files whose start has been read in this pass: prefetching skips them,
  // so a file read and evicted is not fetched again just because it is a
  // neighbour. A new pass (a hint, or a re-read of an evicted file) clears it.
  std::vector<bool> consumed_;
  bool Consumed(uint32_t entry) const { return entry < consumed_.size() && consumed_[entry]; }
  std::unordered_set<std::string> failures_logged_;
  std::vector<uint32_t> hints_;
  size_t next_hint_ = 0;
  size_t hinted_in_flight_ = 0;  // hinted parts whose GET has not completed
  bool pumping_hints_ = false;   // PumpHints is on the stack (see there)
  ReadStats stats_;
};

}  // namespace shoal
