#include "engine/write/append_session.h"

namespace shoal {

AppendSession::AppendSession(ObjectAppender& appender, std::string key, uint64_t base_size,
                             std::unique_ptr<SpoolEntry> spool)
    : appender_(appender), key_(std::move(key)), base_(base_size), spool_(std::move(spool)) {}

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

Status AppendSession::Commit() {
  if (committed()) return Status::Ok();
  const uint64_t from = appended_;
  const uint64_t size = written_ - appended_;
  Result<uint64_t> length =
      appender_.Append(key_, base_ + from, size, [this, from](uint64_t offset, uint64_t length) {
        if (spool_) return spool_->Read(from + offset, length);
        return Result<std::string>(pending_.substr(offset, length));
      });
  if (!length.ok()) return length.status();
  appended_ = written_;
  pending_.clear();
  return Status::Ok();
}

void AppendSession::Close() {
  if (committed() && spool_) (void)spool_->Remove();
}

Status FinishSpooledAppend(ObjectAppender& appender, SpoolEntry& entry, uint64_t current_length) {
  const SpoolRecord& record = entry.record();
  const uint64_t base = record.base_size;
  if (current_length < base || current_length > base + entry.size()) {
    return Status(ErrorCode::kPositionMismatch,
                  record.key + " is " + std::to_string(current_length) +
                      " bytes long, but the spool appends " + std::to_string(entry.size()) +
                      " bytes to a " + std::to_string(base) +
                      "-byte object: it was changed "
                      "by someone else");
  }
  const uint64_t landed = current_length - base;
  if (landed == entry.size()) return Status::Ok();
  Result<uint64_t> length = appender.Append(record.key, current_length, entry.size() - landed,
                                            [&entry, landed](uint64_t offset, uint64_t length) {
                                              return entry.Read(landed + offset, length);
                                            });
  return length.status();
}

}  // namespace shoal
