#include "engine/stats/engine_metrics.h"

#include "engine/stats/prometheus_text.h"

namespace shoal {
namespace {

double D(uint64_t v) { return static_cast<double>(v); }

void Counter(PrometheusText& out, const char* name, const char* help, uint64_t value) {
  out.Family(name, "counter", help);
  out.Sample(name, D(value));
}

void Gauge(PrometheusText& out, const char* name, const char* help, double value) {
  out.Family(name, "gauge", help);
  out.Sample(name, value);
}

void RenderStore(PrometheusText& out, const StoreMetrics& store) {
  out.Family("shoal_object_requests_total", "counter",
             "Object-store requests issued, by operation (retries not included).");
  for (size_t i = 0; i < kStoreOpCount; ++i) {
    out.Sample("shoal_object_requests_total", {{"op", std::string(StoreOpName(StoreOp(i)))}},
               D(store.ops[i].requests.load()));
  }
  out.Family("shoal_object_errors_total", "counter",
             "Object-store requests that failed after retries, by operation and kind.");
  for (size_t i = 0; i < kStoreOpCount; ++i) {
    for (size_t e = 1; e < kErrorCodeCount; ++e) {
      const uint64_t n = store.ops[i].errors[e].load();
      if (n == 0) continue;
      out.Sample("shoal_object_errors_total",
                 {{"op", std::string(StoreOpName(StoreOp(i)))},
                  {"kind", std::string(ErrorCodeName(ErrorCode(e)))}},
                 D(n));
    }
  }
  Gauge(out, "shoal_object_requests_in_flight", "Object-store requests running now.",
        D(store.in_flight.load()));
  Counter(out, "shoal_object_bytes_received_total", "Object data received by GETs.",
          store.bytes_received.load());
  Counter(out, "shoal_object_bytes_sent_total", "Object data sent by PUTs and part uploads.",
          store.bytes_sent.load());

  out.Family("shoal_object_request_duration_seconds", "histogram",
             "Object-store request latency, by operation.");
  for (size_t i = 0; i < kStoreOpCount; ++i) {
    LatencyHistogram::Snapshot s = store.ops[i].latency.Read();
    if (s.count == 0) continue;
    out.Histogram("shoal_object_request_duration_seconds",
                  {{"op", std::string(StoreOpName(StoreOp(i)))}}, s);
  }
  out.Family("shoal_object_request_latency_seconds", "summary",
             "Object-store request latency quantiles (p50, p99), by operation.");
  for (size_t i = 0; i < kStoreOpCount; ++i) {
    LatencyHistogram::Snapshot s = store.ops[i].latency.Read();
    if (s.count == 0) continue;
    out.Quantiles("shoal_object_request_latency_seconds",
                  {{"op", std::string(StoreOpName(StoreOp(i)))}}, s, {0.5, 0.99});
  }
}

void RenderRead(PrometheusText& out, const ReadStats& r) {
  Counter(out, "shoal_read_cache_hits_total", "Reads answered from memory without waiting.",
          r.cache_hits);
  Counter(out, "shoal_read_cache_misses_total", "Reads that waited for a fetch.", r.cache_misses);
  Counter(out, "shoal_read_fetches_total", "Parts the read engine fetched (GETs).", r.requests);
  Counter(out, "shoal_read_bytes_fetched_total", "Bytes the read engine fetched.", r.bytes_fetched);
  Counter(out, "shoal_prefetch_parts_total", "Parts fetched ahead of any read.",
          r.prefetched_parts);
  Counter(out, "shoal_prefetch_hits_total", "Prefetched parts that were then read.",
          r.prefetch_hits);
  Counter(out, "shoal_prefetch_wasted_bytes_total", "Prefetched bytes evicted unread.",
          r.prefetch_wasted_bytes);
  Counter(out, "shoal_stale_objects_total",
          "Reads refused because the object changed after indexing (ETag mismatch).",
          r.stale_objects);
  Counter(out, "shoal_read_errors_total", "Fetches that failed.", r.errors);
  Gauge(out, "shoal_memory_bytes", "Bytes of cached and in-flight parts now.", D(r.bytes_in_use));
  Gauge(out, "shoal_memory_peak_bytes", "Highest shoal_memory_bytes so far.",
        D(r.peak_bytes_in_use));
  Gauge(out, "shoal_memory_budget_bytes", "The memory budget (--cache-size).", D(r.budget_bytes));
  Gauge(out, "shoal_prefetch_window_files", "Largest next-files prefetch window now.",
        static_cast<double>(r.window));
}

void RenderDisk(PrometheusText& out, const DiskCacheStats& d) {
  Counter(out, "shoal_disk_cache_hits_total", "GETs answered from the disk cache.", d.hits);
  Counter(out, "shoal_disk_cache_misses_total", "GETs the disk cache could not answer.", d.misses);
  Counter(out, "shoal_disk_cache_corrupt_entries_total",
          "Disk cache entries that failed verification and were deleted.", d.corrupt_entries);
  Counter(out, "shoal_disk_cache_inserts_total", "Entries written to the disk cache.", d.inserts);
  Counter(out, "shoal_disk_cache_insert_skipped_total",
          "Entries not written: too large, or too many writes pending.", d.insert_skipped);
  Counter(out, "shoal_disk_cache_write_errors_total", "Disk cache writes that failed.",
          d.write_errors);
  Counter(out, "shoal_disk_cache_evictions_total", "Entries trimmed to stay within the size.",
          d.evictions);
  Gauge(out, "shoal_disk_cache_bytes", "Bytes in the disk cache now.", D(d.bytes_in_cache));
  Gauge(out, "shoal_disk_cache_entries", "Entries in the disk cache now.", D(d.entries));
}

}  // namespace

std::string RenderMetrics(const MetricSources& sources) {
  PrometheusText out;
  if (sources.store != nullptr) RenderStore(out, *sources.store);
  if (sources.retries != nullptr) {
    Counter(out, "shoal_object_retries_total", "Extra attempts after transient failures.",
            sources.retries->retries.load());
    Counter(out, "shoal_object_retries_exhausted_total",
            "Requests that still failed after the last attempt.",
            sources.retries->exhausted.load());
  }
  if (sources.read != nullptr) RenderRead(out, *sources.read);
  if (sources.disk != nullptr) RenderDisk(out, *sources.disk);
  return out.text();
}

}  // namespace shoal
