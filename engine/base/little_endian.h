// Little-endian integers in byte strings, for shoal's own on-disk formats
// (disk-cache entries, spool records). Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal {

// Writes the low `bytes` bytes of `v` at `out[at]`; `out` must be long enough.
inline void PutLe(std::string& out, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out[at + static_cast<size_t>(i)] = static_cast<char>(v >> (8 * i));
}

inline void AppendLe(std::string& out, uint64_t v, int bytes) {
  const size_t at = out.size();
  out.resize(at + static_cast<size_t>(bytes));
  PutLe(out, at, v, bytes);
}

// Reads `bytes` bytes at `in[at]`; `in` must be long enough.
inline uint64_t GetLe(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + static_cast<size_t>(i)]))
         << (8 * i);
  }
  return v;
}

}  // namespace shoal
