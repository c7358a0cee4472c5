// The on-disk container of a manifest, leveldb-style self-describing:
//
//   offset  size  field
//   0       8     magic "SHOALMF\n"
//   8       4     format version (little-endian), currently 1
//   12      4     flags: bit 0 = payload is zstd-compressed
//   16      8     stored payload length in bytes
//   24      8     payload length once decompressed
//   32      8     XXH3-64 of the stored payload
//   40      ...   payload: a FlatBuffers Manifest (index/manifest.fbs)
//
// The header is 40 bytes, so an uncompressed payload is 8-byte aligned in an
// mmap of the file and can be used in place.
#pragma once

#include <cstdint>

namespace shoal {

inline constexpr char kManifestMagic[8] = {'S', 'H', 'O', 'A', 'L', 'M', 'F', '\n'};
inline constexpr uint32_t kManifestVersion = 1;
inline constexpr uint32_t kManifestFlagZstd = 1u << 0;
inline constexpr uint32_t kManifestKnownFlags = kManifestFlagZstd;
inline constexpr size_t kManifestHeaderSize = 40;

// Entry.flags bits.
enum EntryFlags : uint8_t {
  kEntryDirectory = 1 << 0,
  kEntryHasEtag = 1 << 1,        // etag/etag_parts hold the ETag
  kEntryEtagOverride = 1 << 2,   // the ETag is in etag_overrides
  kEntryKeyOverride = 1 << 3,    // the object key is in key_overrides
  kEntryEtagUppercase = 1 << 4,  // the hex ETag was upper-case (OSS)
};

}  // namespace shoal
