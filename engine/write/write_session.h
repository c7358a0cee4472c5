// WriteSession: one object open for writing, bytes arriving in order.
//
// Each accepted write goes first to the spool (durable when Write returns,
// if there is a spool), then to an ObjectWriter that streams it up as parts
// while the application is still writing. Commit finishes the upload and
// only then removes the spool entry, so at every moment the acknowledged
// bytes are in the spool, in the bucket, or both.
//
// If streaming fails (the server is down, a part is refused), the session
// keeps accepting writes into the spool and Commit uploads the whole object
// again from there; if that fails too, the entry stays for recovery
// (RecoverSpool) and Commit reports why. Without a spool (durability
// "memory") a streaming failure fails the write.
//
// Sequential only: a write at any offset but the current size is refused
// with kInvalidArgument. A write after Commit (a descriptor closed while a
// dup of it goes on writing, or writing on after fsync) reopens the object:
// the next Commit uploads it again, whole, from the spool. The spool entry
// is kept until Close, for that; without a spool such a write is refused
// with kUnsupported.
//
// Threading: one caller at a time (the FUSE write path serialises per
// file). Blocking: never call on an event-loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/write/file_session.h"
#include "engine/write/object_writer.h"
#include "engine/write/spool.h"

namespace shoal {

class WriteSession final : public FileSession {
 public:
  // `spool` may be null (durability "memory").
  WriteSession(ObjectStore& store, std::string key, std::unique_ptr<SpoolEntry> spool,
               ObjectWriterOptions options);
  ~WriteSession() override;
  WriteSession(const WriteSession&) = delete;
  WriteSession& operator=(const WriteSession&) = delete;

  Status Write(uint64_t offset, std::string_view bytes) override;
  // Only to 0: starts the object over. Anything else is kUnsupported.
  Status Truncate(uint64_t size) override;
  // Makes the object visible with every byte written so far. Idempotent.
  Status Commit() override;
  // The last handle is gone: drops the spool entry if the object is
  // committed; otherwise keeps it for recovery.
  void Close() override;

  const std::string& key() const override { return key_; }
  uint64_t size() const override { return size_; }
  bool has_spool() const override { return spool_ != nullptr; }
  bool committed() const override { return committed_.has_value(); }

 private:
  // A new writer holding every byte so far, read back from the spool.
  Status Reopen();

  ObjectStore& store_;
  const std::string key_;
  std::unique_ptr<SpoolEntry> spool_;
  const ObjectWriterOptions options_;
  std::unique_ptr<ObjectWriter> writer_;  // null once streaming has failed
  Status streaming_failure_;
  uint64_t size_ = 0;
  std::optional<PutResult> committed_;
};

// Uploads every byte of `entry` as `key` (replacing it), reading the spool
// in parts. For Commit after a streaming failure, and for recovery.
Result<PutResult> UploadFromSpool(ObjectStore& store, const std::string& key, SpoolEntry& entry,
                                  const ObjectWriterOptions& options);

}  // namespace shoal
