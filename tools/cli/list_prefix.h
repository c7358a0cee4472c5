// ListPrefix: one listing of a bucket prefix into a manifest payload, with a
// progress line on a TTY. Shared by `shoal index` and `shoal mount SOURCE`,
// which indexes at mount time as strmvol does.
#pragma once

#include <string>

#include "engine/store/store_uri.h"
#include "index/indexer.h"

namespace shoal::cli {

Result<IndexOutput> ListPrefix(ObjectStore& store, const StoreUri& location,
                               const std::string& endpoint, int concurrency, bool progress,
                               ListingCounters& counters);

}  // namespace shoal::cli
