#include "engine/cache/cache_entry_format.h"

#include <xxhash.h>

#include <cstring>

#include "engine/base/little_endian.h"

namespace shoal {
namespace {

constexpr char kMagic[8] = {'S', 'H', 'O', 'A', 'L', 'D', 'C', '1'};
constexpr size_t kChecksummedHeader = 48;

uint64_t Hash(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

Status Corrupt(std::string reason) {
  return Status(ErrorCode::kCorrupt, "disk cache entry: " + std::move(reason));
}

}  // namespace

std::string EncodeCacheEntryHeader(std::string_view identity_bytes, std::string_view data,
                                   uint64_t object_size) {
  std::string out(kCacheEntryHeaderSize, '\0');
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  PutLe(out, 8, kCacheEntryVersion, 4);
  PutLe(out, 12, 0, 4);
  PutLe(out, 16, data.size(), 8);
  PutLe(out, 24, object_size, 8);
  PutLe(out, 32, Hash(identity_bytes), 8);
  PutLe(out, 40, Hash(data), 8);
  PutLe(out, 48, Hash(std::string_view(out).substr(0, kChecksummedHeader)), 8);
  return out;
}

Result<uint64_t> VerifyCacheEntry(std::string_view file, std::string_view identity_bytes) {
  if (file.size() < kCacheEntryHeaderSize) return Corrupt("truncated inside its header");
  if (std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) return Corrupt("bad magic");
  if (Hash(file.substr(0, kChecksummedHeader)) != GetLe(file, 48, 8)) {
    return Corrupt("header checksum mismatch");
  }
  if (GetLe(file, 8, 4) != kCacheEntryVersion) return Corrupt("unknown format version");
  if (GetLe(file, 12, 4) != 0) return Corrupt("unknown flags");
  const std::string_view data = file.substr(kCacheEntryHeaderSize);
  if (GetLe(file, 16, 8) != data.size()) return Corrupt("data length does not match the file");
  const uint64_t object_size = GetLe(file, 24, 8);
  if (object_size < data.size()) return Corrupt("data longer than its object");
  if (GetLe(file, 32, 8) != Hash(identity_bytes)) return Corrupt("holds another identity");
  if (GetLe(file, 40, 8) != Hash(data)) return Corrupt("data checksum mismatch");
  return object_size;
}

}  // namespace shoal
