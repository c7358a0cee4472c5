// Secret: its bytes sit in a mapping the kernel leaves out of core dumps.
#include "engine/auth/secret.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace shoal {
namespace {

// The VmFlags line of the /proc/self/smaps mapping that holds `address`.
std::string VmFlagsOf(const void* address) {
  const auto at = reinterpret_cast<uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= at && at < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.substr(8) + " ";
  }
  return "";
}

bool DontDump(const void* address) { return VmFlagsOf(address).find(" dd ") != std::string::npos; }

TEST(Secret, BytesLiveInAMappingLeftOutOfCoreDumps) {
  Secret secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(secret.Reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  ASSERT_NE(VmFlagsOf(secret.address()), "") << "no mapping holds the secret";
  EXPECT_TRUE(DontDump(secret.address())) << VmFlagsOf(secret.address());
  // An ordinary heap string is dumped: the check can tell the two apart.
  std::string plain(64, 'x');
  EXPECT_FALSE(DontDump(plain.data())) << VmFlagsOf(plain.data());
}

TEST(Secret, CopiesAreDeepAndProtectedMovesLeaveNothingBehind) {
  Secret original("s3cr3t");
  Secret copy = original;
  EXPECT_EQ(copy.Reveal(), "s3cr3t");
  EXPECT_NE(copy.address(), original.address());
  EXPECT_TRUE(DontDump(copy.address()));
  Secret assigned;
  assigned = copy;
  EXPECT_EQ(assigned.Reveal(), "s3cr3t");
  EXPECT_TRUE(DontDump(assigned.address()));

  const void* where = original.address();
  Secret moved = std::move(original);
  EXPECT_EQ(moved.address(), where);
  EXPECT_TRUE(original.empty());     // NOLINT(bugprone-use-after-move): checked on purpose
  EXPECT_EQ(original.Reveal(), "");  // NOLINT(clang-analyzer-cplusplus.Move): checked on purpose
  moved = Secret("other");
  EXPECT_EQ(moved.Reveal(), "other");
}

TEST(Secret, EmptyHasNoMapping) {
  Secret empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.address(), nullptr);
  EXPECT_TRUE(Secret("").empty());
}

TEST(Secret, LongSecretsSpanPages) {
  const std::string long_secret(10000, 'k');
  Secret secret(long_secret);
  EXPECT_EQ(secret.Reveal(), long_secret);
  EXPECT_TRUE(DontDump(secret.address()));
  EXPECT_TRUE(DontDump(secret.Reveal().data() + 9999));
}

TEST(Wipe, ZeroesInPlaceAndEmpties) {
  std::string text = "a transient copy of a secret that is long enough for the heap";
  const char* bytes = text.data();
  const size_t size = text.size();
  Wipe(text);
  EXPECT_TRUE(text.empty());
  // clear() keeps the buffer, so its old bytes can still be looked at.
  EXPECT_EQ(std::string(bytes, size), std::string(size, '\0'));
}

}  // namespace
}  // namespace shoal
