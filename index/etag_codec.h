// Packs S3 ETags ("<32 hex>" or "<32 hex>-<parts>") into 16 binary bytes plus
// a part count, and back. Anything else is stored verbatim in a side table.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal {

struct PackedEtag {
  std::array<uint8_t, 16> md5{};
  uint16_t parts = 0;      // 0: a plain MD5 ETag
  bool uppercase = false;  // the hex digits were upper-case
};

// False if `etag` is not in one of the two packable forms.
bool PackEtag(std::string_view etag, PackedEtag* out);
std::string UnpackEtag(const PackedEtag& packed);

}  // namespace shoal
