#include "index/manifest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "index/etag_codec.h"
#include "index/manifest_format.h"
#include "index/manifest_generated.h"

namespace shoal {
namespace {

constexpr uint64_t kMaxPayload = 1ull << 34;  // 16 GiB: far beyond 100M entries
constexpr uint64_t kMaxCompressionRatio = 256;

uint32_t GetLe32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint64_t GetLe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// A side table must be sorted by entry, in range, and carry its string.
template <typename Table, typename Text>
bool SideTableValid(const Table* table, uint32_t count, Text text) {
  if (table == nullptr) return true;
  bool first = true;
  uint32_t last = 0;
  for (const auto* o : *table) {
    if (o->entry() >= count || (!first && o->entry() <= last) || text(o) == nullptr) return false;
    last = o->entry();
    first = false;
  }
  return true;
}

Status Corrupt(std::string_view origin, const std::string& what) {
  return Status(ErrorCode::kCorrupt, "manifest " + std::string(origin) + ": " + what);
}

}  // namespace

Manifest::~Manifest() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

Result<std::shared_ptr<const Manifest>> Manifest::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                  "manifest " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kInvalidArgument, "manifest " + path + " is not a regular file");
  }
  auto m = std::unique_ptr<Manifest>(new Manifest());
  m->map_size_ = static_cast<size_t>(st.st_size);
  if (m->map_size_ > 0) {
    // The whole file is read at once to verify it: populate it in one go.
    void* map = ::mmap(nullptr, m->map_size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return Status(ErrorCode::kIoError, "manifest " + path + ": mmap: " + std::strerror(err));
    }
    m->map_ = map;
  }
  ::close(fd);
  return Load(std::move(m), path);
}

Result<std::shared_ptr<const Manifest>> Manifest::FromBytes(std::string bytes,
                                                            std::string_view origin) {
  auto m = std::unique_ptr<Manifest>(new Manifest());
  m->owned_ = std::move(bytes);
  return Load(std::move(m), origin);
}

Result<std::shared_ptr<const Manifest>> Manifest::Load(std::unique_ptr<Manifest> m,
                                                       std::string_view origin) {
  const uint8_t* file = m->map_ != nullptr ? static_cast<const uint8_t*>(m->map_)
                                           : reinterpret_cast<const uint8_t*>(m->owned_.data());
  const size_t file_size = m->map_ != nullptr ? m->map_size_ : m->owned_.size();
  if (file_size < sizeof(kManifestMagic) ||
      std::memcmp(file, kManifestMagic, sizeof(kManifestMagic)) != 0) {
    return Corrupt(origin, "not a shoal manifest (wrong magic bytes)");
  }
  if (file_size < kManifestHeaderSize) return Corrupt(origin, "truncated inside its header");
  const uint32_t version = GetLe32(file + 8);
  const uint32_t flags = GetLe32(file + 12);
  const uint64_t stored = GetLe64(file + 16);
  const uint64_t plain = GetLe64(file + 24);
  const uint64_t checksum = GetLe64(file + 32);
  if (version > kManifestVersion) {
    return Status(ErrorCode::kUnsupported,
                  "manifest " + std::string(origin) + ": format version " +
                      std::to_string(version) + " is newer than this shoal understands (" +
                      std::to_string(kManifestVersion) + "); upgrade shoal");
  }
  if (version == 0) return Corrupt(origin, "format version 0 is invalid");
  if ((flags & ~kManifestKnownFlags) != 0) return Corrupt(origin, "unknown header flags");
  if (stored > file_size - kManifestHeaderSize) {
    return Corrupt(origin, "truncated: the header promises " + std::to_string(stored) +
                               " payload bytes, the file holds " +
                               std::to_string(file_size - kManifestHeaderSize));
  }
  if (stored < file_size - kManifestHeaderSize)
    return Corrupt(origin, "trailing bytes after the payload");
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, file, 32);
  XXH3_64bits_update(state, file + kManifestHeaderSize, stored);
  const uint64_t actual = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (actual != checksum) return Corrupt(origin, "checksum mismatch: the file is damaged");

  if ((flags & kManifestFlagZstd) != 0) {
    if (plain > kMaxPayload) return Corrupt(origin, "implausible decompressed size");
    // The checksum is not a signature: a hostile header could promise
    // gigabytes from a few bytes. Real manifests compress about 9:1, so a
    // promise beyond 256:1 is refused before anything is allocated.
    if (plain > stored * kMaxCompressionRatio + 65536) {
      return Corrupt(origin, "implausible decompressed size (" + std::to_string(plain) +
                                 " bytes from " + std::to_string(stored) + ")");
    }
    // Uninitialised on purpose: zstd writes every byte or fails.
    std::unique_ptr<uint8_t[]> decompressed(new uint8_t[plain]);
    size_t n = ZSTD_decompress(decompressed.get(), plain, file + kManifestHeaderSize, stored);
    if (ZSTD_isError(n) || n != plain) return Corrupt(origin, "payload does not decompress");
    if (m->map_ != nullptr) {
      ::munmap(m->map_, m->map_size_);
      m->map_ = nullptr;
    }
    std::string().swap(m->owned_);
    m->decompressed_ = std::move(decompressed);
    m->payload_ = m->decompressed_.get();
    m->payload_size_ = plain;
    m->compressed_ = true;
  } else {
    if (plain != stored) return Corrupt(origin, "header sizes disagree");
    m->payload_ = file + kManifestHeaderSize;
    m->payload_size_ = stored;
  }

  flatbuffers::Verifier verifier(m->payload_, m->payload_size_, /*max_depth=*/16,
                                 /*max_tables=*/100'000'000);
  if (!fb::VerifyManifestBuffer(verifier)) {
    return Corrupt(origin, "payload fails FlatBuffers verification");
  }
  m->root_ = fb::GetManifest(m->payload_);
  Status valid = m->Validate(origin);
  if (!valid.ok()) return valid;
  return std::shared_ptr<const Manifest>(std::move(m));
}

Status Manifest::Validate(std::string_view origin) {
  const auto* entries = root_->entries();
  const auto* names = root_->names();
  if (entries == nullptr || names == nullptr || entries->size() == 0) {
    return Corrupt(origin, "has no entries");
  }
  if (entries->size() >= UINT32_MAX || root_->entry_count() != entries->size()) {
    return Corrupt(origin, "entry count does not match");
  }
  const uint32_t n = entries->size();
  const size_t names_size = names->size();
  const fb::Entry* e = entries->Get(0);
  const uint8_t* name_bytes = names->data();
  if ((e[0].flags() & kEntryDirectory) == 0 || e[0].parent() != 0) {
    return Corrupt(origin, "entry 0 is not the root directory");
  }
  uint64_t children_total = 0;
  std::vector<uint32_t> name_start(static_cast<size_t>(n) + 1);
  uint64_t next_name = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const fb::Entry& x = e[i];
    const bool dir = (x.flags() & kEntryDirectory) != 0;
    if (x.name_offset() != next_name ||
        static_cast<uint64_t>(x.name_offset()) + x.name_length() > names_size) {
      return Corrupt(origin, "entry " + std::to_string(i) + " has a name outside the name table");
    }
    name_start[i] = x.name_offset();
    next_name += x.name_length();
    if (i > 0) {
      std::string_view name(reinterpret_cast<const char*>(name_bytes) + x.name_offset(),
                            x.name_length());
      if (name.empty() || name == "." || name == ".." ||
          name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
        return Corrupt(origin, "entry " + std::to_string(i) + " has an unsafe name");
      }
      // The key policy escapes control bytes (%XX), so no index has them; a
      // manifest that does would put them in `ls` output and shell scripts.
      if (std::any_of(name.begin(), name.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
        return Corrupt(origin, "entry " + std::to_string(i) + " has a control byte in its name");
      }
      if (x.parent() >= i || (e[x.parent()].flags() & kEntryDirectory) == 0) {
        return Corrupt(origin, "entry " + std::to_string(i) + " has an invalid parent");
      }
    }
    if (!dir) {
      if (x.child_count() != 0) return Corrupt(origin, "a file has children");
      continue;
    }
    if (x.child_count() == 0) continue;
    if (x.first_child() <= i || static_cast<uint64_t>(x.first_child()) + x.child_count() > n) {
      return Corrupt(origin, "directory " + std::to_string(i) + " has children out of range");
    }
    children_total += x.child_count();
  }
  name_start[n] = static_cast<uint32_t>(next_name);
  if (next_name > names_size) return Corrupt(origin, "names overrun the name table");
  // Children point back at their parent and are sorted (checked once the
  // name offsets are known to be in range).
  for (uint32_t i = 0; i < n; ++i) {
    const fb::Entry& x = e[i];
    if ((x.flags() & kEntryDirectory) == 0 || x.child_count() == 0) continue;
    std::string_view previous;
    for (uint32_t c = x.first_child(); c < x.first_child() + x.child_count(); ++c) {
      if (e[c].parent() != i) return Corrupt(origin, "a child does not point back at its parent");
      std::string_view name(reinterpret_cast<const char*>(name_bytes) + name_start[c],
                            name_start[c + 1] - name_start[c]);
      if (c > x.first_child() && !(previous < name)) {
        return Corrupt(origin, "directory " + std::to_string(i) + " is not sorted");
      }
      previous = name;
    }
  }
  if (children_total != n - 1u) return Corrupt(origin, "entries are not a single tree");
  if (!SideTableValid(root_->key_overrides(), n, [](const auto* o) { return o->key(); })) {
    return Corrupt(origin, "key override table is invalid");
  }
  if (!SideTableValid(root_->etag_overrides(), n, [](const auto* o) { return o->etag(); })) {
    return Corrupt(origin, "ETag override table is invalid");
  }
  entries_ = e;
  names_ = name_bytes;
  count_ = n;
  key_.resize(static_cast<size_t>(n) + 1);
  for (uint32_t i = 0; i <= n; ++i) key_[i] = NameKey{name_start[i], 0};
  BuildLookupKeys();
  return Status::Ok();
}

const fb::Entry& Manifest::At(uint32_t entry) const { return entries_[entry < count_ ? entry : 0]; }

uint64_t Manifest::file_count() const { return root_->file_count(); }
uint64_t Manifest::directory_count() const { return root_->directory_count(); }
uint64_t Manifest::total_bytes() const { return root_->total_bytes(); }
int64_t Manifest::created_unix() const { return root_->created_unix(); }
uint64_t Manifest::skipped_keys() const { return root_->skipped_keys(); }
uint64_t Manifest::renamed_keys() const { return root_->renamed_keys(); }

static std::string_view View(const flatbuffers::String* s) {
  return s == nullptr ? std::string_view() : std::string_view(s->c_str(), s->size());
}
std::string_view Manifest::endpoint() const { return View(root_->endpoint()); }
std::string_view Manifest::bucket() const { return View(root_->bucket()); }
std::string_view Manifest::prefix() const { return View(root_->prefix()); }

bool Manifest::IsDir(uint32_t entry) const { return (At(entry).flags() & kEntryDirectory) != 0; }

EntryAttr Manifest::GetAttr(uint32_t entry) const {
  const fb::Entry& e = At(entry);
  return EntryAttr{(e.flags() & kEntryDirectory) != 0, e.size(), static_cast<int64_t>(e.mtime())};
}

std::string_view Manifest::Name(uint32_t entry) const {
  if (entry >= count_) entry = 0;
  return {reinterpret_cast<const char*>(names_) + key_[entry].start,
          key_[entry + 1].start - key_[entry].start};
}

uint32_t Manifest::Discriminator(std::string_view name, size_t skip) {
  uint32_t d = 0;
  for (size_t k = 0; k < 4; ++k) {
    d = (d << 8) | (skip + k < name.size() ? static_cast<unsigned char>(name[skip + k]) : 0u);
  }
  return d;
}

void Manifest::BuildLookupKeys() {
  shared_prefix_.assign(count_, 0);
  for (uint32_t d = 0; d < count_; ++d) {
    const fb::Entry& dir = entries_[d];
    if ((dir.flags() & kEntryDirectory) == 0 || dir.child_count() == 0) continue;
    const uint32_t first = dir.first_child(), last = first + dir.child_count() - 1;
    // Children are sorted, so the first and last share the prefix all share.
    std::string_view a = Name(first), b = Name(last);
    size_t lcp = 0;
    while (lcp < a.size() && lcp < b.size() && lcp < 255 && a[lcp] == b[lcp]) ++lcp;
    shared_prefix_[d] = static_cast<uint8_t>(lcp);
    for (uint32_t c = first; c <= last; ++c) key_[c].disc = Discriminator(Name(c), lcp);
  }
}

uint32_t Manifest::Parent(uint32_t entry) const { return At(entry).parent(); }

std::string Manifest::Etag(uint32_t entry) const {
  const fb::Entry& e = At(entry);
  if ((e.flags() & kEntryEtagOverride) != 0) {
    const auto* o = root_->etag_overrides() ? root_->etag_overrides()->LookupByKey(entry) : nullptr;
    return o != nullptr ? o->etag()->str() : "";
  }
  if ((e.flags() & kEntryHasEtag) == 0) return "";
  PackedEtag packed;
  for (int b = 0; b < 16; ++b) packed.md5[b] = e.etag()->Get(b);
  packed.parts = e.etag_parts();
  packed.uppercase = (e.flags() & kEntryEtagUppercase) != 0;
  return UnpackEtag(packed);
}

uint32_t Manifest::FirstChild(uint32_t dir) const { return At(dir).first_child(); }
uint32_t Manifest::ChildCount(uint32_t dir) const { return At(dir).child_count(); }

std::optional<uint32_t> Manifest::Lookup(uint32_t dir, std::string_view name) const {
  const fb::Entry& d = At(dir);
  if ((d.flags() & kEntryDirectory) == 0 || d.child_count() == 0) return std::nullopt;
  uint32_t lo = d.first_child(), hi = d.first_child() + d.child_count();
  const size_t shared = shared_prefix_[dir < count_ ? dir : 0];
  if (name.size() < shared || name.compare(0, shared, Name(lo).substr(0, shared)) != 0) {
    return std::nullopt;  // every child starts with the shared prefix
  }
  const uint32_t disc = Discriminator(name, shared);
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = key_[mid].disc < disc ? -1 : key_[mid].disc > disc ? 1 : Name(mid).compare(name);
    if (c == 0) return mid;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::nullopt;
}

std::string Manifest::Path(uint32_t entry) const {
  std::vector<std::string_view> parts;
  for (uint32_t e = entry < count_ ? entry : 0; e != kRoot; e = Parent(e)) parts.push_back(Name(e));
  std::string out;
  for (size_t i = parts.size(); i-- > 0;) {
    out += parts[i];
    if (i > 0) out.push_back('/');
  }
  return out;
}

std::string Manifest::ObjectKey(uint32_t entry) const {
  if ((At(entry).flags() & kEntryKeyOverride) != 0 && root_->key_overrides() != nullptr) {
    if (const auto* o = root_->key_overrides()->LookupByKey(entry)) return o->key()->str();
  }
  return std::string(prefix()) + Path(entry);
}

std::optional<uint32_t> Manifest::Resolve(std::string_view path) const {
  uint32_t at = kRoot;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    start = end + 1;
    if (segment.empty() || segment == ".") continue;
    std::optional<uint32_t> next = Lookup(at, segment);
    if (!next) return std::nullopt;
    at = *next;
  }
  return at;
}

}  // namespace shoal
