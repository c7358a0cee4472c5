#include "engine/write/object_appender.h"

#include <algorithm>

#include "engine/store/await.h"

namespace shoal {
namespace {

constexpr uint64_t kMinPart = 5ull << 20;      // S3's smallest part but the last
constexpr uint64_t kMaxCopyPart = 5ull << 30;  // S3's largest UploadPartCopy range

Status Mismatch(const std::string& key, uint64_t expected, uint64_t actual) {
  return Status(ErrorCode::kPositionMismatch,
                "append to " + key + " at position " + std::to_string(expected) +
                    ", but the object is " + std::to_string(actual) + " bytes long");
}

}  // namespace

Result<AppendStrategy> ParseAppendStrategy(const std::string& name) {
  if (name == "auto") return AppendStrategy::kAuto;
  if (name == "native") return AppendStrategy::kNative;
  if (name == "copy") return AppendStrategy::kCopy;
  return Status(ErrorCode::kInvalidArgument,
                "append strategy must be auto, native or copy (got '" + name + "')");
}

const char* AppendStrategyName(AppendStrategy strategy) {
  switch (strategy) {
    case AppendStrategy::kAuto:
      return "auto";
    case AppendStrategy::kNative:
      return "native";
    case AppendStrategy::kCopy:
      return "copy";
  }
  return "?";
}

ObjectAppender::ObjectAppender(ObjectStore& store, AppendStrategy strategy,
                               ObjectWriterOptions options)
    : store_(store), strategy_(strategy), options_(options) {}

Result<uint64_t> ObjectAppender::Append(const std::string& key, uint64_t position,
                                        std::string_view data) {
  return Append(key, position, data.size(), [data](uint64_t offset, uint64_t length) {
    return Result<std::string>(std::string(data.substr(offset, length)));
  });
}

Result<uint64_t> ObjectAppender::Append(const std::string& key, uint64_t position, uint64_t size,
                                        const ReadFn& read) {
  const AppendStrategy strategy = strategy_;
  if (strategy != AppendStrategy::kCopy) {
    Result<uint64_t> native = AppendNative(key, position, size, read);
    const ErrorCode code = native.ok() ? ErrorCode::kOk : native.status().code();
    if (strategy == AppendStrategy::kNative ||
        (code != ErrorCode::kUnsupported && code != ErrorCode::kNotAppendable)) {
      last_used_ = AppendStrategy::kNative;
      return native;
    }
    if (code == ErrorCode::kUnsupported) strategy_ = AppendStrategy::kCopy;  // for good
  }
  last_used_ = AppendStrategy::kCopy;
  return AppendByCopy(key, position, size, read);
}

Result<uint64_t> ObjectAppender::AppendNative(const std::string& key, uint64_t position,
                                              uint64_t size, const ReadFn& read) {
  const uint64_t chunk = std::max<uint64_t>(options_.part_size, 1);
  uint64_t at = position;
  for (uint64_t offset = 0; offset < size || (size == 0 && offset == 0); offset += chunk) {
    Result<std::string> bytes = read(offset, std::min(chunk, size - offset));
    if (!bytes.ok()) return bytes.status();
    const uint64_t expected_after = at + bytes->size();
    AppendRequest request{key, at, std::move(*bytes)};
    Result<AppendResult> appended =
        Await<AppendResult>([&](auto done) { store_.Append(request, done); });
    if (!appended.ok()) {
      if (appended.status().code() != ErrorCode::kPositionMismatch) return appended.status();
      // A retried request whose first attempt landed looks like this too.
      Result<uint64_t> length = ObjectLength(store_, key);
      if (!length.ok()) return length.status();
      if (*length != expected_after) return Mismatch(key, at, *length);
    }
    at = expected_after;
    if (size == 0) break;
  }
  return at;
}

Result<uint64_t> ObjectAppender::AppendByCopy(const std::string& key, uint64_t position,
                                              uint64_t size, const ReadFn& read) {
  Result<uint64_t> length = ObjectLength(store_, key);
  if (!length.ok()) return length.status();
  if (*length != position) return Mismatch(key, position, *length);
  const uint64_t chunk = std::max<uint64_t>(options_.part_size, kMinPart);
  if (position < kMinPart || key.find('%') != std::string::npos) {
    // Too small to be a copied part (or a key RGW's UploadPartCopy decodes
    // twice, and can crash on): read it back, in ranges, and upload it whole.
    ObjectWriter writer(store_, key, options_);
    auto read_old = [&](uint64_t offset, uint64_t length) -> Result<std::string> {
      GetRequest get;
      get.key = key;
      get.range = ByteRange{offset, length};
      Result<GetResult> old = Await<GetResult>([&](auto done) { store_.Get(get, done); });
      if (!old.ok()) return old.status();
      if (old->data.size() != length) return Mismatch(key, position, old->info.size);
      return std::move(old->data);
    };
    if (Status s = AppendFrom(writer, position, chunk, read_old); !s.ok()) return s;
    if (Status s = AppendFrom(writer, size, chunk, read); !s.ok()) return s;
    Result<PutResult> put = writer.Finish();
    if (!put.ok()) return put.status();
    return position + size;
  }

  Result<std::string> upload_id =
      Await<std::string>([&](auto done) { store_.CreateMultipart(key, done); });
  if (!upload_id.ok()) return upload_id.status();
  std::vector<CompletedPart> parts;
  auto fail = [&](const Status& failure) -> Result<uint64_t> {
    (void)Await<Done>([&](auto done) { store_.AbortMultipart(key, *upload_id, done); });
    return failure.WithContext("appending to " + key + " by copy");
  };
  // The existing bytes, copied server-side in equal ranges of at most 5 GiB
  // (so none is below the 5 MiB minimum).
  const uint64_t ranges = (position + kMaxCopyPart - 1) / kMaxCopyPart;
  for (uint64_t r = 0; r < ranges; ++r) {
    const uint64_t begin = position * r / ranges;
    const uint64_t end = position * (r + 1) / ranges;
    UploadPartCopyRequest copy{key, *upload_id, static_cast<int>(parts.size() + 1), key,
                               ByteRange{begin, end - begin}};
    Result<CompletedPart> part =
        Await<CompletedPart>([&](auto done) { store_.UploadPartCopy(copy, done); });
    if (!part.ok()) return fail(part.status());
    parts.push_back(*part);
  }
  for (uint64_t offset = 0; offset < size; offset += chunk) {
    Result<std::string> bytes = read(offset, std::min(chunk, size - offset));
    if (!bytes.ok()) return fail(bytes.status());
    UploadPartRequest upload{key, *upload_id, static_cast<int>(parts.size() + 1),
                             std::move(*bytes)};
    Result<CompletedPart> part =
        Await<CompletedPart>([&](auto done) { store_.UploadPart(upload, done); });
    if (!part.ok()) return fail(part.status());
    parts.push_back(*part);
  }
  CompleteMultipartRequest complete{key, *upload_id, parts};
  Result<PutResult> done =
      Await<PutResult>([&](auto cb) { store_.CompleteMultipart(complete, cb); });
  if (!done.ok()) return fail(done.status());
  return position + size;
}

}  // namespace shoal
