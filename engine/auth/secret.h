// Secret: the bytes of a secret key, kept out of core dumps.
//
// A crashed mount may leave a core file, and core files travel (bug reports,
// crash collectors). So the secret does not live in an ordinary heap string:
// it gets its own anonymous mapping, marked MADV_DONTDUMP so the kernel
// leaves it out of core dumps, and zeroed before the mapping is returned.
// Reveal() hands out a view for the one place that needs the bytes, the
// SigV4 signer. There is no printer. Copies are deep: each copy owns its
// own protected mapping, so no copy is ever weaker than the original.
//
// What this does not cover (the process environment, buffers inside libc
// and OpenSSL, swap) is listed under "Credentials" in docs/design.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shoal {

class Secret {
 public:
  Secret() = default;  // empty: no mapping
  explicit Secret(std::string_view bytes);
  Secret(const Secret& other);
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  std::string_view Reveal() const { return {data_, size_}; }
  bool empty() const { return size_ == 0; }
  // The first byte's address, for tests that inspect the mapping.
  const void* address() const { return data_; }

 private:
  void Release();

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;
};

// Zeroes a string's bytes where they lie (the compiler may not drop this),
// then empties it: for transient copies of a secret that shoal owns.
void Wipe(std::string& text);

}  // namespace shoal
