// mount.shoal (also installed as mount.fuse.shoal): the helper mount(8)
// runs for `mount -t fuse.shoal` and fstab lines. It translates the -o
// options and executes `shoal mount`, which returns once the mount is
// usable.
//   mount.shoal SOURCE MOUNTPOINT [-o OPTIONS] [-n] [-s] [-v] [-f]
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/mount_helper/mount_options.h"

namespace {

// The shoal binary next to this helper, or in ../bin (an install puts the
// helper in sbin and shoal in bin), else the one on PATH.
std::string ShoalBinary() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    for (const std::string& candidate : {dir + "/shoal", dir + "/../bin/shoal"}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "shoal";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  std::string options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc) {
      if (!options.empty()) options += ',';
      options += argv[++i];
    } else if (arg.rfind("-o", 0) == 0 && arg.size() > 2) {
      if (!options.empty()) options += ',';
      options += arg.substr(2);
    } else if (arg == "-n" || arg == "-s" || arg == "-v" || arg == "-f") {
      // no mtab, sloppy, verbose, fake: nothing to do for a FUSE mount
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "mount.shoal: unknown flag %s\n", arg.c_str());
      return 2;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) {
    std::fprintf(stderr, "usage: mount.shoal SOURCE MOUNTPOINT [-o OPTIONS]\n");
    return 2;
  }
  shoal::Result<std::vector<std::string>> translated = shoal::TranslateMountOptions(options);
  if (!translated.ok()) {
    std::fprintf(stderr, "mount.shoal: %s\n", translated.status().message().c_str());
    return 2;
  }
  const std::string shoal = ShoalBinary();
  std::vector<std::string> args = {shoal, "mount", positional[0], positional[1]};
  args.insert(args.end(), translated->begin(), translated->end());
  std::vector<char*> exec_args;
  exec_args.reserve(args.size() + 1);
  for (std::string& a : args) exec_args.push_back(a.data());
  exec_args.push_back(nullptr);
  ::execvp(shoal.c_str(), exec_args.data());
  std::perror("mount.shoal: cannot run shoal");
  return 1;
}
