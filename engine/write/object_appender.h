// ObjectAppender: adds bytes at the end of an object, by the cheapest means
// the store offers. Used by the write mount (O_APPEND) and `shoal ingest`.
//
// Strategies, and what one append of n bytes to an object of s bytes costs:
//   native  One request carrying the n bytes: RGW's `PUT ?append&position=s`
//           or OSS AppendObject. Only objects created by appending are
//           appendable there, so a first append at position 0 creates one.
//   copy    Plain S3. If s >= 5 MiB: a multipart upload whose first parts
//           are UploadPartCopy of the existing object (server-side, no
//           bytes move through us; one request per 5 GiB), then the n bytes
//           as parts, then Complete: 3 + ceil(s / 5 GiB) + ceil(n / part)
//           requests. If s < 5 MiB (too small to be a copied part): the s
//           bytes are read back and re-uploaded with the n new ones (so
//           are keys holding '%', which RGW's UploadPartCopy decodes twice
//           and can crash on). Either
//           way the object is rewritten; appends are O(requests), not O(s)
//           in transferred bytes, only above 5 MiB.
//   auto    native, falling back to copy (for good, for this appender) when
//           the server does not support appending, and for one append when
//           the object is a plain (non-appendable) one.
//
// Every append names the position it expects (the object's length). If the
// object has another length, the append fails with kPositionMismatch and
// nothing is written, so a caller that lost track after a crash can ask the
// store what landed and never duplicates bytes.
//
// Threading: thread-safe (appends to different keys may run concurrently);
// blocking (never on a loop thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/write/object_writer.h"

namespace shoal {

enum class AppendStrategy { kAuto, kNative, kCopy };

// "auto", "native", "copy".
Result<AppendStrategy> ParseAppendStrategy(const std::string& name);
const char* AppendStrategyName(AppendStrategy strategy);

class ObjectAppender {
 public:
  // Reads `length` bytes at `offset` of the data being appended.
  using ReadFn = ChunkReader;

  ObjectAppender(ObjectStore& store, AppendStrategy strategy, ObjectWriterOptions options);

  // Appends `size` bytes, read through `read`, to `key`, which must be
  // `position` bytes long (0: absent or empty). Returns its new length.
  Result<uint64_t> Append(const std::string& key, uint64_t position, uint64_t size,
                          const ReadFn& read);
  Result<uint64_t> Append(const std::string& key, uint64_t position, std::string_view data);

  // What the last append used (kNative or kCopy).
  AppendStrategy last_used() const { return last_used_; }

 private:
  Result<uint64_t> AppendNative(const std::string& key, uint64_t position, uint64_t size,
                                const ReadFn& read);
  Result<uint64_t> AppendByCopy(const std::string& key, uint64_t position, uint64_t size,
                                const ReadFn& read);

  ObjectStore& store_;
  std::atomic<AppendStrategy> strategy_;  // kAuto becomes kCopy if the server cannot append
  const ObjectWriterOptions options_;
  std::atomic<AppendStrategy> last_used_{AppendStrategy::kNative};
};

}  // namespace shoal
