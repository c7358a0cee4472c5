// Fuzz target: the manifest's ETag packing (PackEtag/UnpackEtag). ETags come
// from the server, and a packed one is all a manifest keeps of it, so
// packing must be lossless: whatever packs unpacks to the same text, and
// anything else must be refused (and then kept verbatim by the builder).
//
// The input is tried as an ETag, and its first 19 bytes as a packed value
// (16 MD5 bytes, a part count, the case flag), which must unpack to text
// that packs back to the same value.
#include <cstring>
#include <string>

#include "index/etag_codec.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::PackedEtag;
using shoal::fuzz::Require;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view etag = shoal::fuzz::AsText(data, size);
  PackedEtag packed;
  if (shoal::PackEtag(etag, &packed)) Require(shoal::UnpackEtag(packed) == etag);

  if (size < 19) return 0;
  PackedEtag raw;
  std::memcpy(raw.md5.data(), data, 16);
  raw.parts = static_cast<uint16_t>(data[16] | (data[17] << 8));
  raw.uppercase = (data[18] & 1) != 0;
  const std::string text = shoal::UnpackEtag(raw);
  PackedEtag back;
  Require(shoal::PackEtag(text, &back));
  Require(back.md5 == raw.md5 && back.parts == raw.parts);
  // Hex of only decimal digits has no case to remember.
  const bool has_letter = text.substr(0, 32).find_first_of("abcdefABCDEF") != std::string::npos;
  Require(back.uppercase == (raw.uppercase && has_letter));
  return 0;
}
