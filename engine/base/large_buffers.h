// Large buffers go back to the kernel when they are freed.
//
// Why: glibc serves an allocation above its mmap threshold (128 KiB at
// start) with its own mapping, but the first time such a block is freed it
// raises the threshold to that block's size (up to 32 MiB). From then on an
// 8 MiB upload part comes from a malloc arena and, once freed, stays in that
// arena as free memory. Each thread that fills parts (FUSE workers come and
// go) gets its own arena, so a write mount's RSS climbed from 15 to about
// 145 MiB over a soak and stayed there, with nothing leaked. Setting the
// threshold explicitly turns the adjustment off: blocks of at least
// `threshold` bytes are always mapped and unmapped, and RSS follows the
// parts actually held (about 20 MiB in the same test).
//
// Process-wide (it is malloc's setting): call it once, near the start of a
// command that streams uploads, before it starts threads. A no-op under a
// sanitizer's allocator, which does not read malloc's settings.
#pragma once

#include <cstddef>

#include "engine/base/status.h"

namespace shoal {

inline constexpr size_t kLargeBufferBytes = size_t{1} << 20;

// An error only if malloc refused the setting.
Status ReturnLargeBuffersWhenFreed(size_t threshold = kLargeBufferBytes);

// True in a build whose malloc is a sanitizer's (ASan, TSan): it ignores
// malloc's settings and keeps freed memory resident by design.
bool SanitizerAllocatorInUse();

}  // namespace shoal
