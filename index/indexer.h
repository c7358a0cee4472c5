// Indexing in one call: list a prefix (in parallel) into a ManifestBuilder
// and return the finished payload with the key policy's report.
#pragma once

#include <string>

#include "engine/store/object_store.h"
#include "index/bucket_lister.h"
#include "index/manifest_builder.h"

namespace shoal {

struct IndexOutput {
  ManifestPayload payload;  // FlatBuffers manifest; wrap with EncodeManifestContainer
  KeyReport report;
};

// `source.prefix` must be "" or end in '/'.
Result<IndexOutput> BuildIndex(ObjectStore& store, const ManifestSource& source,
                               const ListerOptions& options, ListingCounters& counters);

}  // namespace shoal
