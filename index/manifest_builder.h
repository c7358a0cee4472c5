// ManifestBuilder: turns a listing (pages of ObjectInfo, in any order) into
// a manifest payload.
//
// Pages are appended to compact records as they arrive (a path arena plus a
// fixed-size record per key), so peak memory stays near the size of the
// final manifest. Finish() sorts once, applies the key policy's tree-level
// cases (file/directory conflicts, duplicates), lays the tree out so that
// each directory's children are contiguous and sorted, and serialises it.
// The result depends only on the set of keys listed and the source fields,
// never on the order in which pages arrived. Not thread-safe: feed it from
// one thread, or serialise calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/object_store.h"
#include "index/etag_codec.h"
#include "index/key_policy.h"

namespace shoal {

struct ManifestSource {
  std::string endpoint;  // "" for file://
  std::string bucket;    // bucket name, or the root directory for file://
  std::string prefix;    // "" or ending in '/'
  int64_t created_unix = 0;
};

class ManifestBuilder {
 public:
  explicit ManifestBuilder(ManifestSource source);

  // Adds one listed object; its key must start with the source prefix (other
  // keys are ignored).
  void Add(const ObjectInfo& object);

  // Builds the FlatBuffers payload. Call once.
  std::string Finish();

  const KeyReport& report() const { return report_; }
  uint64_t added() const { return records_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Record {
    uint64_t size = 0;
    uint64_t path_offset = 0;
    uint32_t path_length = 0;
    uint32_t mtime = 0;
    uint32_t original_key = kNone;  // index into originals_ when renamed
    uint32_t etag_text = kNone;     // index into etag_texts_ when not packable
    PackedEtag etag;
    bool is_dir = false;
    bool has_etag = false;
  };

  std::string_view PathOf(const Record& r) const {
    return {paths_.data() + r.path_offset, r.path_length};
  }
  std::string OriginalKey(const Record& r) const;

  ManifestSource source_;
  KeyReport report_;
  std::vector<Record> records_;
  std::string paths_;
  std::vector<std::string> originals_;
  std::vector<std::string> etag_texts_;
};

}  // namespace shoal
