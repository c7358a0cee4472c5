#include "engine/cache/cache_key.h"

#include <xxhash.h>

#include "engine/base/little_endian.h"

namespace shoal {
namespace {

constexpr std::string_view kIdentityTag = "shoal-disk-cache-identity-v1";

void AppendField(std::string& out, std::string_view field) {
  AppendLe(out, field.size(), 8);
  out.append(field);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string IdentityBytes(const CacheIdentity& id) {
  std::string out;
  out.reserve(kIdentityTag.size() + size_t{8} * 6 + 1 + id.cache_namespace.size() + id.key.size() +
              id.etag.size());
  AppendField(out, kIdentityTag);
  AppendField(out, id.cache_namespace);
  AppendField(out, id.key);
  AppendField(out, id.etag);
  out.push_back(id.range ? 'R' : 'W');  // a range, or the whole object
  AppendLe(out, id.range ? id.range->offset : 0, 8);
  AppendLe(out, id.range ? id.range->length : 0, 8);
  return out;
}

CacheKey CacheKey::Of(std::string_view identity_bytes) {
  const XXH128_hash_t h = XXH3_128bits(identity_bytes.data(), identity_bytes.size());
  return CacheKey{h.high64, h.low64};
}

std::optional<CacheKey> CacheKey::FromHex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  uint64_t words[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    const int d = HexDigit(hex[i]);
    if (d < 0) return std::nullopt;
    words[i / 16] = (words[i / 16] << 4) | static_cast<uint64_t>(d);
  }
  return CacheKey{words[0], words[1]};
}

std::string CacheKey::Hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kDigits[(high >> (4 * i)) & 0xF];
    out[31 - i] = kDigits[(low >> (4 * i)) & 0xF];
  }
  return out;
}

}  // namespace shoal
