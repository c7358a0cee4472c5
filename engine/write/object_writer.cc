#include "engine/write/object_writer.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "engine/store/await.h"
#include "engine/write/pending_uploads.h"

namespace shoal {

struct ObjectWriter::Shared {
  std::mutex mu;
  std::condition_variable changed;   // a part completed
  int in_flight = 0;                 // guarded by mu
  Status failure;                    // the first failed part; guarded by mu
  std::vector<CompletedPart> parts;  // acknowledged parts; guarded by mu
};

ObjectWriter::ObjectWriter(ObjectStore& store, std::string key, ObjectWriterOptions options)
    : store_(store), key_(std::move(key)), options_(options), shared_(std::make_shared<Shared>()) {
  if (options_.part_size == 0) {
    state_ = State::kFailed;
    failure_ = Status(ErrorCode::kInvalidArgument, "a part size of 0 bytes for " + key_);
  }
}

ObjectWriter::~ObjectWriter() {
  if (state_ != State::kFinished) (void)Abort();
}

Status ObjectWriter::Append(std::string_view bytes) {
  if (state_ != State::kOpen) return Unusable();
  if (Status s = PartFailure(); !s.ok()) return FailWith(s);
  while (!bytes.empty()) {
    // A full buffer is sent only once more bytes follow, so an object of
    // exactly one part stays a single Put.
    if (buffer_.size() >= options_.part_size) {
      if (Status s = StartPart(std::exchange(buffer_, std::string())); !s.ok()) return s;
    }
    const size_t take = std::min<uint64_t>(options_.part_size - buffer_.size(), bytes.size());
    Grow(buffer_.size() + take);
    buffer_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    bytes_appended_ += take;
  }
  return Status::Ok();
}

Result<PutResult> ObjectWriter::Finish() {
  if (state_ != State::kOpen) return Unusable();
  if (upload_id_.empty()) {
    std::string data = std::exchange(buffer_, std::string());
    Result<PutResult> put = Await<PutResult>([&](auto done) {
      store_.Put(PutRequest{key_, std::move(data)}, std::move(done));
    });
    if (!put.ok()) {
      state_ = State::kFailed;
      failure_ = put.status().WithContext("uploading " + key_);
      return failure_;
    }
    state_ = State::kFinished;
    return put;
  }
  // With a multipart upload started, the buffer holds the last part (a full
  // part is only sent once more bytes follow).
  if (!buffer_.empty()) {
    if (Status s = StartPart(std::exchange(buffer_, std::string())); !s.ok()) return s;
  }
  if (Status s = WaitForParts(1); !s.ok()) return FailWith(s);
  std::vector<CompletedPart> parts = completed_parts();
  std::sort(parts.begin(), parts.end(), [](const CompletedPart& a, const CompletedPart& b) {
    return a.part_number < b.part_number;
  });
  Result<PutResult> completed = Await<PutResult>([&](auto done) {
    store_.CompleteMultipart(CompleteMultipartRequest{key_, upload_id_, std::move(parts)},
                             std::move(done));
  });
  if (!completed.ok()) {
    return FailWith(completed.status().WithContext("completing the multipart upload of " + key_));
  }
  upload_open_ = false;
  state_ = State::kFinished;
  Result<int> swept = AbortPendingUploads(store_, key_);
  if (swept.ok()) {
    stale_uploads_aborted_ = *swept;
  } else {
    sweep_status_ = swept.status().WithContext("cleaning up after " + key_);
  }
  return completed;
}

Status ObjectWriter::Abort() {
  if (state_ == State::kFinished) {
    return Status(ErrorCode::kInvalidArgument,
                  "cannot abort the upload of " + key_ + ": it is already finished");
  }
  if (state_ == State::kOpen) state_ = State::kAborted;
  {
    // Parts still in flight must not outlive the upload; their failures
    // are not news any more.
    std::unique_lock lock(shared_->mu);
    shared_->changed.wait(lock, [&] { return shared_->in_flight == 0; });
  }
  buffer_ = std::string();
  return AbortUpload();
}

std::vector<CompletedPart> ObjectWriter::completed_parts() const {
  std::lock_guard lock(shared_->mu);
  return shared_->parts;
}

Status ObjectWriter::StartPart(std::string data) {
  if (upload_id_.empty()) {
    Result<std::string> id =
        Await<std::string>([&](auto done) { store_.CreateMultipart(key_, std::move(done)); });
    if (!id.ok()) {
      return FailWith(id.status().WithContext("starting the multipart upload of " + key_));
    }
    upload_id_ = std::move(*id);
    upload_open_ = true;
  }
  if (next_part_number_ > kMaxUploadParts) {
    return FailWith(Status(ErrorCode::kInvalidArgument,
                           key_ + " needs more than " + std::to_string(kMaxUploadParts) +
                               " parts of " + std::to_string(options_.part_size) +
                               " bytes: use a larger part size"));
  }
  if (Status s = WaitForParts(std::max(options_.max_parts_in_flight, 1)); !s.ok()) {
    return FailWith(s);
  }
  const int number = next_part_number_++;
  {
    std::lock_guard lock(shared_->mu);
    ++shared_->in_flight;
  }
  store_.UploadPart(UploadPartRequest{key_, upload_id_, number, std::move(data)},
                    [shared = shared_, number, key = key_](Result<CompletedPart> part) {
                      std::lock_guard lock(shared->mu);
                      if (part.ok()) {
                        shared->parts.push_back(CompletedPart{number, std::move(part->etag)});
                      } else if (shared->failure.ok()) {
                        shared->failure = part.status().WithContext(
                            "part " + std::to_string(number) + " of " + key);
                      }
                      --shared->in_flight;
                      shared->changed.notify_all();
                    });
  // A store that completes inline has already answered: report it now.
  if (Status s = PartFailure(); !s.ok()) return FailWith(s);
  return Status::Ok();
}

void ObjectWriter::Grow(size_t needed) {
  if (needed <= buffer_.capacity()) return;
  // Doubling, but never beyond one part: std::string's own growth could
  // overshoot part_size and break the memory bound.
  const size_t target =
      std::min<uint64_t>(options_.part_size, std::max(needed, 2 * buffer_.capacity()));
  std::string bigger;
  bigger.reserve(target);
  bigger.append(buffer_);
  buffer_.swap(bigger);
}

Status ObjectWriter::PartFailure() const {
  std::lock_guard lock(shared_->mu);
  return shared_->failure;
}

Status ObjectWriter::WaitForParts(int limit) {
  std::unique_lock lock(shared_->mu);
  shared_->changed.wait(lock, [&] { return shared_->in_flight < limit || !shared_->failure.ok(); });
  return shared_->failure;
}

Status ObjectWriter::FailWith(Status failure) {
  state_ = State::kFailed;
  failure_ = std::move(failure);
  Status aborted = Abort();  // leaves the writer failed, not aborted
  if (!aborted.ok()) {
    failure_ = Status(failure_.code(), failure_.message() + " (and " + aborted.message() + ")");
  }
  return failure_;
}

Status ObjectWriter::AbortUpload() {
  if (!upload_open_) return Status::Ok();
  Result<Done> aborted =
      Await<Done>([&](auto done) { store_.AbortMultipart(key_, upload_id_, std::move(done)); });
  if (!aborted.ok() && aborted.status().code() != ErrorCode::kNoSuchUpload) {
    return aborted.status().WithContext("aborting multipart upload " + upload_id_ + " of " + key_);
  }
  upload_open_ = false;
  return Status::Ok();
}

Status ObjectWriter::Unusable() const {
  switch (state_) {
    case State::kFailed:
      return failure_;
    case State::kFinished:
      return Status(ErrorCode::kInvalidArgument, "the upload of " + key_ + " is already finished");
    default:
      return Status(ErrorCode::kCancelled, "the upload of " + key_ + " was aborted");
  }
}

Status AppendFrom(ObjectWriter& writer, uint64_t size, uint64_t chunk, const ChunkReader& read) {
  for (uint64_t offset = 0; offset < size; offset += chunk) {
    const uint64_t length = std::min(chunk, size - offset);
    Result<std::string> bytes = read(offset, length);
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() != length) {
      return Status(ErrorCode::kIoError, "the source of " + writer.key() + " ended at " +
                                             std::to_string(offset + bytes->size()) + " of " +
                                             std::to_string(size) + " bytes");
    }
    if (Status s = writer.Append(*bytes); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace shoal
