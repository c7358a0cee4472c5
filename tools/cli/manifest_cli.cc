#include "tools/cli/manifest_cli.h"

#include <cstdio>

#include "tools/cli/store_flags.h"

namespace shoal::cli {

std::shared_ptr<const Manifest> OpenManifestOrReport(const std::string& path) {
  Result<std::shared_ptr<const Manifest>> m = Manifest::Open(path);
  if (!m.ok()) {
    Fail(m.status());
    return nullptr;
  }
  return *m;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace shoal::cli
