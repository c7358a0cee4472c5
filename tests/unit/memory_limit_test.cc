// CgroupMemoryLimit over fake /proc and /sys trees: the smallest limit of
// the cgroup and its ancestors wins; "max" and missing files mean no limit;
// cgroup v1 is the fallback.
#include "engine/base/memory_limit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace shoal {
namespace {

class MemoryLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("shoal-memlimit-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  std::string Root() const { return root_.string(); }
  std::filesystem::path root_;
};

TEST_F(MemoryLimitTest, NoCgroupFilesMeansNoLimit) { EXPECT_EQ(CgroupMemoryLimit(Root()), 0u); }

TEST_F(MemoryLimitTest, ContainerLimitOfCgroupV2) {
  Write("proc/self/cgroup", "0::/\n");
  Write("sys/fs/cgroup/memory.max", "2147483648\n");
  EXPECT_EQ(CgroupMemoryLimit(Root()), 2147483648u);
}

TEST_F(MemoryLimitTest, SmallestOfTheCgroupAndItsAncestorsWins) {
  Write("proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
  Write("sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "max\n");
  Write("sys/fs/cgroup/kubepods/pod1/memory.max", "1073741824\n");
  Write("sys/fs/cgroup/kubepods/memory.max", "8589934592\n");
  EXPECT_EQ(CgroupMemoryLimit(Root()), 1073741824u);
}

TEST_F(MemoryLimitTest, MaxEverywhereIsNoLimit) {
  Write("proc/self/cgroup", "0::/system.slice/shoal.service\n");
  Write("sys/fs/cgroup/system.slice/shoal.service/memory.max", "max\n");
  EXPECT_EQ(CgroupMemoryLimit(Root()), 0u);
}

TEST_F(MemoryLimitTest, CgroupV1LimitAndItsUnlimitedValue) {
  Write("proc/self/cgroup", "4:memory:/docker/abc\n");
  Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "536870912\n");
  EXPECT_EQ(CgroupMemoryLimit(Root()), 536870912u);
  Write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
  EXPECT_EQ(CgroupMemoryLimit(Root()), 0u);
}

TEST_F(MemoryLimitTest, AvailableMemoryIsPositiveHere) {
  EXPECT_GT(MemoryAvailableToProcess(), 0u);
}

}  // namespace
}  // namespace shoal
