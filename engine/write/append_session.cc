#include "engine/write/append_session.h"

#include "engine/store/await.h"

namespace shoal {
namespace {

Status Changed(const std::string& key, uint64_t length, uint64_t expected_from,
               uint64_t expected_to) {
  return Status(ErrorCode::kPositionMismatch,
                key + " is " + std::to_string(length) + " bytes long, where this append expected " +
                    std::to_string(expected_from) +
                    (expected_to != expected_from ? " to " + std::to_string(expected_to) : "") +
                    ": someone else changed it");
}

}  // namespace

AppendSession::AppendSession(ObjectStore& store, ObjectAppender& appender, std::string key,
                             uint64_t base_size, std::unique_ptr<SpoolEntry> spool, bool create)
    : store_(store),
      appender_(appender),
      key_(std::move(key)),
      base_(base_size),
      spool_(std::move(spool)),
      create_(create) {}

Status AppendSession::Write(uint64_t offset, std::string_view bytes) {
  if (offset != size()) {
    return Status(ErrorCode::kInvalidArgument, "non-sequential write to " + key_ + " at offset " +
                                                   std::to_string(offset) + "; the file is " +
                                                   std::to_string(size()) + " bytes long");
  }
  if (spool_) {
    if (Status s = spool_->Append(bytes); !s.ok()) return s;
  } else {
    pending_.append(bytes);
  }
  written_ += bytes.size();
  return Status::Ok();
}

Status AppendSession::Truncate(uint64_t size) {
  if (size == this->size()) return Status::Ok();
  return Status(ErrorCode::kUnsupported, "truncate of " + key_ + " to " + std::to_string(size) +
                                             " bytes: a file opened for appending only grows");
}

void AppendSession::Landed(uint64_t bytes) {
  if (!spool_) pending_.erase(0, bytes);
  appended_ += bytes;
}

Status AppendSession::Reconcile() {
  Result<uint64_t> current = ObjectLength(store_, key_);
  if (!current.ok()) return current.status();
  const uint64_t length = *current;
  const uint64_t from = base_ + appended_;
  if (length < from || length > base_ + written_) {
    return Changed(key_, length, from, base_ + written_);
  }
  Landed(length - from);
  uncertain_ = false;
  return Status::Ok();
}

Status AppendSession::Commit() {
  if (committed()) return Status::Ok();
  if (uncertain_) {
    if (Status s = Reconcile(); !s.ok()) return s;
    if (committed()) return Status::Ok();
  }
  const uint64_t from = appended_;
  const uint64_t size = written_ - appended_;
  const AppendProgress intent{base_ + from, from, size};
  if (spool_) {
    if (Status s = spool_->RecordAppend(intent); !s.ok()) return s;
  }
  Result<uint64_t> length =
      appender_.Append(key_, base_ + from, size, [this, from](uint64_t offset, uint64_t length) {
        if (spool_) return spool_->Read(from + offset, length);
        return Result<std::string>(pending_.substr(offset, length));
      });
  if (!length.ok()) {
    uncertain_ = true;
    return length.status();
  }
  Landed(size);
  create_ = false;
  if (spool_) {
    // Best effort: without it, recovery asks the object's length instead.
    (void)spool_->RecordAppend(AppendProgress{base_ + appended_, appended_, 0});
    spool_->SupersedeOlder();
  }
  return Status::Ok();
}

void AppendSession::Close() {
  if (committed() && spool_) (void)spool_->Remove();
}

Status FinishSpooledAppend(ObjectAppender& appender, SpoolEntry& entry, uint64_t current_length) {
  const SpoolRecord& record = entry.record();
  Result<std::optional<AppendProgress>> last = entry.LastAppend();
  if (!last.ok()) return last.status();
  const AppendProgress progress =
      last->value_or(AppendProgress{record.base_size, 0, 0});  // nothing appended yet
  if (current_length < progress.position || current_length > progress.position + progress.pending) {
    return Changed(record.key, current_length, progress.position,
                   progress.position + progress.pending);
  }
  // What landed is skipped.
  const uint64_t from = progress.spool_offset + (current_length - progress.position);
  if (from > entry.size()) return Changed(record.key, current_length, progress.position, 0);
  if (from == entry.size()) return Status::Ok();
  Result<uint64_t> length = appender.Append(record.key, current_length, entry.size() - from,
                                            [&entry, from](uint64_t offset, uint64_t length) {
                                              return entry.Read(from + offset, length);
                                            });
  return length.status();
}

}  // namespace shoal
