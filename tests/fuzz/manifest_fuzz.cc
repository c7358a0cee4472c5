// Fuzz target: the manifest loader (Manifest::FromBytes and Manifest::Open),
// the one gate between a manifest file (local, or fetched from a bucket) and
// every accessor that trusts it afterwards.
//
// The container's XXH3 would stop almost every mutation at the header, so
// each input is tried twice: as given, and repaired (the length fields set
// from the input's size and the checksum recomputed), which carries the
// mutation on to zstd, the FlatBuffers verifier and Validate(). Whatever
// loads must then answer for each of its entries without a sanitizer report
// and consistently: Lookup(Parent(e), Name(e)) == e, Resolve(Path(e)) == e,
// children in range; and Open() of the same bytes from a file must agree.
//
// The repair caps the declared decompressed size of a zstd payload at 1 MiB:
// Load() allocates that size before it decompresses (index/manifest.cc), so
// a header declaring up to 16 GiB makes every run an out-of-memory report
// and the fuzzer would never get past it.
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/base/little_endian.h"
#include "index/manifest.h"
#include "index/manifest_format.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::Manifest;
using shoal::fuzz::Require;

constexpr uint64_t kRepairedPlainCap = 1u << 20;
constexpr uint32_t kMaxChecked = 4096;  // entries walked per input, to bound the time

std::string Repaired(std::string_view input) {
  std::string file(input);
  if (file.size() < shoal::kManifestHeaderSize) return file;
  std::memcpy(file.data(), shoal::kManifestMagic, sizeof(shoal::kManifestMagic));
  const uint64_t stored = file.size() - shoal::kManifestHeaderSize;
  const bool zstd = (shoal::GetLe(file, 12, 4) & shoal::kManifestFlagZstd) != 0;
  shoal::PutLe(file, 16, stored, 8);
  const uint64_t plain = zstd ? std::min(shoal::GetLe(file, 24, 8), kRepairedPlainCap) : stored;
  shoal::PutLe(file, 24, plain, 8);
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, file.data(), 32);
  XXH3_64bits_update(state, file.data() + shoal::kManifestHeaderSize, stored);
  shoal::PutLe(file, 32, XXH3_64bits_digest(state), 8);
  XXH3_freeState(state);
  return file;
}

// A lookup that answers must answer with a child of `dir` of that name.
void CheckLookup(const Manifest& m, uint32_t dir, std::string_view name) {
  std::optional<uint32_t> found = m.Lookup(dir, name);
  if (!found) return;
  Require(*found < m.entry_count());
  Require(m.Parent(*found) == dir && m.Name(*found) == name);
}

void CheckLoaded(const Manifest& m, std::string_view input) {
  const uint32_t n = m.entry_count();
  Require(n >= 1);
  Require(m.IsDir(Manifest::kRoot) && m.Path(Manifest::kRoot).empty());
  Require(m.Resolve("") == Manifest::kRoot && m.Resolve("/") == Manifest::kRoot);
  (void)m.endpoint(), (void)m.bucket(), (void)m.prefix(), (void)m.total_bytes();
  for (uint32_t e = 0; e < std::min(n, kMaxChecked); ++e) {
    const uint32_t parent = m.Parent(e);
    const std::string_view name = m.Name(e);
    Require(parent < n);
    if (e != Manifest::kRoot) {
      Require(parent < e && m.IsDir(parent));
      Require(!name.empty() && name.size() <= 255 && name != "." && name != "..");
      Require(name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos);
      Require(m.Lookup(parent, name) == e);
      Require(m.Resolve(m.Path(e)) == e);
      // Near misses: a longer name, a shorter one, and bytes from the input.
      CheckLookup(m, parent, std::string(name) + '\xff');
      CheckLookup(m, parent, name.substr(0, name.size() - 1));
      CheckLookup(m, parent, input.substr(input.size() - std::min<size_t>(input.size(), 8)));
    }
    if (m.IsDir(e)) {
      const uint32_t first = m.FirstChild(e), count = m.ChildCount(e);
      Require(count == 0 || (first > e && static_cast<uint64_t>(first) + count <= n));
      Require(m.GetAttr(e).is_dir);
    } else {
      Require(m.ChildCount(e) == 0);
      Require(!m.GetAttr(e).is_dir);
      (void)m.ObjectKey(e);
    }
    (void)m.Etag(e);
  }
  // Out-of-range entries answer as the root rather than reading past the table.
  Require(m.Name(n) == m.Name(Manifest::kRoot));
  (void)m.Lookup(n, "x");
}

// Open() maps a file where FromBytes() owns a buffer: both must agree.
void CheckOpenAgrees(std::string_view bytes, const Manifest& loaded) {
  const int fd = ::memfd_create("shoal-fuzz-manifest", MFD_CLOEXEC);
  if (fd < 0) return;
  bool written = true;
  for (size_t done = 0; done < bytes.size() && written;) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    written = w > 0;
    if (written) done += static_cast<size_t>(w);
  }
  if (written) {
    auto opened = Manifest::Open("/proc/self/fd/" + std::to_string(fd));
    if (opened.ok()) {
      Require((*opened)->entry_count() == loaded.entry_count());
      Require((*opened)->Path(loaded.entry_count() - 1) == loaded.Path(loaded.entry_count() - 1));
    } else {
      // Only the environment (no /proc) may fail it, never the bytes.
      Require(opened.status().code() != shoal::ErrorCode::kCorrupt &&
              opened.status().code() != shoal::ErrorCode::kUnsupported);
    }
  }
  ::close(fd);
}

void TryLoad(const std::string& bytes, std::string_view input) {
  auto m = Manifest::FromBytes(bytes, "fuzz");
  if (!m.ok()) return;
  CheckLoaded(**m, input);
  CheckOpenAgrees(bytes, **m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = shoal::fuzz::AsText(data, size);
  TryLoad(std::string(input), input);
  const std::string repaired = Repaired(input);
  if (repaired != input) TryLoad(repaired, input);
  return 0;
}
