// Fuzz target: the spool's on-disk records, DecodeSpoolRecord and
// DecodeAppendProgress, which recovery reads back after a crash, when the
// files may be torn, zero-filled or stale.
//
// Both end in an XXH3 of what precedes it, so each input is decoded as
// given and again with the trailing checksum recomputed, which carries the
// mutation on to the field parsing. Invariant: whatever decodes encodes
// back to exactly the bytes it came from.
#include <string>

#include "engine/write/spool_record.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::fuzz::Require;
using shoal::fuzz::Resealed;

void Check(const std::string& bytes) {
  const auto record = shoal::DecodeSpoolRecord(bytes);
  if (record.ok()) {
    Require(!record->key.empty());
    Require(shoal::EncodeSpoolRecord(*record) == bytes);
  } else {
    Require(record.status().code() == shoal::ErrorCode::kCorrupt);
  }
  const auto progress = shoal::DecodeAppendProgress(bytes);
  if (progress.ok()) {
    Require(shoal::EncodeAppendProgress(*progress) == bytes);
  } else {
    Require(progress.status().code() == shoal::ErrorCode::kCorrupt);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(shoal::fuzz::AsText(data, size));
  Check(input);
  const std::string resealed = Resealed(input);
  if (resealed != input) Check(resealed);
  return 0;
}
