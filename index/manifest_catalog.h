// ManifestCatalog: the read engine's FileCatalog over a loaded manifest.
#pragma once

#include <memory>

#include "engine/read/read_engine.h"
#include "index/manifest.h"

namespace shoal {

class ManifestCatalog final : public FileCatalog {
 public:
  explicit ManifestCatalog(std::shared_ptr<const Manifest> manifest)
      : manifest_(std::move(manifest)) {}

  bool File(uint32_t entry, FileRef* out) const override;
  std::vector<uint32_t> NextFiles(uint32_t entry, size_t limit) const override;

 private:
  std::shared_ptr<const Manifest> manifest_;
};

}  // namespace shoal
