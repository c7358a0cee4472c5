// Manifest: read-only access to a loaded snapshot.
//
// Open() validates everything once: the container header and checksum, the
// FlatBuffers verifier, and the tree's own invariants (every index in range,
// children contiguous, sorted and pointing back at their parent, names free
// of '/' and NUL). After that, every accessor is a bounds-safe array access,
// so a hostile file can produce an error on load but never undefined
// behaviour later. An uncompressed manifest is used in place from an mmap;
// a compressed one is decompressed once into memory.
//
// Entry indices are inode numbers, stable within one manifest; 0 is the root.
// The object is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace shoal {
namespace fb {
struct Manifest;
struct Entry;
}  // namespace fb

struct EntryAttr {
  bool is_dir = false;
  uint64_t size = 0;
  int64_t mtime = 0;
};

class Manifest {
 public:
  static constexpr uint32_t kRoot = 0;

  static Result<std::shared_ptr<const Manifest>> Open(const std::string& path);
  // From the bytes of a manifest file (e.g. fetched from a bucket).
  static Result<std::shared_ptr<const Manifest>> FromBytes(std::string bytes,
                                                           std::string_view origin);
  ~Manifest();
  Manifest(const Manifest&) = delete;
  Manifest& operator=(const Manifest&) = delete;

  uint32_t entry_count() const { return count_; }
  uint64_t file_count() const;
  uint64_t directory_count() const;
  uint64_t total_bytes() const;
  int64_t created_unix() const;
  uint64_t skipped_keys() const;
  uint64_t renamed_keys() const;
  std::string_view endpoint() const;
  std::string_view bucket() const;
  std::string_view prefix() const;
  bool compressed() const { return compressed_; }

  bool IsDir(uint32_t entry) const;
  EntryAttr GetAttr(uint32_t entry) const;
  std::string_view Name(uint32_t entry) const;
  uint32_t Parent(uint32_t entry) const;
  // The ETag as the server gave it (without quotes); "" if none.
  std::string Etag(uint32_t entry) const;

  // The child of directory `dir` named `name`, by binary search.
  std::optional<uint32_t> Lookup(uint32_t dir, std::string_view name) const;
  // Children of `dir` are the entries [first, first + count).
  uint32_t FirstChild(uint32_t dir) const;
  uint32_t ChildCount(uint32_t dir) const;

  // "a/b/c" relative to the root ("" for the root).
  std::string Path(uint32_t entry) const;
  // The object key to fetch for a file entry.
  std::string ObjectKey(uint32_t entry) const;
  // The entry at a relative path ("", "/" and "." mean the root).
  std::optional<uint32_t> Resolve(std::string_view path) const;

 private:
  Manifest() = default;
  static Result<std::shared_ptr<const Manifest>> Load(std::unique_ptr<Manifest> m,
                                                      std::string_view origin);
  Status Validate(std::string_view origin);
  const fb::Entry& At(uint32_t entry) const;

  // Storage: either an mmap of the file or an owned buffer.
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string owned_;
  std::unique_ptr<uint8_t[]> decompressed_;
  const uint8_t* payload_ = nullptr;
  size_t payload_size_ = 0;
  bool compressed_ = false;

  const fb::Manifest* root_ = nullptr;
  const fb::Entry* entries_ = nullptr;
  const uint8_t* names_ = nullptr;
  uint32_t count_ = 0;
  // Built on load. Names are stored in entry order, so entry i's name is
  // names_[key_[i].start, key_[i + 1].start). `disc` holds the 4 name bytes
  // that follow the longest prefix shared by all of the parent's children
  // (big-endian, zero-padded): comparing it orders names the same way, so a
  // binary search touches the name bytes only on ties.
  struct NameKey {
    uint32_t start;
    uint32_t disc;
  };
  std::vector<NameKey> key_;
  std::vector<uint8_t> shared_prefix_;  // per directory: its children's common prefix length
  void BuildLookupKeys();
  static uint32_t Discriminator(std::string_view name, size_t skip);
};

}  // namespace shoal
