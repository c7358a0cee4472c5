// Fuzz target: DecodeIngestJournal, the state file `shoal ingest` resumes
// from after a crash (its count and lengths are 64-bit fields read from
// disk).
//
// The file ends in an XXH3 of the rest, so each input is decoded as given
// and again with the checksum recomputed, which carries the mutation on to
// the field reader. Invariant: a decoded journal survives an encode/decode
// round trip unchanged.
#include <string>

#include "engine/write/ingest_journal.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::fuzz::Require;
using shoal::fuzz::Resealed;

void Check(const std::string& bytes) {
  const auto journal = shoal::DecodeIngestJournal(bytes);
  if (!journal.ok()) {
    Require(journal.status().code() == shoal::ErrorCode::kCorrupt);
    return;
  }
  const auto again = shoal::DecodeIngestJournal(shoal::EncodeIngestJournal(*journal));
  Require(again.ok() && again->sources == journal->sources);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(shoal::fuzz::AsText(data, size));
  Check(input);
  const std::string resealed = Resealed(input);
  if (resealed != input) Check(resealed);
  return 0;
}
