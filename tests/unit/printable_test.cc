// Names from outside printed for people: one line each, nothing a terminal
// would obey, and no two names printed alike.
#include "engine/base/printable.h"

#include <gtest/gtest.h>

#include <string>

namespace shoal {
namespace {

TEST(Printable, ControlBytesAndBackslashAreEscapedLikeLsB) {
  EXPECT_EQ(Printable("plain/key.txt"), "plain/key.txt");
  EXPECT_EQ(Printable("new\nline"), "new\\nline");
  EXPECT_EQ(Printable("cr\rtab\t"), "cr\\rtab\\t");
  EXPECT_EQ(Printable(std::string("nul\0", 4)), "nul\\x00");
  EXPECT_EQ(Printable("\x1b[31mred"), "\\x1B[31mred");
  EXPECT_EQ(Printable("del\x7f"), "del\\x7F");
  EXPECT_EQ(Printable("back\\slash"), "back\\\\slash");
  EXPECT_EQ(Printable("ü/日本"), "ü/日本");  // UTF-8 as it is
}

TEST(Printable, TwoNamesNeverPrintAlike) {
  // Without escaping the backslash, a key holding the two characters "\n"
  // would print like a key holding a newline.
  EXPECT_NE(Printable("a\\nb"), Printable("a\nb"));
  EXPECT_NE(Printable("a\\x00"), Printable(std::string("a\0", 2)));
}

TEST(Printable, FindsControlBytes) {
  EXPECT_FALSE(HasControlByte("http://host:7480"));
  EXPECT_TRUE(HasControlByte("http://h\r\nX: 1"));
  EXPECT_TRUE(HasControlByte(std::string("a\0", 2)));
  EXPECT_TRUE(HasControlByte("\x7f"));
  EXPECT_FALSE(HasControlByte("\xc3\xbc"));
}

}  // namespace
}  // namespace shoal
