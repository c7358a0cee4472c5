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

#include <flatbuffers/detached_buffer.h>

#include <cstdint>
#include <string>
#include <string_view>
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

// The finished FlatBuffers payload, owned without a copy.
class ManifestPayload {
 public:
  explicit ManifestPayload(flatbuffers::DetachedBuffer buffer) : buffer_(std::move(buffer)) {}
  std::string_view view() const {
    return {reinterpret_cast<const char*>(buffer_.data()), buffer_.size()};
  }
  operator std::string_view() const { return view(); }  // NOLINT: a view of the bytes
  std::string ToString() const { return std::string(view()); }

 private:
  flatbuffers::DetachedBuffer buffer_;
};

class ManifestBuilder {
 public:
  explicit ManifestBuilder(ManifestSource source);

  // Adds one listed object; its key must start with the source prefix (other
  // keys are ignored).
  void Add(const ObjectInfo& object);

  // Builds the FlatBuffers payload. Call once: it releases the builder's
  // working memory as it goes.
  ManifestPayload Finish();

  const KeyReport& report() const { return report_; }
  uint64_t added() const { return records_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  // 48 bytes per listed key, plus its path in paths_.
  struct Record {
    uint64_t size = 0;
    uint64_t path_offset = 0;
    uint32_t mtime = 0;
    uint32_t extra = kNone;  // index into extras_: original key, ETag text
    uint16_t path_length = 0;
    bool is_dir = false;
    bool has_etag = false;
    PackedEtag etag;
  };

  std::string_view PathOf(const Record& r) const {
    return {paths_.data() + r.path_offset, r.path_length};
  }
  std::string OriginalKey(const Record& r) const;

  ManifestSource source_;
  KeyReport report_;
  std::vector<Record> records_;
  std::string paths_;
  // The rare per-key strings that do not fit a Record.
  struct Extra {
    std::string original_key;  // set when the key policy renamed the key
    std::string etag_text;     // set when the ETag is not packable
  };
  Extra& ExtraOf(Record& r);

  std::vector<Extra> extras_;
};

}  // namespace shoal
