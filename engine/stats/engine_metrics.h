// RenderMetrics: the engine's numbers as one Prometheus text page.
//
// The sources are plain snapshots or atomics owned elsewhere (the read
// engine, the metered store, the retry layer); this function only names
// them. Every metric starts with `shoal_`, and object-store requests are
// `shoal_object_requests_total{op="..."}`. Absent sources are skipped.
#pragma once

#include <string>

#include "engine/cache/disk_cache.h"
#include "engine/http/retrying_transport.h"
#include "engine/read/read_engine.h"
#include "engine/stats/metered_store.h"

namespace shoal {

struct MetricSources {
  const ReadStats* read = nullptr;
  const StoreMetrics* store = nullptr;
  const RetryCounters* retries = nullptr;
  const DiskCacheStats* disk = nullptr;
};

std::string RenderMetrics(const MetricSources& sources);

}  // namespace shoal
