// Fuzz target: ManifestBuilder over hostile listings, checked by the loader.
//
// Object keys come from the bucket, so the builder (with the key policy's
// tree-level cases: file/directory conflicts, duplicates, renames) must turn
// any set of keys into a manifest that Manifest::FromBytes accepts. Input:
// one object per line, "KEY" or "KEY\tETAG"; the first byte picks the
// prefix and compression. Each distinct key is listed once (a bucket lists
// a key once), with a size and mtime derived from its line.
//
// Invariants: the manifest loads; every entry resolves by its path; every
// file maps back to a listed key with that key's size and ETag (so renames,
// key overrides and the ETag packing round-trip); and building the same set
// in reverse order gives the same bytes, as the builder promises.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "index/manifest.h"
#include "index/manifest_builder.h"
#include "index/manifest_file.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::Manifest;
using shoal::ObjectInfo;
using shoal::fuzz::Require;

constexpr size_t kMaxObjects = 2000;

std::string Build(const shoal::ManifestSource& source, const std::vector<ObjectInfo>& objects,
                  bool compress) {
  shoal::ManifestBuilder builder(source);
  for (const ObjectInfo& object : objects) builder.Add(object);
  return shoal::EncodeManifestContainer(builder.Finish(), compress);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const bool compress = (mode & 1) != 0;
  shoal::ManifestSource source{"https://s3.example.com", "bucket", (mode & 2) != 0 ? "p/" : "",
                               1700000000};

  std::vector<ObjectInfo> objects;
  std::map<std::string, const ObjectInfo*> by_key;
  std::set<std::string> seen;
  for (std::string_view line :
       shoal::fuzz::Lines(shoal::fuzz::AsText(data + 1, size - 1), kMaxObjects)) {
    ObjectInfo object;
    const size_t tab = line.find('\t');
    object.key = std::string(line.substr(0, tab));
    if (tab != std::string_view::npos) object.etag = std::string(line.substr(tab + 1));
    object.size = line.size() * 1000003u + objects.size();
    object.mtime_seconds = static_cast<int64_t>(line.size()) * 86400 - 1000;
    if (!seen.insert(object.key).second) continue;
    objects.push_back(std::move(object));
  }
  for (const ObjectInfo& object : objects) by_key[object.key] = &object;

  const std::string bytes = Build(source, objects, compress);
  auto loaded = Manifest::FromBytes(bytes, "fuzz-build");
  Require(loaded.ok());
  const Manifest& m = **loaded;
  Require(m.prefix() == source.prefix && m.bucket() == source.bucket);
  Require(m.file_count() + m.directory_count() == m.entry_count());

  for (uint32_t e = 0; e < m.entry_count(); ++e) {
    Require(m.Resolve(m.Path(e)) == e);
    if (m.IsDir(e)) continue;
    auto listed = by_key.find(m.ObjectKey(e));
    Require(listed != by_key.end());
    const ObjectInfo& object = *listed->second;
    Require(m.GetAttr(e).size == object.size);
    Require(m.Etag(e) == object.etag);
  }

  std::vector<ObjectInfo> reversed(objects.rbegin(), objects.rend());
  Require(Build(source, reversed, compress) == bytes);
  return 0;
}
