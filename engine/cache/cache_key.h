// CacheIdentity and CacheKey: what a disk-cache entry holds, and its name.
//
// An entry is the bytes of one GET: a whole object or one byte range of it,
// at one ETag, in one bucket (the namespace, e.g. "s3://bucket@endpoint").
// Because the ETag is part of the identity, an entry can never be served
// for a changed object, so the cache stays valid across remounts without
// any invalidation. The identity is serialised with a length prefix on
// every field, so no two identities share bytes, and hashed with XXH3-128
// into the 32-hex-digit file name. A 128-bit collision is not expected; the
// entry header also carries an XXH3-64 of the identity bytes, and a lookup
// that finds another identity there treats it as a miss.
//
// Plain values; no threading concerns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/store/object_store.h"

namespace shoal {

struct CacheIdentity {
  std::string cache_namespace;  // which bucket, e.g. "s3://bucket@endpoint"
  std::string key;
  std::string etag;
  std::optional<ByteRange> range;  // nullopt: the whole object
};

// The unambiguous serialisation of an identity that both hashes cover.
std::string IdentityBytes(const CacheIdentity& id);

struct CacheKey {
  uint64_t high = 0;
  uint64_t low = 0;

  static CacheKey Of(std::string_view identity_bytes);  // XXH3-128
  // Parses 32 lower-case hex digits, as produced by Hex().
  static std::optional<CacheKey> FromHex(std::string_view hex);
  std::string Hex() const;

  bool operator==(const CacheKey&) const = default;
};

struct CacheKeyHash {
  size_t operator()(const CacheKey& k) const { return static_cast<size_t>(k.low ^ k.high); }
};

}  // namespace shoal
