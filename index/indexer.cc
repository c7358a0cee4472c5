#include "index/indexer.h"

namespace shoal {

Result<IndexOutput> BuildIndex(ObjectStore& store, const ManifestSource& source,
                               const ListerOptions& options, ListingCounters& counters) {
  ManifestBuilder builder(source);
  Status listed = ListPrefix(
      store, source.prefix, options,
      [&](std::vector<ObjectInfo>& page) {
        for (const ObjectInfo& o : page) builder.Add(o);
      },
      counters);
  if (!listed.ok()) return listed;
  ManifestPayload payload = builder.Finish();  // adds the tree-level cases to the report
  return IndexOutput{std::move(payload), builder.report()};
}

}  // namespace shoal
