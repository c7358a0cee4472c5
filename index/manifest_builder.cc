#include "index/manifest_builder.h"

#include <algorithm>
#include <numeric>

#include "index/manifest_format.h"
#include "index/manifest_generated.h"

namespace shoal {
namespace {

constexpr uint32_t kNoRecord = UINT32_MAX;
constexpr size_t kMaxPath = UINT16_MAX;

// Bytewise comparison in which '/' sorts before every other byte, so that
// sorting full paths orders each directory's entries by name.
int ComparePaths(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x == '/') return -1;
    if (y == '/') return 1;
    return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

// 16 bytes per file or directory of the tree being built.
struct Node {
  uint32_t parent = 0;
  uint32_t record = kNoRecord;  // the listed object (or directory marker), if any
  uint32_t name_offset = 0;     // into the node-name arena
  uint16_t name_length = 0;
  bool is_dir = false;
  bool conflict_renamed = false;
};

template <typename T>
void Release(std::vector<T>& v) {
  std::vector<T>().swap(v);
}

}  // namespace

ManifestBuilder::ManifestBuilder(ManifestSource source) : source_(std::move(source)) {}

ManifestBuilder::Extra& ManifestBuilder::ExtraOf(Record& r) {
  if (r.extra == kNone) {
    r.extra = static_cast<uint32_t>(extras_.size());
    extras_.emplace_back();
  }
  return extras_[r.extra];
}

std::string ManifestBuilder::OriginalKey(const Record& r) const {
  if (r.extra != kNone && !extras_[r.extra].original_key.empty()) {
    return extras_[r.extra].original_key;
  }
  std::string key = source_.prefix + std::string(PathOf(r));
  if (r.is_dir) key.push_back('/');
  return key;
}

void ManifestBuilder::Add(const ObjectInfo& object) {
  if (object.key.compare(0, source_.prefix.size(), source_.prefix) != 0) return;
  std::string_view relative = std::string_view(object.key).substr(source_.prefix.size());
  bool renamed = false;
  std::optional<std::string> path = SanitizeKey(relative, report_, &renamed);
  if (!path) return;
  if (path->size() > kMaxPath) {
    report_.Add(KeyIssue::kLongName, object.key);  // longer than any S3 key: drop it
    return;
  }

  Record r;
  r.is_dir = !relative.empty() && relative.back() == '/';
  r.size = r.is_dir ? 0 : object.size;
  r.mtime = static_cast<uint32_t>(std::clamp<int64_t>(object.mtime_seconds, 0, UINT32_MAX));
  r.path_offset = paths_.size();
  r.path_length = static_cast<uint16_t>(path->size());
  paths_ += *path;
  if (renamed) ExtraOf(r).original_key = object.key;
  if (!object.etag.empty()) {
    r.has_etag = true;
    if (!PackEtag(object.etag, &r.etag)) ExtraOf(r).etag_text = object.etag;
  }
  records_.push_back(r);
}

ManifestPayload ManifestBuilder::Finish() {
  // 1. One total order that does not depend on arrival order.
  std::vector<uint32_t> order(records_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [this](uint32_t x, uint32_t y) {
    const Record& a = records_[x];
    const Record& b = records_[y];
    int c = ComparePaths(PathOf(a), PathOf(b));
    if (c != 0) return c < 0;
    // A file before a directory marker of the same path: the marker then
    // renames the file and opens the directory that later keys under it
    // (which sort after both) find on the stack.
    if (a.is_dir != b.is_dir) return b.is_dir;
    return OriginalKey(a) < OriginalKey(b);
  });

  // 2. Walk the sorted paths, creating each directory once.
  std::vector<Node> nodes(1);
  nodes.reserve(records_.size() + records_.size() / 8 + 1);
  nodes[0].is_dir = true;
  std::string names;
  struct Level {
    uint32_t node = 0;
    std::string_view name;
    uint32_t last_child = kNoRecord;
  };
  std::vector<Level> stack = {{0, "", kNoRecord}};
  auto node_name = [&](uint32_t id) {
    return std::string_view(names).substr(nodes[id].name_offset, nodes[id].name_length);
  };
  auto set_name = [&](Node& node, std::string_view name) {
    node.name_offset = static_cast<uint32_t>(names.size());
    node.name_length = static_cast<uint16_t>(name.size());
    names += name;
  };
  auto add_node = [&](size_t parent_level, std::string_view name, bool is_dir, uint32_t record) {
    Node n;
    n.parent = stack[parent_level].node;
    n.record = record;
    n.is_dir = is_dir;
    set_name(n, name);
    nodes.push_back(n);
    stack[parent_level].last_child = static_cast<uint32_t>(nodes.size() - 1);
    return static_cast<uint32_t>(nodes.size() - 1);
  };
  auto rename_conflicting_file = [&](uint32_t id) {
    report_.Add(KeyIssue::kFileDirConflict, OriginalKey(records_[nodes[id].record]));
    std::string renamed = ConflictingFileName(node_name(id));
    set_name(nodes[id], renamed);
    nodes[id].conflict_renamed = true;
  };

  std::vector<std::string_view> segments;
  for (uint32_t rec_index : order) {
    const Record& r = records_[rec_index];
    std::string_view path = PathOf(r);
    segments.clear();
    for (size_t start = 0; start <= path.size();) {
      size_t end = path.find('/', start);
      if (end == std::string_view::npos) end = path.size();
      segments.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    const size_t dir_depth = r.is_dir ? segments.size() : segments.size() - 1;
    size_t matched = 0;
    while (matched < dir_depth && matched + 1 < stack.size() &&
           stack[matched + 1].name == segments[matched]) {
      ++matched;
    }
    stack.resize(matched + 1);
    for (size_t d = matched; d < dir_depth; ++d) {
      uint32_t last = stack[d].last_child;
      if (last != kNoRecord && !nodes[last].is_dir && !nodes[last].conflict_renamed &&
          node_name(last) == segments[d]) {
        rename_conflicting_file(last);
      }
      const bool marker = r.is_dir && d + 1 == dir_depth;
      uint32_t id = add_node(d, segments[d], true, marker ? rec_index : kNoRecord);
      stack.push_back({id, segments[d], kNoRecord});
    }
    if (r.is_dir) {
      if (matched == dir_depth && nodes[stack.back().node].record == kNoRecord) {
        nodes[stack.back().node].record = rec_index;  // a marker for an implied directory
      }
      continue;
    }
    const size_t parent_level = stack.size() - 1;
    uint32_t last = stack[parent_level].last_child;
    if (last != kNoRecord && node_name(last) == segments.back()) {
      if (nodes[last].is_dir) {
        rename_conflicting_file(add_node(parent_level, segments.back(), false, rec_index));
        continue;
      }
      if (OriginalKey(records_[nodes[last].record]) != OriginalKey(r)) {
        report_.Add(KeyIssue::kDuplicate, OriginalKey(r));
      }
      continue;  // the same key listed twice (overlapping pages) is kept once
    }
    add_node(parent_level, segments.back(), false, rec_index);
  }
  Release(order);

  // 3. Children of each directory, sorted by final name; duplicates dropped.
  const auto n = static_cast<uint32_t>(nodes.size());
  std::vector<uint32_t> child_start(n + 1, 0);
  for (uint32_t i = 1; i < n; ++i) ++child_start[nodes[i].parent + 1];
  std::partial_sum(child_start.begin(), child_start.end(), child_start.begin());
  std::vector<uint32_t> children(n - 1);
  {
    std::vector<uint32_t> fill(child_start.begin(), child_start.end() - 1);
    for (uint32_t i = 1; i < n; ++i) children[fill[nodes[i].parent]++] = i;
  }
  std::vector<bool> dropped(n, false);
  for (uint32_t d = 0; d < n; ++d) {
    if (!nodes[d].is_dir) continue;
    auto begin = children.begin() + child_start[d];
    auto end = children.begin() + child_start[d + 1];
    std::sort(begin, end, [&](uint32_t a, uint32_t b) {
      int c = node_name(a).compare(node_name(b));
      if (c != 0) return c < 0;
      if (nodes[a].is_dir != nodes[b].is_dir) return nodes[a].is_dir;
      return a < b;
    });
    for (auto it = begin; it != end && it + 1 != end; ++it) {
      if (node_name(*it) == node_name(*(it + 1)) && !nodes[*(it + 1)].is_dir) {
        dropped[*(it + 1)] = true;
        report_.Add(KeyIssue::kDuplicate, OriginalKey(records_[nodes[*(it + 1)].record]));
      }
    }
  }

  // 4. Breadth-first layout: each directory's children become contiguous.
  std::vector<uint32_t> layout;  // new index -> node
  std::vector<uint32_t> new_index(n, 0), first_child(n, 0), child_count(n, 0);
  layout.reserve(n);
  layout.push_back(0);
  for (size_t q = 0; q < layout.size(); ++q) {
    uint32_t d = layout[q];
    if (!nodes[d].is_dir) continue;
    first_child[d] = static_cast<uint32_t>(layout.size());
    for (uint32_t k = child_start[d]; k < child_start[d + 1]; ++k) {
      uint32_t c = children[k];
      if (dropped[c]) continue;
      new_index[c] = static_cast<uint32_t>(layout.size());
      layout.push_back(c);
      ++child_count[d];
    }
  }
  Release(children);
  Release(child_start);

  // 5. Directory mtimes: the marker's, else the newest child's.
  std::vector<uint32_t> mtime(n, 0);
  for (size_t q = layout.size(); q-- > 0;) {
    uint32_t id = layout[q];
    if (nodes[id].record != kNoRecord) {
      mtime[id] = std::max(mtime[id], records_[nodes[id].record].mtime);
    }
    if (q > 0) mtime[nodes[id].parent] = std::max(mtime[nodes[id].parent], mtime[id]);
  }

  // 6. The side tables need original keys, the only use of paths_ left.
  const auto count = static_cast<uint32_t>(layout.size());
  std::vector<std::pair<uint32_t, std::string>> key_overrides, etag_overrides;
  uint64_t names_total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const Node& node = nodes[layout[i]];
    names_total += node.name_length;
    if (node.record == kNoRecord) continue;
    const Record& r = records_[node.record];
    if (!node.is_dir &&
        ((r.extra != kNone && !extras_[r.extra].original_key.empty()) || node.conflict_renamed)) {
      key_overrides.emplace_back(i, OriginalKey(r));
    }
    if (r.has_etag && r.extra != kNone && !extras_[r.extra].etag_text.empty()) {
      etag_overrides.emplace_back(i, extras_[r.extra].etag_text);
    }
  }
  Release(extras_);
  std::string().swap(paths_);

  // 7. Serialise straight into a builder sized for the result.
  size_t side = 1024;
  for (const auto& o : key_overrides) side += o.second.size() + 32;
  for (const auto& o : etag_overrides) side += o.second.size() + 32;
  flatbuffers::FlatBufferBuilder fbb(count * sizeof(fb::Entry) + names_total + side + 4096);
  auto make_overrides = [&](auto& list, auto create) {
    std::vector<decltype(create(0u, flatbuffers::Offset<flatbuffers::String>()))> offsets;
    offsets.reserve(list.size());
    for (const auto& [entry, text] : list) offsets.push_back(create(entry, fbb.CreateString(text)));
    return fbb.CreateVector(offsets);
  };
  auto key_table = make_overrides(
      key_overrides, [&](uint32_t e, auto s) { return fb::CreateKeyOverride(fbb, e, s); });
  auto etag_table = make_overrides(
      etag_overrides, [&](uint32_t e, auto s) { return fb::CreateEtagOverride(fbb, e, s); });

  uint8_t* name_bytes = nullptr;
  auto names_vector = fbb.CreateUninitializedVector<uint8_t>(names_total, &name_bytes);
  for (uint32_t i = 0, at = 0; i < count; ++i) {
    std::string_view name = node_name(layout[i]);
    std::copy(name.begin(), name.end(), name_bytes + at);
    at += static_cast<uint32_t>(name.size());
  }
  std::string().swap(names);

  fb::Entry* entries = nullptr;
  auto entries_vector = fbb.CreateUninitializedVectorOfStructs<fb::Entry>(count, &entries);
  uint64_t files = 0, dirs = 0, bytes = 0;
  uint32_t name_offset = 0;
  size_t next_key = 0, next_etag = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const Node& node = nodes[layout[i]];
    const Record* r = node.record == kNoRecord ? nullptr : &records_[node.record];
    uint8_t flags = node.is_dir ? kEntryDirectory : 0;
    fb::Entry& e = entries[i];
    e = fb::Entry();
    e.mutate_size(node.is_dir || r == nullptr ? 0 : r->size);
    e.mutate_parent(i == 0 ? 0 : new_index[node.parent]);
    e.mutate_name_offset(name_offset);
    e.mutate_name_length(static_cast<uint8_t>(node.name_length));
    name_offset += node.name_length;
    e.mutate_first_child(node.is_dir ? first_child[layout[i]] : 0);
    e.mutate_child_count(node.is_dir ? child_count[layout[i]] : 0);
    e.mutate_mtime(mtime[layout[i]]);
    if (r != nullptr && r->has_etag) {
      // Both override lists were built in entry order: one cursor each.
      if (next_etag < etag_overrides.size() && etag_overrides[next_etag].first == i) {
        ++next_etag;
        flags |= kEntryEtagOverride;
      } else {
        flags |= kEntryHasEtag;
        if (r->etag.uppercase) flags |= kEntryEtagUppercase;
        e.mutate_etag_parts(r->etag.parts);
        for (int b = 0; b < 16; ++b) e.mutable_etag()->Mutate(b, r->etag.md5[b]);
      }
    }
    if (next_key < key_overrides.size() && key_overrides[next_key].first == i) {
      ++next_key;
      flags |= kEntryKeyOverride;
    }
    e.mutate_flags(flags);
    if (node.is_dir) {
      ++dirs;
    } else {
      ++files;
      bytes += e.size();
    }
  }
  auto manifest = fb::CreateManifest(
      fbb, fbb.CreateString(source_.endpoint), fbb.CreateString(source_.bucket),
      fbb.CreateString(source_.prefix), source_.created_unix, count, files, dirs, bytes,
      entries_vector, names_vector, key_table, etag_table, report_.skipped(), report_.renamed());
  fbb.Finish(manifest, fb::ManifestIdentifier());
  Release(records_);
  return ManifestPayload(fbb.Release());
}

}  // namespace shoal
