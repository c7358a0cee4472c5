#include "tools/mount_helper/mount_options.h"

#include <algorithm>
#include <array>

namespace shoal {
namespace {

// Generic mount(8) options, matched exactly (or, for those with a value, by
// the exact name before '='): a near-miss such as "syncfoo" is a typo and is
// refused like any other unknown option.
constexpr std::array<std::string_view, 22> kIgnored = {
    "rw",     "ro",      "defaults", "auto",     "noauto", "user", "nouser", "users",
    "owner",  "_netdev", "nofail",   "suid",     "nosuid", "dev",  "nodev",  "exec",
    "noexec", "atime",   "noatime",  "relatime", "async",  "sync"};
constexpr std::array<std::string_view, 1> kIgnoredValued = {"comment"};
// systemd's own options form an open family, x-systemd.*, plus x-* for
// other tools; they are names with a fixed prefix by design.
constexpr std::string_view kIgnoredFamily = "x-";
constexpr std::array<std::string_view, 3> kFlags = {"allow_other", "direct", "anonymous"};
constexpr std::array<std::string_view, 18> kValued = {"uid",
                                                      "gid",
                                                      "umask",
                                                      "cache_size",
                                                      "cache_dir",
                                                      "cache_dir_size",
                                                      "max_in_flight",
                                                      "connections_per_host",
                                                      "part_size",
                                                      "endpoint",
                                                      "region",
                                                      "addressing",
                                                      "credentials_file",
                                                      "profile",
                                                      "log_file",
                                                      "metadata_ttl",
                                                      "threads",
                                                      "max_attempts"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::string Flag(std::string_view name) {
  std::string flag = "--";
  for (char c : name) flag += c == '_' ? '-' : c;
  return flag;
}

}  // namespace

Result<std::vector<std::string>> TranslateMountOptions(std::string_view options) {
  std::vector<std::string> args;
  size_t start = 0;
  while (start <= options.size()) {
    size_t end = options.find(',', start);
    if (end == std::string_view::npos) end = options.size();
    const std::string_view option = options.substr(start, end - start);
    start = end + 1;
    if (option.empty()) continue;
    const size_t eq = option.find('=');
    const std::string_view name = option.substr(0, eq);
    if ((eq == std::string_view::npos && Contains(kIgnored, option)) ||
        (eq != std::string_view::npos && Contains(kIgnoredValued, name)) ||
        option.rfind(kIgnoredFamily, 0) == 0) {
      continue;
    }
    if (eq == std::string_view::npos && Contains(kFlags, name)) {
      args.push_back(Flag(name));
      continue;
    }
    if (eq != std::string_view::npos && Contains(kValued, name)) {
      const std::string_view value = option.substr(eq + 1);
      if (value.empty()) {
        return Status(ErrorCode::kInvalidArgument,
                      "mount option '" + std::string(name) + "' needs a value");
      }
      args.push_back(Flag(name));
      args.emplace_back(value);
      continue;
    }
    return Status(ErrorCode::kInvalidArgument,
                  "unknown mount option '" + std::string(option) + "'");
  }
  return args;
}

}  // namespace shoal
