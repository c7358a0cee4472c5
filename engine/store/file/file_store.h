// FileStore: a local directory used as a bucket (file:// URIs).
//
// It is the embedded default for the demo and for tests without a server,
// and it passes the same contract tests as S3Store. Keys map to relative
// paths; a key that could escape the root (".." or "." segments, empty
// segments, a leading '/', NUL) is refused. Listing walks the tree in S3 key
// order lazily, so paging through millions of files costs O(page), and an
// empty directory appears as a "dir/" marker key, like an S3 folder object.
//
// Writes go to a temporary file and are renamed into place, so a reader never
// sees a half-written object. Multipart uploads keep their parts under the
// reserved top-level directory ".shoal-multipart", which listings hide;
// UploadPartCopy reads its source into memory and stores it as a part.
// Append writes in place under a lock (see file_append.h).
// ETags of whole objects are derived from (device, inode, size, mtime), so
// If-Match detects a replaced or rewritten file without hashing its data.
//
// Operations complete on the calling thread; the store is thread-safe.
#pragma once

#include <memory>
#include <string>

#include "engine/store/object_store.h"

namespace shoal {

class FileStore final : public ObjectStore {
 public:
  static constexpr const char* kReservedDir = ".shoal-multipart";

  // `root` must be an existing directory.
  static Result<std::unique_ptr<FileStore>> Open(const std::string& root);

  std::string Describe() const override { return "file://" + root_; }
  const std::string& root() const { return root_; }  // absolute, no trailing slash

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
  explicit FileStore(std::string root) : root_(std::move(root)) {}

  Result<ListPage> ListSync(const ListRequest& request) const;
  Result<GetResult> GetSync(const GetRequest& request) const;
  Result<ObjectInfo> HeadSync(const std::string& key) const;
  Result<PutResult> PutSync(const std::string& key, std::string_view data) const;
  Result<Done> DeleteSync(const std::string& key) const;
  Result<PutResult> CopySync(const CopyRequest& request) const;
  Result<std::string> CreateMultipartSync(const std::string& key) const;
  Result<CompletedPart> UploadPartSync(const UploadPartRequest& request) const;
  Result<CompletedPart> UploadPartCopySync(const UploadPartCopyRequest& request) const;
  Result<PutResult> CompleteMultipartSync(const CompleteMultipartRequest& request) const;
  Result<Done> AbortMultipartSync(const std::string& key, const std::string& upload_id) const;
  Result<ListUploadsPage> ListUploadsSync(const ListUploadsRequest& request) const;
  Result<AppendResult> AppendSync(const AppendRequest& request) const;

  // Moves a finished temporary file to `key`, creating parent directories.
  Result<PutResult> Publish(const std::string& temp_path, const std::string& key) const;
  Result<std::string> UploadDir(const std::string& upload_id) const;
  std::string TempPath() const;

  const std::string root_;  // absolute, no trailing slash
};

}  // namespace shoal
