// What the fuzz targets share: how an invariant fails, and how the raw input
// is cut up. An invariant fails with a trap rather than assert() so that it
// also fires in a build with NDEBUG, and libFuzzer keeps the input as a
// crash; the helper is always inlined, so the report names the caller's line.
// Header-only and stateless: each target is one small translation unit.
#pragma once

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/little_endian.h"

namespace shoal::fuzz {

[[gnu::always_inline]] inline void Require(bool invariant) {
  if (!invariant) __builtin_trap();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// `bytes` with its last 8 bytes replaced by the XXH3 of the rest: formats
// sealed that way (spool records, the ingest journal) then get past their
// checksum, so the fuzzer reaches the decoder behind it.
inline std::string Resealed(std::string_view bytes) {
  std::string out(bytes);
  if (out.size() < 8) return out;
  const size_t body = out.size() - 8;
  shoal::PutLe(out, body, XXH3_64bits(out.data(), body), 8);
  return out;
}

// The '\n'-separated lines of `text`, at most `max` of them; a final
// newline does not start an empty line.
inline std::vector<std::string_view> Lines(std::string_view text, size_t max) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size() && lines.size() < max) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF). Written independently of index/key_policy.cc so
// that the key policy target checks it against a second opinion.
inline bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t n = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2, cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, cp = c & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace shoal::fuzz
