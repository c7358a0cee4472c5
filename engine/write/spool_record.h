// SpoolRecord: what the spool remembers about one object being written, so
// that recovery after a crash knows what the spooled bytes are for.
//
// The record is written once, before the first byte is acknowledged, and is
// never changed: the spooled bytes themselves say how far the writer got.
// Encoded as a small self-checking file (magic, version, fields, XXH3):
//   "SHOALSP1" | u32 version | u32 mode | u64 base_size |
//   u32 len + key | u32 len + base_etag | u64 xxh3 of everything before.
// Keys are arbitrary bytes, so nothing is text-delimited.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal {

struct SpoolRecord {
  enum class Mode : uint32_t {
    kReplace = 0,  // the spooled bytes become the whole object
    kAppend = 1,   // the spooled bytes go after the object's first base_size bytes
  };
  std::string key;
  Mode mode = Mode::kReplace;
  uint64_t base_size = 0;  // kAppend: the object's size when writing began
  std::string base_etag;   // kAppend: its ETag then, to tell whether the append landed

  bool operator==(const SpoolRecord&) const = default;
};

// Where an append entry stands: the object was `position` bytes long when
// the spool's bytes from `spool_offset` went to it; `pending` of them are
// in an append whose outcome is not known yet (0: none). Rewritten before
// and after each append, so recovery can tell what landed without guessing
// from the object's length alone.
struct AppendProgress {
  uint64_t position = 0;
  uint64_t spool_offset = 0;
  uint64_t pending = 0;
  bool operator==(const AppendProgress&) const = default;
};

std::string EncodeSpoolRecord(const SpoolRecord& record);
// kCorrupt, naming what is wrong, for anything but an intact record.
Result<SpoolRecord> DecodeSpoolRecord(std::string_view bytes);
// "SHOALAP1" | u64 position | u64 spool_offset | u64 pending | u64 xxh3.
std::string EncodeAppendProgress(const AppendProgress& progress);
Result<AppendProgress> DecodeAppendProgress(std::string_view bytes);

}  // namespace shoal
