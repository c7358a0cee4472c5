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

// Writes the container for `payload` to `path` atomically without building
// it in memory first. `file_size` receives the bytes written.
Status WriteManifestFile(const std::string& path, std::string_view payload, bool compress,
                         uint64_t* file_size);

}  // namespace shoal
