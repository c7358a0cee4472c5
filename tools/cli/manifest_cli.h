// Helpers shared by the commands that read manifests.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "index/manifest.h"

namespace shoal::cli {

// Opens a manifest or prints why it cannot be opened (null then).
std::shared_ptr<const Manifest> OpenManifestOrReport(const std::string& path);

// A JSON string literal for `text`, quotes included.
std::string JsonString(std::string_view text);

}  // namespace shoal::cli
