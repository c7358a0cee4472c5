#include "index/manifest_catalog.h"

namespace shoal {

bool ManifestCatalog::File(uint32_t entry, FileRef* out) const {
  if (entry >= manifest_->entry_count() || manifest_->IsDir(entry)) return false;
  out->entry = entry;
  out->key = manifest_->ObjectKey(entry);
  out->etag = manifest_->Etag(entry);
  out->size = manifest_->GetAttr(entry).size;
  return true;
}

std::vector<uint32_t> ManifestCatalog::NextFiles(uint32_t entry, size_t limit) const {
  std::vector<uint32_t> out;
  if (entry == Manifest::kRoot || entry >= manifest_->entry_count()) return out;
  const uint32_t parent = manifest_->Parent(entry);
  const uint32_t end = manifest_->FirstChild(parent) + manifest_->ChildCount(parent);
  for (uint32_t e = entry + 1; e < end && out.size() < limit; ++e) {
    if (!manifest_->IsDir(e)) out.push_back(e);
  }
  return out;
}

}  // namespace shoal
