#include "tools/cli/mountpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace shoal::cli {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string digits = field.substr(i + 1, 3);
      if (digits.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(digits, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

}  // namespace

bool IsMounted(const std::string& realpath) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devices, root, mountpoint;
    fields >> id >> parent >> devices >> root >> mountpoint;
    if (Unescape(mountpoint) == realpath) return true;
  }
  return false;
}

Result<std::string> CheckMountpoint(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    if (errno == ENOTCONN) {
      return Status(ErrorCode::kInvalidArgument,
                    "mountpoint " + path + " is a disconnected FUSE mount; run `fusermount3 -u " +
                        path + "` first");
    }
    return Status(ErrorCode::kNotFound, "mountpoint " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kInvalidArgument, "mountpoint " + path + " is not a directory");
  }
  if (IsMounted(resolved)) {
    return Status(ErrorCode::kInvalidArgument,
                  "mountpoint " + path + " is busy: something is already mounted there");
  }
  return std::string(resolved);
}

}  // namespace shoal::cli
