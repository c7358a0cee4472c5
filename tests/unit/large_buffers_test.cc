// ReturnLargeBuffersWhenFreed: after it, a freed part-sized block is
// unmapped and the next one is mapped afresh, rather than kept in an arena.
// Each case runs in a child process: malloc's settings are process-wide.
#include "engine/base/large_buffers.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace shoal {
namespace {

constexpr size_t kPart = 8u << 20;

// Allocates and frees one part, then reports whether a second part is its
// own mapping (malloc counts those in hblks) rather than arena memory.
bool SecondPartIsMapped() {
  void* first = std::malloc(kPart);
  std::memset(first, 1, kPart);
  asm volatile("" : : "r"(first) : "memory");  // keep the pair from being elided
  std::free(first);
  const size_t mapped_before = mallinfo2().hblks;
  void* second = std::malloc(kPart);
  std::memset(second, 2, kPart);
  asm volatile("" : : "r"(second) : "memory");
  const bool mapped = mallinfo2().hblks > mapped_before;
  std::free(second);
  return mapped;
}

class LargeBuffersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (SanitizerAllocatorInUse()) GTEST_SKIP() << "a sanitizer's malloc ignores mallopt";
  }
};

TEST_F(LargeBuffersTest, WithoutItAFreedPartStaysInTheArena) {
  // glibc's dynamic threshold: the behaviour the setting exists to stop.
  EXPECT_EXIT(std::exit(SecondPartIsMapped() ? 1 : 0), ::testing::ExitedWithCode(0), "");
}

TEST_F(LargeBuffersTest, WithItEveryPartIsMappedAndUnmapped) {
  EXPECT_EXIT(
      {
        if (!ReturnLargeBuffersWhenFreed().ok()) std::exit(2);
        std::exit(SecondPartIsMapped() && SecondPartIsMapped() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(LargeBuffersTest, AThresholdMallocCannotTakeIsAnError) {
  Status s = ReturnLargeBuffersWhenFreed(size_t{1} << 40);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mmap threshold"), std::string::npos);
}

}  // namespace
}  // namespace shoal
