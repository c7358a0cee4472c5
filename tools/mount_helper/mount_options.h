// The mount-helper convention, `mount.shoal SOURCE DIR -o opt[,opt...]`,
// translated to `shoal mount` arguments. This is how `mount -t fuse.shoal`
// and /etc/fstab lines reach shoal.
//
//   allow_other, direct, anonymous      -> --allow-other, --direct, ...
//   name=value (uid, cache_size, ...)   -> --name value (underscores become dashes)
//   rw, ro, defaults, _netdev, noauto, nofail, x-systemd.*, ...
//                                       -> accepted and ignored (generic mount options)
// Anything else is refused with its name, so a typo never mounts with a
// silently different configuration. Secrets are not options: use the
// environment or credentials_file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace shoal {

Result<std::vector<std::string>> TranslateMountOptions(std::string_view options);

}  // namespace shoal
