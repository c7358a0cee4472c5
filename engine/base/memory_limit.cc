// See memory_limit.h.
#include "engine/base/memory_limit.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace shoal {
namespace {

// The first line of a file, or "" if it cannot be read.
std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// A limit file's value: bytes, or 0 for "max", empty or nonsense. cgroup v1
// writes "no limit" as a huge number, which is treated as none too.
uint64_t LimitOf(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return 0;
  try {
    const unsigned long long value = std::stoull(text);
    return value >= (1ull << 60) ? 0 : value;
  } catch (...) {
    return 0;
  }
}

// The process's cgroup v2 path ("0::/kubepods/pod1/ctr" -> "/kubepods/...").
std::string CgroupV2Path(const std::string& root) {
  std::ifstream in(root + "proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "";
}

}  // namespace

uint64_t CgroupMemoryLimit(const std::string& root_in) {
  const std::string root = root_in.empty() || root_in.back() == '/' ? root_in : root_in + "/";
  uint64_t smallest = 0;
  auto consider = [&](uint64_t limit) {
    if (limit != 0 && (smallest == 0 || limit < smallest)) smallest = limit;
  };
  std::string path = CgroupV2Path(root);
  if (!path.empty()) {
    // The cgroup and every ancestor up to the root of the hierarchy.
    while (true) {
      consider(
          LimitOf(FirstLine(root + "sys/fs/cgroup" + (path == "/" ? "" : path) + "/memory.max")));
      if (path.empty() || path == "/") break;
      const size_t slash = path.rfind('/');
      path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
  }
  if (smallest == 0) {
    consider(LimitOf(FirstLine(root + "sys/fs/cgroup/memory/memory.limit_in_bytes")));
  }
  return smallest;
}

uint64_t MemoryAvailableToProcess() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  uint64_t physical = 0;
  if (pages > 0 && page_size > 0) {
    physical = static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
  }
  const uint64_t cgroup = CgroupMemoryLimit();
  if (physical == 0) return cgroup;
  return cgroup == 0 ? physical : std::min(physical, cgroup);
}

}  // namespace shoal
