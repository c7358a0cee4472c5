// ObjectStore: everything shoal asks of a bucket, in one asynchronous interface.
//
// Every operation takes a request value and a completion callback that runs
// exactly once, with a value or a Status. Whether it runs before the call
// returns (the blocking S3 transport, the file:// backend) or later on an
// event-loop thread (the io_uring engine) is the implementation's choice, so
// callers must not hold locks the callback needs. Implementations are
// thread-safe. Keys are raw bytes (UTF-8 in practice), never URL-encoded.
//
// Implementations: S3Store (S3, OSS, MinIO, Ceph RGW) and FileStore (file://).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace shoal {

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;           // without quotes
  int64_t mtime_seconds = 0;  // last modified, seconds since the epoch
};

struct ListRequest {
  std::string prefix;
  std::string delimiter;           // usually "/" or empty
  std::string continuation_token;  // from the previous page
  std::string start_after;         // list keys strictly after this one
  int max_keys = 1000;
};

struct ListPage {
  std::vector<ObjectInfo> objects;           // sorted by key
  std::vector<std::string> common_prefixes;  // sorted, only with a delimiter
  bool truncated = false;
  std::string next_continuation_token;  // set when truncated
};

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;  // must be > 0
};

struct GetRequest {
  std::string key;
  std::optional<ByteRange> range;
  std::string if_match;  // ETag the object must still have, or empty
};

struct GetResult {
  std::string data;
  ObjectInfo info;  // info.size is the whole object's size, even for a range
};

struct PutRequest {
  std::string key;
  std::string data;
};

struct PutResult {
  std::string etag;
};

struct CopyRequest {
  std::string source_key;
  std::string destination_key;
};

struct UploadPartRequest {
  std::string key;
  std::string upload_id;
  int part_number = 1;  // 1..10000
  std::string data;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

// Copies bytes of an existing object of the same bucket into a part.
struct UploadPartCopyRequest {
  std::string key;
  std::string upload_id;
  int part_number = 1;  // 1..10000
  std::string source_key;
  std::optional<ByteRange> source_range;  // the whole source when absent
};

struct CompleteMultipartRequest {
  std::string key;
  std::string upload_id;
  std::vector<CompletedPart> parts;  // ascending part numbers
};

struct PendingUpload {
  std::string key;
  std::string upload_id;
};

struct ListUploadsRequest {
  std::string prefix;
  std::string key_marker;
  std::string upload_id_marker;
};

struct ListUploadsPage {
  std::vector<PendingUpload> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// Appends `data` to an appendable object; `position` must equal its
// current length (0 creates the object).
struct AppendRequest {
  std::string key;
  uint64_t position = 0;
  std::string data;
};

struct AppendResult {
  uint64_t next_position = 0;  // the object's length now: the next position
  // The object's ETag now, without quotes, when the backend reports it
  // (file:// and OSS do; RGW's answer has only the chunk's MD5).
  std::optional<std::string> etag;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // A short description for messages: "s3://bucket at http://host:port".
  virtual std::string Describe() const = 0;

  virtual void List(ListRequest request, Callback<ListPage> done) = 0;
  virtual void Get(GetRequest request, Callback<GetResult> done) = 0;
  virtual void Head(std::string key, Callback<ObjectInfo> done) = 0;
  virtual void Put(PutRequest request, Callback<PutResult> done) = 0;
  // Deleting a key that does not exist succeeds, as in S3.
  virtual void Delete(std::string key, Callback<Done> done) = 0;
  virtual void Copy(CopyRequest request, Callback<PutResult> done) = 0;

  // Multipart upload. CreateMultipart yields the upload id.
  virtual void CreateMultipart(std::string key, Callback<std::string> done) = 0;
  virtual void UploadPart(UploadPartRequest request, Callback<CompletedPart> done) = 0;
  // A part whose bytes come from another object (or a range of it) instead
  // of the request. The size rules of UploadPart apply (S3: every part but
  // the last at least 5 MiB).
  virtual void UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) = 0;
  virtual void CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) = 0;
  virtual void AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) = 0;
  virtual void ListMultipartUploads(ListUploadsRequest request, Callback<ListUploadsPage> done) = 0;

  // Appendable objects (Ceph RGW, Alibaba OSS, file://; not AWS S3). Errors
  // callers can branch on:
  //   kPositionMismatch  `position` is not the object's length; the object
  //                      is unchanged (Head tells its length);
  //   kNotAppendable     the object exists but was not created by Append
  //                      (S3 servers; file:// appends to any file);
  //   kUnsupported       the backend has no appendable objects.
  // Not idempotent: if a transport retry follows a lost answer, the first
  // attempt may have landed and the retry then reports kPositionMismatch.
  virtual void Append(AppendRequest request, Callback<AppendResult> done) = 0;
};

}  // namespace shoal
