#include "engine/write/write_session.h"

#include <algorithm>

namespace shoal {
namespace {

// Spool reads for AppendFrom: at least 1 MiB at a time, a part if larger.
uint64_t SpoolChunk(const ObjectWriterOptions& options) {
  return std::max<uint64_t>(options.part_size, 1 << 20);
}

ChunkReader SpoolReader(SpoolEntry& entry) {
  return [&entry](uint64_t offset, uint64_t length) { return entry.Read(offset, length); };
}

}  // namespace

WriteSession::WriteSession(ObjectStore& store, std::string key, std::unique_ptr<SpoolEntry> spool,
                           ObjectWriterOptions options)
    : store_(store),
      key_(std::move(key)),
      spool_(std::move(spool)),
      options_(options),
      writer_(std::make_unique<ObjectWriter>(store_, key_, options_)) {}

WriteSession::~WriteSession() = default;  // an unfinished upload is aborted; the spool stays

Status WriteSession::Write(uint64_t offset, std::string_view bytes) {
  if (offset != size_) {
    return Status(ErrorCode::kInvalidArgument, "non-sequential write to " + key_ + " at offset " +
                                                   std::to_string(offset) + "; the file is " +
                                                   std::to_string(size_) + " bytes long");
  }
  if (committed_) {
    if (Status s = Reopen(); !s.ok()) return s;
  }
  if (spool_) {
    if (Status s = spool_->Append(bytes); !s.ok()) return s;
  }
  size_ += bytes.size();
  if (writer_) {
    if (Status s = writer_->Append(bytes); !s.ok()) {
      if (!spool_) return s;  // nowhere else holds the bytes
      streaming_failure_ = s;
      writer_.reset();  // aborts; Commit uploads from the spool
    }
  }
  return Status::Ok();
}

Status WriteSession::Truncate(uint64_t size) {
  if (size == size_) return Status::Ok();
  if (size != 0) {
    return Status(ErrorCode::kUnsupported, "truncate of " + key_ + " to " + std::to_string(size) +
                                               " bytes: only 0 is supported while writing");
  }
  // The spool first: if clearing it fails, nothing else has changed.
  if (spool_) {
    if (Status s = spool_->Clear(); !s.ok()) return s;
  }
  writer_ = std::make_unique<ObjectWriter>(store_, key_, options_);  // the old one aborts
  size_ = 0;
  committed_.reset();
  streaming_failure_ = Status::Ok();
  return Status::Ok();
}

Status WriteSession::Commit() {
  if (committed_) return Status::Ok();
  Result<PutResult> done = writer_ ? writer_->Finish() : Result<PutResult>(streaming_failure_);
  if (!done.ok() && spool_) {
    done = UploadFromSpool(store_, key_, *spool_, options_);
  }
  if (!done.ok()) return done.status();
  writer_.reset();
  committed_ = *done;
  if (spool_) spool_->SupersedeOlder();  // stale bytes must never come back over these
  return Status::Ok();
}

void WriteSession::Close() {
  // The object is safe; a failed removal only means recovery uploads the
  // same bytes again later.
  if (committed_ && spool_) (void)spool_->Remove();
}

Status WriteSession::Reopen() {
  if (!spool_ && size_ > 0) {
    return Status(ErrorCode::kUnsupported,
                  "write to " + key_ +
                      " after it was committed (by close or fsync); "
                      "with --durability=memory there is no copy to write on from");
  }
  writer_ = std::make_unique<ObjectWriter>(store_, key_, options_);
  streaming_failure_ = Status::Ok();
  committed_.reset();
  if (!spool_) return Status::Ok();  // nothing was written before
  Status s = AppendFrom(*writer_, size_, SpoolChunk(options_), SpoolReader(*spool_));
  if (!s.ok()) {
    // A half-filled writer must never be finished: Commit uploads the
    // whole object from the spool instead.
    streaming_failure_ = s;
    writer_.reset();
  }
  return Status::Ok();
}

Result<PutResult> UploadFromSpool(ObjectStore& store, const std::string& key, SpoolEntry& entry,
                                  const ObjectWriterOptions& options) {
  ObjectWriter writer(store, key, options);
  if (Status s = AppendFrom(writer, entry.size(), SpoolChunk(options), SpoolReader(entry));
      !s.ok()) {
    return s;
  }
  return writer.Finish();
}

}  // namespace shoal
