// Spool: a local directory holding every byte the write path has
// acknowledged but not yet committed to the object store, so that a crash of
// the writer (or of the machine) loses nothing.
//
//   <dir>/LOCK                flock()ed while a writer uses the spool: two
//                             mounts never recover each other's live files
//   <dir>/entries/<id>.rec    the SpoolRecord: which object, and how
//   <dir>/entries/<id>.data   the bytes written so far, in order
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
#include <memory>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/base/unique_fd.h"
#include "engine/loop/event_loop.h"
#include "engine/write/spool_record.h"

namespace shoal {

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

 private:
  friend class Spool;
  SpoolEntry(EventLoop& loop, std::string dir, std::string id, SpoolRecord record, UniqueFd data,
             uint64_t size)
      : loop_(loop),
        dir_(std::move(dir)),
        id_(std::move(id)),
        record_(std::move(record)),
        data_(std::move(data)),
        size_(size) {}
  std::string PathOf(const char* suffix) const { return dir_ + "/" + id_ + suffix; }

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

  const std::string& dir() const { return options_.dir; }

 private:
  Spool(EventLoop& loop, SpoolOptions options, UniqueFd lock)
      : loop_(loop), options_(std::move(options)), lock_(std::move(lock)) {}
  std::string EntriesDir() const { return options_.dir + "/entries"; }
  Result<UniqueFd> OpenData(const std::string& path, bool create) const;

  EventLoop& loop_;
  const SpoolOptions options_;
  UniqueFd lock_;  // flock()ed
  std::atomic<uint64_t> next_id_{0};
  bool leftovers_taken_ = false;
};

}  // namespace shoal
