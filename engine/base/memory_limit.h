// How much memory this process may use: physical RAM, or less when a
// cgroup (a container's limit, a systemd slice) caps it. Default budgets are
// a share of this, so a pod with a 2 GiB limit on a 256 GiB node does not
// default to a cache the kernel would kill it for.
//
// Reads cgroup v2 (memory.max of the process's cgroup and of each ancestor,
// the smallest wins) and falls back to cgroup v1's memory.limit_in_bytes.
// `root` is the file-system root to read under ("/" in production, a test
// directory in tests). Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace shoal {

// The smallest cgroup memory limit that applies to this process, or 0 when
// none does (no cgroup file, or "max").
uint64_t CgroupMemoryLimit(const std::string& root = "/");

// min(physical RAM, CgroupMemoryLimit()); 0 if neither is known.
uint64_t MemoryAvailableToProcess();

}  // namespace shoal
