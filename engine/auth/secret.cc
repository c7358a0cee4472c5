#include "engine/auth/secret.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace shoal {
namespace {

size_t PageRounded(size_t size) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return (size + page - 1) / page * page;
}

}  // namespace

Secret::Secret(std::string_view bytes) {
  if (bytes.empty()) return;
  mapped_ = PageRounded(bytes.size());
  void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    // Like a failed small allocation: there is no sensible way on.
    std::fprintf(stderr, "shoal: cannot map %zu bytes for a secret: %s\n", mapped_,
                 std::strerror(errno));
    std::abort();
  }
  // Best effort: kernels before 3.4 do not know MADV_DONTDUMP.
  ::madvise(p, mapped_, MADV_DONTDUMP);
  data_ = static_cast<char*>(p);
  size_ = bytes.size();
  std::memcpy(data_, bytes.data(), size_);
}

Secret::Secret(const Secret& other) : Secret(other.Reveal()) {}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) *this = Secret(other);
  return *this;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

Secret::~Secret() { Release(); }

void Secret::Release() {
  if (data_ == nullptr) return;
  ::explicit_bzero(data_, mapped_);
  ::munmap(data_, mapped_);
  data_ = nullptr;
  size_ = 0;
  mapped_ = 0;
}

void Wipe(std::string& text) {
  ::explicit_bzero(text.data(), text.size());
  text.clear();
}

}  // namespace shoal
