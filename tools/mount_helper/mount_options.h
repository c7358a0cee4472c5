// The mount-helper convention, `mount.shoal SOURCE DIR -o opt[,opt...]`,
// translated to `shoal mount` arguments. This is how `mount -t fuse.shoal`
// and /etc/fstab lines reach shoal.
//
//   allow_other, direct, anonymous      -> --allow-other, --direct, ...
//   name=value (uid, cache_size, ...)   -> --name value (underscores become dashes)
//   rw, ro, defaults, _netdev, noauto, nofail, sync, comment=..., x-*, ...
//                                       -> accepted and ignored (generic mount options)
// Names match exactly, never by prefix, and anything else is refused with
// its name, so a typo never mounts with a silently different
// configuration. A value that looks like a flag ("cache_dir=--foo") stays
// a value: each valued flag of `shoal mount` takes exactly one, and the
// parser (CLI11) takes the next argument as it, whatever it looks like.
// Secrets are not options: use the environment or credentials_file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace shoal {

Result<std::vector<std::string>> TranslateMountOptions(std::string_view options);

}  // namespace shoal
