#include "engine/base/large_buffers.h"

#include <malloc.h>

#include <climits>
#include <string>

namespace shoal {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerAllocator = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizerAllocator = true;
#else
constexpr bool kSanitizerAllocator = false;
#endif
#else
constexpr bool kSanitizerAllocator = false;
#endif

}  // namespace

bool SanitizerAllocatorInUse() { return kSanitizerAllocator; }

Status ReturnLargeBuffersWhenFreed(size_t threshold) {
  if (kSanitizerAllocator) return Status::Ok();  // its mallopt always says no
  if (threshold > static_cast<size_t>(INT_MAX) ||
      ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(threshold)) != 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "malloc refused an mmap threshold of " + std::to_string(threshold) + " bytes");
  }
  return Status::Ok();
}

}  // namespace shoal
