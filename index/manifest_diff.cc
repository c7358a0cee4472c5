#include "index/manifest_diff.h"

#include <algorithm>
#include <unordered_map>

namespace shoal {

ManifestDiff DiffManifests(const Manifest& older, const Manifest& newer) {
  std::unordered_map<std::string, uint32_t> remaining;
  remaining.reserve(newer.file_count());
  for (uint32_t e = 1; e < newer.entry_count(); ++e) {
    if (!newer.IsDir(e)) remaining.emplace(newer.Path(e), e);
  }
  ManifestDiff diff;
  for (uint32_t e = 1; e < older.entry_count(); ++e) {
    if (older.IsDir(e)) continue;
    std::string path = older.Path(e);
    auto it = remaining.find(path);
    if (it == remaining.end()) {
      diff.removed.push_back(std::move(path));
      continue;
    }
    if (older.GetAttr(e).size != newer.GetAttr(it->second).size ||
        older.Etag(e) != newer.Etag(it->second)) {
      diff.changed.push_back(path);
    }
    remaining.erase(it);
  }
  for (auto& entry : remaining) diff.added.push_back(entry.first);
  for (auto* v : {&diff.added, &diff.removed, &diff.changed}) std::sort(v->begin(), v->end());
  return diff;
}

}  // namespace shoal
