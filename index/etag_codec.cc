#include "index/etag_codec.h"

#include <cstdio>

namespace shoal {
namespace {

int Hex(char c, bool* upper, bool* lower) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return *lower = true, c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return *upper = true, c - 'A' + 10;
  return -1;
}

}  // namespace

bool PackEtag(std::string_view etag, PackedEtag* out) {
  if (etag.size() < 32) return false;
  bool upper = false, lower = false;
  for (size_t i = 0; i < 16; ++i) {
    int hi = Hex(etag[2 * i], &upper, &lower);
    int lo = Hex(etag[2 * i + 1], &upper, &lower);
    if (hi < 0 || lo < 0) return false;
    out->md5[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if (upper && lower) return false;  // mixed case cannot be reproduced
  out->uppercase = upper;
  out->parts = 0;
  std::string_view rest = etag.substr(32);
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest.size() > 6 || rest[0] != '-' || rest[1] == '0') return false;
  unsigned parts = 0;
  for (char c : rest.substr(1)) {
    if (c < '0' || c > '9') return false;
    parts = parts * 10 + static_cast<unsigned>(c - '0');
  }
  if (parts == 0 || parts > 65535) return false;
  out->parts = static_cast<uint16_t>(parts);
  return true;
}

std::string UnpackEtag(const PackedEtag& packed) {
  const char* digits = packed.uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : packed.md5) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  if (packed.parts != 0) out += "-" + std::to_string(packed.parts);
  return out;
}

}  // namespace shoal
