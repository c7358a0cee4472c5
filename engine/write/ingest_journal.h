// IngestJournal: where `shoal ingest` is in each source, kept in a small
// local file so that a restart after a crash resumes with no byte missing
// and none duplicated.
//
// Before an append the journal records its intent (which bytes of the
// source go to which object at which position; for stdin, which cannot be
// read again, the bytes themselves). After the append it records the new
// offsets. On restart, an intent is settled by the object's length: equal
// to position + length, the append landed; equal to position, it is redone.
//
// The file is rewritten whole, atomically (temporary file, fsync, rename,
// directory fsync), and checked on load: "SHOALIJ1", a version, the sources
// as length-prefixed fields, and an XXH3 of it all. Pure encode/decode plus
// blocking Load/Save.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace shoal {

struct IngestSourceState {
  std::string source;            // a file path, or "-:<name>" for stdin
  uint64_t source_offset = 0;    // bytes of the source already in objects
  std::string object_key;        // the object being appended to ("" before the first)
  uint64_t object_position = 0;  // its length
  int64_t object_started = 0;    // unix seconds it was started, for --roll-seconds
  uint64_t sequence = 0;         // objects started so far for this source
  // An append in progress: `pending_length` bytes from source_offset.
  bool pending = false;
  uint64_t pending_length = 0;
  std::string pending_data;  // stdin only: the bytes, since stdin cannot be re-read

  bool operator==(const IngestSourceState&) const = default;
};

struct IngestJournal {
  // A deque: references to a source's state stay valid as sources are added.
  std::deque<IngestSourceState> sources;
  IngestSourceState* Find(const std::string& source);
};

std::string EncodeIngestJournal(const IngestJournal& journal);
Result<IngestJournal> DecodeIngestJournal(std::string_view bytes);

// A missing file is an empty journal.
Result<IngestJournal> LoadIngestJournal(const std::string& path);
Status SaveIngestJournal(const std::string& path, const IngestJournal& journal);

}  // namespace shoal
