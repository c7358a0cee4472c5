// Encoding and decoding the manifest container (see manifest_format.h).
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal {

// Wraps a FlatBuffers payload in the container, optionally zstd-compressed.
std::string EncodeManifestContainer(std::string_view payload, bool compress);

// Writes `bytes` to `path` atomically (a temporary file, fsync, rename).
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace shoal
