// Spool: a local directory holding every byte the write path has
// acknowledged but not yet committed to the object store, so that a crash of
// the writer (or of the machine) loses nothing.
//
//   <dir>/LOCK                flock()ed while a writer uses the spool: two
//                             mounts never recover each other's live files
//   <dir>/entries/<id>.rec    the SpoolRecord: which object, and how
//   <dir>/entries/<id>.data   the bytes written so far, in order
//   <dir>/entries/<id>.pos    appends only: AppendProgress
//
// Ids are a counter that continues from the largest id found at open, so
// leftovers replay in creation order whatever the clock does. When an
// object is committed, deleted or renamed over, older entries for its key
// are superseded (deleted): recovery must never put back stale bytes over
// a newer object.
//
// An entry is created (data file, then its record renamed into place and the
// directory fsynced) before the first byte is accepted. Append writes
// through io_uring on a descriptor opened O_DSYNC, so the bytes are on disk
// when it returns. Remove deletes the record first, so a crash midway leaves
// only a data file without a record, which Open discards: those bytes were
// committed already. Anything else found in entries/ is left alone.
//
// Threading: Spool's methods are thread-safe. A SpoolEntry is used by one
// thread at a time; it must not outlive its Spool. Blocking calls: this is
// for threads that may wait on the disk, never for the loop thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/base/unique_fd.h"
#include "engine/loop/event_loop.h"
#include "engine/write/spool_record.h"

namespace shoal {

class Spool;

class SpoolEntry {
 public:
  ~SpoolEntry() = default;
  SpoolEntry(const SpoolEntry&) = delete;
  SpoolEntry& operator=(const SpoolEntry&) = delete;

  const SpoolRecord& record() const { return record_; }
  const std::string& id() const { return id_; }
  uint64_t size() const { return size_; }  // bytes durable in the data file

  // Appends `bytes`; they are on disk when this returns ok.
  Status Append(std::string_view bytes);
  // Up to `length` bytes at `offset` (fewer only at the end).
  Result<std::string> Read(uint64_t offset, uint64_t length);
  // Forgets the spooled bytes (truncate to 0 of a file being written).
  Status Clear();
  // The object is committed: deletes the entry.
  Status Remove();
  // This entry's bytes are in the bucket: older entries for the same key
  // are stale and go.
  void SupersedeOlder();

  // Appends only: where the entry stands (durable), and where it stood at
  // the last record (none before the first append).
  Status RecordAppend(const AppendProgress& progress);
  Result<std::optional<AppendProgress>> LastAppend() const;

 private:
  friend class Spool;
  SpoolEntry(Spool& spool, EventLoop& loop, std::string dir, std::string id, SpoolRecord record,
             UniqueFd data, uint64_t size)
      : spool_(spool),
        loop_(loop),
        dir_(std::move(dir)),
        id_(std::move(id)),
        record_(std::move(record)),
        data_(std::move(data)),
        size_(size) {}
  std::string PathOf(const char* suffix) const { return dir_ + "/" + id_ + suffix; }

  Spool& spool_;
  EventLoop& loop_;
  const std::string dir_;  // <spool>/entries
  const std::string id_;
  const SpoolRecord record_;
  UniqueFd data_;
  uint64_t size_;
  bool removed_ = false;
};

struct SpoolOptions {
  std::string dir;
  // O_DSYNC on data files: acknowledged bytes survive a machine crash, not
  // only a process crash. Off only for tests and benchmarks of the cost.
  bool sync = true;
};

class Spool {
 public:
  // Creates the layout if needed and takes the lock; fails naming the
  // directory if another writer holds it.
  static Result<std::unique_ptr<Spool>> Open(EventLoop& loop, SpoolOptions options);

  // A new, empty entry for `record`, durable when this returns.
  Result<std::unique_ptr<SpoolEntry>> Create(const SpoolRecord& record);
  // Entries a previous writer left behind, oldest first. A record that
  // cannot be read is reported, not deleted, so no bytes are lost silently.
  // Call once, before the first Create.
  struct Leftovers {
    std::vector<std::unique_ptr<SpoolEntry>> entries;
    std::vector<std::string> unreadable;  // one message per damaged entry
  };
  Result<Leftovers> TakeLeftovers();

  // Deletes every entry for `key` created before `newer_id` ("": all of
  // them): the key was committed, deleted or renamed over since.
  void Supersede(const std::string& key, const std::string& newer_id);

  const std::string& dir() const { return options_.dir; }

 private:
  friend class SpoolEntry;
  Spool(EventLoop& loop, SpoolOptions options, UniqueFd lock, uint64_t next_id)
      : loop_(loop), options_(std::move(options)), lock_(std::move(lock)), next_id_(next_id) {}
  std::string EntriesDir() const { return options_.dir + "/entries"; }
  Result<UniqueFd> OpenData(const std::string& path, bool create) const;
  void Track(const std::string& key, const std::string& id);
  void Untrack(const std::string& key, const std::string& id);

  EventLoop& loop_;
  const SpoolOptions options_;
  UniqueFd lock_;  // flock()ed
  std::atomic<uint64_t> next_id_;
  bool leftovers_taken_ = false;
  std::mutex live_mu_;
  std::multimap<std::string, std::string> live_;  // key -> ids not yet removed; live_mu_
};

}  // namespace shoal
