// Fuzz target: VerifyCacheEntry, the check a disk-cache file passes before
// its bytes are served (after a crash it may be short, zero-filled or stale).
//
// Input: one byte N, then an identity of up to N bytes, then the entry file.
// The header has two XXH3 checksums and an identity hash, so each input is
// verified as given and again with the lengths and hashes made consistent,
// which leaves the version, flags and object size to the fuzzer. Invariant:
// an entry that verifies holds at most its object's size in data, and any
// change to a byte of an entry that verified is refused.
#include <xxhash.h>

#include <algorithm>
#include <string>

#include "engine/base/little_endian.h"
#include "engine/cache/cache_entry_format.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::kCacheEntryHeaderSize;
using shoal::fuzz::Require;

uint64_t Hash(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string Repaired(std::string_view file, std::string_view identity) {
  std::string out(file);
  if (out.size() < kCacheEntryHeaderSize) return out;
  const std::string_view data = std::string_view(out).substr(kCacheEntryHeaderSize);
  shoal::PutLe(out, 16, data.size(), 8);
  shoal::PutLe(out, 32, Hash(identity), 8);
  shoal::PutLe(out, 40, Hash(data), 8);
  shoal::PutLe(out, 48, Hash(std::string_view(out).substr(0, 48)), 8);
  return out;
}

void Check(const std::string& file, std::string_view identity) {
  const auto object_size = shoal::VerifyCacheEntry(file, identity);
  if (!object_size.ok()) {
    Require(object_size.status().code() == shoal::ErrorCode::kCorrupt);
    return;
  }
  Require(file.size() >= kCacheEntryHeaderSize);
  Require(*object_size >= file.size() - kCacheEntryHeaderSize);
  // A header written for what verified must be the header that is there.
  const std::string_view data = std::string_view(file).substr(kCacheEntryHeaderSize);
  Require(shoal::EncodeCacheEntryHeader(identity, data, *object_size) ==
          file.substr(0, kCacheEntryHeaderSize));
  std::string flipped = file;
  flipped[file.size() / 2] = static_cast<char>(flipped[file.size() / 2] ^ 0x01);
  Require(!shoal::VerifyCacheEntry(flipped, identity).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = shoal::fuzz::AsText(data + 1, size - 1);
  const size_t identity_size = std::min<size_t>(data[0], rest.size());
  const std::string_view identity = rest.substr(0, identity_size);
  const std::string file(rest.substr(identity_size));
  Check(file, identity);
  const std::string repaired = Repaired(file, identity);
  if (repaired != file) Check(repaired, identity);
  return 0;
}
