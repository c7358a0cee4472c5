// The file format of one disk-cache entry: a fixed header, then the data.
//
//   offset  size  field
//   0       8     magic "SHOALDC1"
//   8       4     format version (little-endian), currently 1
//   12      4     flags, 0 (a reader refuses any it does not know)
//   16      8     data length in bytes
//   24      8     size of the whole object (the data may be one range of it)
//   32      8     XXH3-64 of the identity bytes (engine/cache/cache_key.h)
//   40      8     XXH3-64 of the data
//   48      8     XXH3-64 of bytes 0..47 (the header checksum)
//   56      ...   data
//
// Entries are written without fsync and renamed into place. After a crash
// or power loss a file may therefore be short, zero-filled or hold stale
// blocks; the lengths and both checksums catch all of these, and the
// identity hash catches a file that belongs to another identity. A file
// that fails any check is a miss, never served.
//
// Pure functions; no threading concerns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal {

inline constexpr size_t kCacheEntryHeaderSize = 56;
inline constexpr uint32_t kCacheEntryVersion = 1;

// The header of an entry holding `data`, a part of an object of
// `object_size` bytes, for the identity serialised as `identity_bytes`.
std::string EncodeCacheEntryHeader(std::string_view identity_bytes, std::string_view data,
                                   uint64_t object_size);

// Checks a whole entry file (`file`: header and data) against the identity
// it should hold. Returns the object size, or kCorrupt with the reason.
// The data is file.substr(kCacheEntryHeaderSize).
Result<uint64_t> VerifyCacheEntry(std::string_view file, std::string_view identity_bytes);

}  // namespace shoal
