// ViewOptions: how the read-only view presents the snapshot to the kernel.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace shoal {

struct ViewOptions {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t umask = 022;
  // The snapshot is immutable, so the kernel may cache names, attributes
  // and misses for a long time; a refresh invalidates them explicitly.
  double entry_timeout_seconds = 24 * 3600.0;
  double attr_timeout_seconds = 24 * 3600.0;
  double negative_timeout_seconds = 24 * 3600.0;
};

}  // namespace shoal
