#include "tools/cli/mountpoint.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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

Status CheckOutsideMountpoint(const std::string& mountpoint_realpath, const std::string& path,
                              std::string_view what) {
  if (path.empty()) return Status::Ok();
  std::error_code ec;
  const std::filesystem::path resolved =
      std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) return Status::Ok();  // whoever uses the path reports what is wrong with it
  const std::string inside = mountpoint_realpath == "/" ? "/" : mountpoint_realpath + "/";
  if (resolved.string() != mountpoint_realpath && resolved.string().rfind(inside, 0) != 0) {
    return Status::Ok();
  }
  return Status(ErrorCode::kInvalidArgument,
                std::string(what) + " " + path + " lies inside the mountpoint " +
                    mountpoint_realpath + ", where the mount would hide it; put one elsewhere");
}

}  // namespace shoal::cli
