// mount -t fuse.shoal / fstab options, translated to `shoal mount` flags.
#include "tools/mount_helper/mount_options.h"

#include <gtest/gtest.h>

namespace shoal {
namespace {

using Args = std::vector<std::string>;

TEST(MountOptions, FlagsAndValuesBecomeShoalArguments) {
  Result<Args> args = TranslateMountOptions(
      "rw,allow_other,uid=1000,umask=027,cache_size=2G,cache_dir=/var/cache/shoal,direct");
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(*args, (Args{"--allow-other", "--uid", "1000", "--umask", "027", "--cache-size", "2G",
                         "--cache-dir", "/var/cache/shoal", "--direct"}));
}

TEST(MountOptions, GenericMountOptionsAreIgnored) {
  Result<Args> args = TranslateMountOptions(
      "defaults,_netdev,noauto,nofail,x-systemd.automount,nosuid,nodev,noatime,relatime,,ro,sync,"
      "async,comment=systemd.automount,x-gvfs-show");
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->empty());
  EXPECT_TRUE(TranslateMountOptions("").ok());
}

TEST(MountOptions, UnknownOrIncompleteOptionsAreRefusedByName) {
  Result<Args> typo = TranslateMountOptions("allow_other,cache_szie=1G");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("cache_szie=1G"), std::string::npos);
  EXPECT_FALSE(TranslateMountOptions("uid=").ok());
  EXPECT_FALSE(TranslateMountOptions("uid").ok());            // needs a value
  EXPECT_FALSE(TranslateMountOptions("allow_other=1").ok());  // takes none
  // No option carries a secret.
  EXPECT_FALSE(TranslateMountOptions("secret_key=abc").ok());
}

TEST(MountOptions, IgnoredOptionsMatchExactlyNotByPrefix) {
  for (const char* near_miss :
       {"syncfoo", "sync=1", "asyncX", "async=", "relatime_whatever", "relatimeX", "rwx", "ro=1",
        "defaultsx", "_netdevice", "commentary", "comment", "nofailover", "noatime=0"}) {
    Result<Args> args = TranslateMountOptions(std::string("allow_other,") + near_miss);
    ASSERT_FALSE(args.ok()) << near_miss << " was accepted";
    EXPECT_EQ(args.status().message(), std::string("unknown mount option '") + near_miss + "'");
  }
  // Valued options match their exact name before '=', too.
  EXPECT_FALSE(TranslateMountOptions("uidx=1").ok());
  EXPECT_FALSE(TranslateMountOptions("cache_dir_sizes=1G").ok());
  EXPECT_FALSE(TranslateMountOptions("allow_others").ok());
}

TEST(MountOptions, AValueIsPassedAsItIs) {
  // The value follows its flag as its own argument; that shoal reads it as
  // the value, not as a flag, is checked end to end in tests/cli/cli_test.sh.
  Result<Args> args = TranslateMountOptions("cache_dir=--allow-other,log_file=/var/log/a=b.log");
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(*args, (Args{"--cache-dir", "--allow-other", "--log-file", "/var/log/a=b.log"}));
}

}  // namespace
}  // namespace shoal
