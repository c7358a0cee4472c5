// ObjectWriter: streams one object up while its bytes are still being
// produced, so a caller never holds a whole file in memory.
//
// Why this shape: callers (the `put` command, later the FUSE write path)
// produce bytes sequentially and want a plain blocking Append/Finish, while
// the ObjectStore interface is asynchronous. The writer buffers one part;
// once a full part is buffered and more bytes follow, it starts that part's
// UploadPart and returns, creating the multipart upload lazily. An object
// that fits in one part (including 0 bytes) is a single Put, with no
// multipart upload at all. Append blocks only while `max_parts_in_flight`
// parts are outstanding, so memory is bounded by
// part_size * (max_parts_in_flight + 1).
//
// Failure: the first failed request fails the writer. The multipart upload
// is aborted at once (after the parts in flight complete), and every later
// Append/Finish returns that first error, which names the key and the part.
// A writer that is destroyed before Finish succeeded aborts its upload, so
// it never leaves a pending multipart upload behind (unless the abort itself
// fails; upload_id() lets a journal record what to clean up).
//
// Lost answers: a retried CreateMultipart whose first answer was lost
// leaves an upload nobody knows the id of. After completing an object the
// writer therefore aborts the key's other pending uploads
// (pending_uploads.h): one more request per multipart object. That is
// best-effort and never fails Finish (the object is already committed);
// sweep_status() says how it went.
//
// Ownership and threading: the store must outlive the writer. Methods must
// be called from one thread at a time (any thread), never from a store's
// event-loop thread: they wait for completions. Store callbacks may run
// inline or on any thread; they only touch state shared under a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/store/object_store.h"

namespace shoal {

struct ObjectWriterOptions {
  // Bytes per part. S3 (and RGW by default) refuse non-last parts below
  // 5 MiB; smaller sizes are accepted here for tests and file:// stores.
  uint64_t part_size = 8ull << 20;
  int max_parts_in_flight = 4;  // >= 1
};

// S3 allows at most this many parts in one upload.
inline constexpr int kMaxUploadParts = 10000;

class ObjectWriter {
 public:
  ObjectWriter(ObjectStore& store, std::string key, ObjectWriterOptions options = {});
  ~ObjectWriter();  // aborts an unfinished multipart upload
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // Adds bytes at the end of the object. May start part uploads; blocks
  // while max_parts_in_flight parts are outstanding.
  Status Append(std::string_view bytes);

  // Uploads what is buffered and makes the object visible: one Put if no
  // multipart upload was started, else the last part and CompleteMultipart.
  Result<PutResult> Finish();

  // Gives up: waits for parts in flight and aborts the multipart upload, if
  // any. Safe to call more than once; an error only if the abort failed (it
  // names the upload id), or kInvalidArgument after a successful Finish.
  Status Abort();

  const std::string& key() const { return key_; }
  uint64_t bytes_appended() const { return bytes_appended_; }
  // Empty until the multipart upload is created.
  const std::string& upload_id() const { return upload_id_; }
  // After a multipart Finish: other pending uploads of the key it aborted,
  // and why it could not (the object is committed either way).
  int stale_uploads_aborted() const { return stale_uploads_aborted_; }
  const Status& sweep_status() const { return sweep_status_; }
  // Parts the store has acknowledged so far, in completion order.
  std::vector<CompletedPart> completed_parts() const;

 private:
  struct Shared;  // what part callbacks touch, kept alive by them

  enum class State { kOpen, kFinished, kFailed, kAborted };

  // Starts uploading `data` as the next part; creates the upload first.
  Status StartPart(std::string data);
  // Waits until fewer than `limit` parts are in flight; returns the first
  // part failure, if any.
  Status WaitForParts(int limit);
  // Makes room for `needed` bytes in buffer_ without exceeding a part.
  void Grow(size_t needed);
  // The first part failure so far, without waiting.
  Status PartFailure() const;
  // Records `failure`, aborts the upload and returns the failure.
  Status FailWith(Status failure);
  Status AbortUpload();
  Status Unusable() const;

  ObjectStore& store_;
  const std::string key_;
  const ObjectWriterOptions options_;
  std::shared_ptr<Shared> shared_;
  State state_ = State::kOpen;
  Status failure_;      // set with State::kFailed
  std::string buffer_;  // at most part_size bytes, not yet sent
  std::string upload_id_;
  bool upload_open_ = false;  // created, and neither completed nor aborted
  int next_part_number_ = 1;
  uint64_t bytes_appended_ = 0;
  int stale_uploads_aborted_ = 0;
  Status sweep_status_;
};

// Reads `size` bytes through `read(offset, length)`, `chunk` at a time,
// and appends them to `writer`: a spool or an existing object poured into a
// new upload. A read that comes back short is an error (naming the key), so
// a source that ended early never becomes a silently shorter object.
using ChunkReader = std::function<Result<std::string>(uint64_t offset, uint64_t length)>;
Status AppendFrom(ObjectWriter& writer, uint64_t size, uint64_t chunk, const ChunkReader& read);

}  // namespace shoal
