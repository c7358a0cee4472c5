// Key-space arithmetic for splitting one listing into several parallel
// ListObjectsV2 walks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shoal {

// A key strictly between `low` and `high` (an empty `high` means no upper
// bound), made of printable ASCII after their common prefix so that servers
// accept it as start-after. Nullopt when no such key is easy to find; callers
// then simply do not split.
std::optional<std::string> KeyBetween(std::string_view low, std::string_view high);

// The smallest string greater than every key that starts with `prefix`
// ("" when there is none, e.g. for an empty prefix).
std::string PrefixEnd(std::string_view prefix);

}  // namespace shoal
