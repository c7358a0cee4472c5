// MeteredStore: an ObjectStore decorator that counts every request by
// operation: how many, how long they took, how many bytes moved, how many
// are in flight now, and which errors came back.
//
// It sits directly above the store the engine uses, so its numbers are what
// the object store saw from this process (logical requests; the retry layer
// below counts the extra attempts). Counters are atomics owned by this
// object; any thread may read them while requests run. Callbacks pass
// through on whatever thread the inner store uses.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "engine/stats/latency_histogram.h"
#include "engine/store/object_store.h"

namespace shoal {

enum class StoreOp {
  kList,
  kGet,
  kHead,
  kPut,
  kDelete,
  kCopy,
  kCreateMultipart,
  kUploadPart,
  kCompleteMultipart,
  kAbortMultipart,
  kListMultipartUploads,
  kUploadPartCopy,
  kAppend,
};
inline constexpr size_t kStoreOpCount = 13;
// Stable lower-case name, e.g. "get", "upload_part"; used as a metric label.
std::string_view StoreOpName(StoreOp op);

inline constexpr size_t kErrorCodeCount = static_cast<size_t>(ErrorCode::kInternal) + 1;

struct StoreOpMetrics {
  std::atomic<uint64_t> requests{0};
  std::array<std::atomic<uint64_t>, kErrorCodeCount> errors{};  // by ErrorCode
  LatencyHistogram latency;
};

struct StoreMetrics {
  std::array<StoreOpMetrics, kStoreOpCount> ops;
  std::atomic<uint64_t> in_flight{0};
  std::atomic<uint64_t> bytes_received{0};  // object data from Get
  std::atomic<uint64_t> bytes_sent{0};      // object data in Put, UploadPart and Append

  const StoreOpMetrics& op(StoreOp o) const { return ops[static_cast<size_t>(o)]; }
};

class MeteredStore final : public ObjectStore {
 public:
  // `inner` must outlive this object.
  explicit MeteredStore(ObjectStore& inner) : inner_(inner) {}

  const StoreMetrics& metrics() const { return metrics_; }

  std::string Describe() const override { return inner_.Describe(); }
  void List(ListRequest request, Callback<ListPage> done) override;
  void Get(GetRequest request, Callback<GetResult> done) override;
  void Head(std::string key, Callback<ObjectInfo> done) override;
  void Put(PutRequest request, Callback<PutResult> done) override;
  void Delete(std::string key, Callback<Done> done) override;
  void Copy(CopyRequest request, Callback<PutResult> done) override;
  void CreateMultipart(std::string key, Callback<std::string> done) override;
  void UploadPart(UploadPartRequest request, Callback<CompletedPart> done) override;
  void UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) override;
  void CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) override;
  void AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) override;
  void ListMultipartUploads(ListUploadsRequest request, Callback<ListUploadsPage> done) override;
  void Append(AppendRequest request, Callback<AppendResult> done) override;

 private:
  // Counts the start of a request and wraps `done` to count its end.
  template <typename T>
  Callback<T> Track(StoreOp op, Callback<T> done);

  ObjectStore& inner_;
  StoreMetrics metrics_;
};

}  // namespace shoal
