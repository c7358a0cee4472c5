// Lists every key under a prefix, in parallel, feeding pages to a sink.
//
// Work starts from the prefix's top-level "directories" (one walk per
// common prefix). A walk whose page comes back truncated while workers are
// idle splits its remaining key range in two at a key between its last key
// and its upper bound, so a flat prefix of millions of keys is listed by
// several walks at once, each stopping where the next one begins. Ranges
// never overlap, so the set of keys seen is exactly a sequential listing's,
// whatever the concurrency; the builder makes the order irrelevant.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/store/object_store.h"

namespace shoal {

struct ListingCounters {
  std::atomic<uint64_t> objects{0};
  std::atomic<uint64_t> pages{0};
  std::atomic<uint64_t> splits{0};
};

struct ListerOptions {
  int concurrency = 16;  // walks in flight at once; 1 lists sequentially
  int page_size = 1000;
};

// `sink` receives each page's objects; calls are serialised. Blocks until the
// listing is complete or has failed; the first error stops all walks.
Status ListPrefix(ObjectStore& store, const std::string& prefix, const ListerOptions& options,
                  const std::function<void(std::vector<ObjectInfo>&)>& sink,
                  ListingCounters& counters);

}  // namespace shoal
