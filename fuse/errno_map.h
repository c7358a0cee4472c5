// The FUSE edge is the only place where shoal's error codes become errno.
#pragma once

#include "engine/base/status.h"

namespace shoal {

// For a read of a file that the snapshot lists: an object that changed or
// vanished since indexing is ESTALE; failures after retries are EIO.
int ReadErrno(const Status& status);

// For the write mount: refused operations (EINVAL for a non-sequential
// write, EOPNOTSUPP for what the write path does not do), a missing name
// (ENOENT), refused credentials (EACCES), anything else EIO.
int WriteErrno(const Status& status);

}  // namespace shoal
