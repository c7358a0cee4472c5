// What changed between two snapshots: files added, removed, or changed (a
// different ETag or size), by path. Directories follow from their files.
#pragma once

#include <string>
#include <vector>

#include "index/manifest.h"

namespace shoal {

struct ManifestDiff {
  std::vector<std::string> added;    // sorted paths
  std::vector<std::string> removed;  // sorted paths
  std::vector<std::string> changed;  // sorted paths
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

ManifestDiff DiffManifests(const Manifest& older, const Manifest& newer);

}  // namespace shoal
