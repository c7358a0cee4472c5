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
      "defaults,_netdev,noauto,nofail,x-systemd.automount,nosuid,nodev,noatime,relatime,,ro");
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

}  // namespace
}  // namespace shoal
