// AppendSession: a file opened with O_APPEND (or created with it) on the
// write mount: bytes added at the end of an object of `base_size` bytes.
//
// Writes are spooled as they arrive (durable when Write returns, if there is
// a spool; in memory otherwise) and appended at each Commit (close, fsync)
// through an ObjectAppender, which picks the server's native append or the
// copy strategy. Commits can repeat: a log written with periodic fsync
// appends each time only what is new, at the position the object should
// have.
//
// Each append is recorded in the spool before and after it
// (AppendProgress), so recovery knows exactly which spooled bytes landed.
// If an append fails midway (a chunk landed, or the answer was lost), the
// next commit first asks the object's length and carries on from there.
//
// Threading: one caller at a time. Blocking: never on an event-loop thread.
#pragma once

#include <memory>
#include <string>

#include "engine/write/file_session.h"
#include "engine/write/object_appender.h"
#include "engine/write/spool.h"

namespace shoal {

class AppendSession final : public FileSession {
 public:
  // `spool` may be null (durability "memory": pending bytes stay in memory
  // until the next commit). `appender` and `store` must outlive the
  // session. `create`: the file is new, so a commit with nothing written
  // still creates the (empty) object.
  AppendSession(ObjectStore& store, ObjectAppender& appender, std::string key, uint64_t base_size,
                std::unique_ptr<SpoolEntry> spool, bool create);

  Status Write(uint64_t offset, std::string_view bytes) override;
  Status Truncate(uint64_t size) override;  // only to the current size
  Status Commit() override;
  void Close() override;

  const std::string& key() const override { return key_; }
  uint64_t size() const override { return base_ + written_; }
  bool committed() const override { return appended_ == written_ && !create_; }
  bool has_spool() const override { return spool_ != nullptr; }

 private:
  // After a failed append: how much of it landed, from the object's length.
  Status Reconcile();
  void Landed(uint64_t bytes);

  ObjectStore& store_;
  ObjectAppender& appender_;
  const std::string key_;
  const uint64_t base_;  // the object's length when the file was opened
  std::unique_ptr<SpoolEntry> spool_;
  bool create_;             // the object must exist after the next commit
  std::string pending_;     // without a spool: bytes not appended yet
  uint64_t written_ = 0;    // bytes written after base_
  uint64_t appended_ = 0;   // of those, bytes appended to the object
  bool uncertain_ = false;  // the last append failed; its outcome is unknown
};

// Finishes a spooled append after a crash, from the entry's AppendProgress
// and the object's `current_length`: what landed is skipped, the rest is
// appended. kPositionMismatch if the object's length fits neither (someone
// else changed it); the entry then stays for a human.
Status FinishSpooledAppend(ObjectAppender& appender, SpoolEntry& entry, uint64_t current_length);

}  // namespace shoal
