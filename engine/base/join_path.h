// JoinPath: the path of `name` inside directory `dir`, built in one allocation.
#pragma once

#include <string>
#include <string_view>

namespace shoal {

inline std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path;
  path.reserve(dir.size() + 1 + name.size());
  path.append(dir).append(1, '/').append(name);
  return path;
}

}  // namespace shoal
