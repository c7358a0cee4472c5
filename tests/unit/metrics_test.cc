// Stats: latency quantiles, the Prometheus text format, and per-operation
// request counting by the metered store decorator.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/stats/engine_metrics.h"
#include "engine/stats/latency_histogram.h"
#include "engine/stats/metered_store.h"
#include "engine/stats/prometheus_text.h"
#include "engine/store/await.h"
#include "engine/store/file/file_store.h"

namespace shoal {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(LatencyHistogram, QuantilesFallInTheRightBucket) {
  LatencyHistogram h;
  for (int i = 0; i < 98; ++i) h.Record(milliseconds(2));
  h.Record(milliseconds(30));
  h.Record(milliseconds(30));
  LatencyHistogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 100u);
  // 2 ms lies in (1.024 ms, 2.048 ms]; 30 ms in (16.384 ms, 32.768 ms].
  EXPECT_GT(s.Quantile(0.5), 0.001024);
  EXPECT_LE(s.Quantile(0.5), 0.002048);
  EXPECT_GT(s.Quantile(0.99), 0.016384);
  EXPECT_LE(s.Quantile(0.99), 0.032768);
  EXPECT_NEAR(s.sum_seconds, 0.256, 1e-9);
  EXPECT_EQ(LatencyHistogram().Read().Quantile(0.5), 0);
}

TEST(LatencyHistogram, ExtremesLandInTheEndBuckets) {
  LatencyHistogram h;
  h.Record(std::chrono::nanoseconds(0));
  h.Record(std::chrono::hours(2));
  LatencyHistogram::Snapshot s = h.Read();
  EXPECT_EQ(s.counts[0], 1u);
  EXPECT_EQ(s.counts[LatencyHistogram::kBuckets - 1], 1u);
}

TEST(PrometheusText, FamiliesSamplesAndEscaping) {
  PrometheusText out;
  out.Family("shoal_x_total", "counter", "An x.");
  out.Sample("shoal_x_total", {{"op", "get"}, {"path", "a\"b\\c\nd"}}, 3);
  out.Sample("shoal_y", 0.25);
  EXPECT_EQ(out.text(),
            "# HELP shoal_x_total An x.\n"
            "# TYPE shoal_x_total counter\n"
            "shoal_x_total{op=\"get\",path=\"a\\\"b\\\\c\\nd\"} 3\n"
            "shoal_y 0.25\n");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeAndEndWithInf) {
  LatencyHistogram h;
  h.Record(microseconds(1));
  h.Record(microseconds(3));
  PrometheusText out;
  out.Histogram("lat", {}, h.Read());
  const std::string& text = out.text();
  EXPECT_NE(text.find("lat_bucket{le=\"1e-06\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"4e-06\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"+Inf\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_count 2\n"), std::string::npos) << text;
}

TEST(MeteredStore, CountsRequestsBytesAndErrorsByOperation) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("shoal-metered-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto file_store = FileStore::Open(dir.string());
  ASSERT_TRUE(file_store.ok());
  MeteredStore store(**file_store);

  ASSERT_TRUE(Await<PutResult>([&](auto done) {
                store.Put(PutRequest{"a/b.txt", "hello"}, done);
              }).ok());
  ASSERT_TRUE(Await<GetResult>([&](auto done) {
                store.Get(GetRequest{"a/b.txt", std::nullopt, ""}, done);
              }).ok());
  Result<GetResult> missing = Await<GetResult>([&](auto done) {
    store.Get(GetRequest{"nope", std::nullopt, ""}, done);
  });
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);

  const StoreMetrics& m = store.metrics();
  EXPECT_EQ(m.op(StoreOp::kPut).requests.load(), 1u);
  EXPECT_EQ(m.op(StoreOp::kGet).requests.load(), 2u);
  EXPECT_EQ(m.op(StoreOp::kGet).errors[static_cast<size_t>(ErrorCode::kNotFound)].load(), 1u);
  EXPECT_EQ(m.op(StoreOp::kGet).latency.Read().count, 2u);
  EXPECT_EQ(m.bytes_sent.load(), 5u);
  EXPECT_EQ(m.bytes_received.load(), 5u);
  EXPECT_EQ(m.in_flight.load(), 0u);

  ReadStats read;
  read.cache_hits = 7;
  const std::string page = RenderMetrics({&read, &m, nullptr});
  EXPECT_NE(page.find("shoal_object_requests_total{op=\"get\"} 2\n"), std::string::npos);
  EXPECT_NE(page.find("shoal_object_errors_total{op=\"get\",kind=\"not_found\"} 1\n"),
            std::string::npos);
  EXPECT_NE(page.find("shoal_object_request_latency_seconds{op=\"get\",quantile=\"0.99\"}"),
            std::string::npos);
  EXPECT_NE(page.find("shoal_read_cache_hits_total 7\n"), std::string::npos);
  // Every sample line is "name[{labels}] value", and every name is shoal_*.
  size_t start = 0;
  while (start < page.size()) {
    const size_t end = page.find('\n', start);
    const std::string line = page.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# ", 0) == 0) continue;
    EXPECT_EQ(line.rfind("shoal_", 0), 0u) << line;
  }
  std::filesystem::remove_all(dir);
}

TEST(MeteredStore, CountsAppendsAndPartCopies) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("shoal-metered-append-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto file_store = FileStore::Open(dir.string());
  ASSERT_TRUE(file_store.ok());
  MeteredStore store(**file_store);

  ASSERT_TRUE(Await<AppendResult>([&](auto done) {
                store.Append(AppendRequest{"log", 0, "abc"}, done);
              }).ok());
  Result<AppendResult> stale = Await<AppendResult>([&](auto done) {
    store.Append(AppendRequest{"log", 1, "d"}, done);
  });
  EXPECT_EQ(stale.status().code(), ErrorCode::kPositionMismatch);
  Result<CompletedPart> orphan = Await<CompletedPart>([&](auto done) {
    store.UploadPartCopy(UploadPartCopyRequest{"k", "0123", 1, "log", std::nullopt}, done);
  });
  EXPECT_EQ(orphan.status().code(), ErrorCode::kNoSuchUpload);

  const StoreMetrics& m = store.metrics();
  EXPECT_EQ(m.op(StoreOp::kAppend).requests.load(), 2u);
  EXPECT_EQ(m.op(StoreOp::kUploadPartCopy).requests.load(), 1u);
  EXPECT_EQ(m.bytes_sent.load(), 4u);
  const std::string page = RenderMetrics({nullptr, &m, nullptr});
  EXPECT_NE(page.find("shoal_object_requests_total{op=\"append\"} 2\n"), std::string::npos);
  EXPECT_NE(page.find("shoal_object_errors_total{op=\"append\",kind=\"position_mismatch\"} 1\n"),
            std::string::npos);
  EXPECT_NE(page.find("shoal_object_requests_total{op=\"upload_part_copy\"} 1\n"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shoal
