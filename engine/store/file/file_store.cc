#include "engine/store/file/file_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/auth/crypto.h"
#include "engine/base/join_path.h"
#include "engine/base/unique_fd.h"
#include "engine/store/file/file_append.h"
#include "engine/store/file/file_lister.h"
#include "engine/store/file/file_paths.h"

namespace shoal {

using file_store::CheckKey;
using file_store::ErrnoStatus;
using file_store::InfoOf;

namespace {

std::string RandomHex(size_t bytes) {
  std::random_device rd;
  std::string raw(bytes, '\0');
  for (char& c : raw) c = static_cast<char>(rd() & 0xFF);
  return HexLower(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

Status NoSuchUpload(const std::string& id) {
  return Status(ErrorCode::kNoSuchUpload, "multipart upload '" + id + "' does not exist");
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus("cannot read", path, errno);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Result<std::unique_ptr<FileStore>> FileStore::Open(const std::string& root) {
  char resolved[PATH_MAX];
  if (::realpath(root.c_str(), resolved) == nullptr) {
    return ErrnoStatus("file:// bucket directory", root, errno);
  }
  struct stat st {};
  if (::stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kInvalidArgument, "file:// bucket " + root + " is not a directory");
  }
  std::string path = resolved;
  if (path == "/") path.clear();  // keys then map to "/" + key
  return std::unique_ptr<FileStore>(new FileStore(path));
}

std::string FileStore::TempPath() const {
  return root_ + "/" + kReservedDir + "/tmp/" + RandomHex(12);
}

Result<std::string> FileStore::UploadDir(const std::string& upload_id) const {
  if (upload_id.empty() || upload_id.size() > 64 ||
      upload_id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return NoSuchUpload(upload_id);
  }
  std::string dir = root_ + "/" + kReservedDir + "/uploads/" + upload_id;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return NoSuchUpload(upload_id);
  return dir;
}

Result<PutResult> FileStore::Publish(const std::string& temp_path, const std::string& key) const {
  Status s = file_store::MakeParents(root_, key);
  if (!s.ok()) {
    ::unlink(temp_path.c_str());
    return s;
  }
  const std::string path = root_ + "/" + key;
  if (::rename(temp_path.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp_path.c_str());
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return Status(ErrorCode::kInvalidArgument,
                    "key '" + key + "' is a directory in this file:// bucket");
    }
    return ErrnoStatus("cannot publish", path, err);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
  return PutResult{file_store::EtagOf(st)};
}

Result<ListPage> FileStore::ListSync(const ListRequest& request) const {
  return file_store::ListDirectoryTree(root_, request);
}

Result<ObjectInfo> FileStore::HeadSync(const std::string& key) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  struct stat st {};
  const std::string path = root_ + "/" + key;
  if (::stat(path.c_str(), &st) != 0 || (key.back() == '/') != S_ISDIR(st.st_mode)) {
    return Status(ErrorCode::kNotFound, "object '" + key + "' does not exist in " + Describe());
  }
  return InfoOf(key, st);
}

Result<GetResult> FileStore::GetSync(const GetRequest& request) const {
  Status s = CheckKey(request.key);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + request.key;
  GetResult result;
  if (request.key.back() == '/') {
    Result<ObjectInfo> info = HeadSync(request.key);
    if (!info.ok()) return info.status();
    result.info = *info;
    return result;
  }
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) {
      return Status(ErrorCode::kNotFound,
                    "object '" + request.key + "' does not exist in " + Describe());
    }
    return ErrnoStatus("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status(ErrorCode::kNotFound, "object '" + request.key + "' is not a file");
  }
  result.info = InfoOf(request.key, st);
  if (!request.if_match.empty() && request.if_match != result.info.etag) {
    return Status(
        ErrorCode::kPreconditionFailed,
        "object '" + request.key + "' changed since it was indexed (its ETag no longer matches)");
  }
  uint64_t offset = 0;
  uint64_t length = result.info.size;
  if (request.range) {
    offset = request.range->offset;
    if (request.range->length == 0 || offset >= result.info.size) {
      return Status(ErrorCode::kInvalidRange,
                    "the byte range is outside object '" + request.key + "'");
    }
    length = std::min(request.range->length, result.info.size - offset);
  }
  result.data.resize(length);
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd.get(), result.data.data() + done, length - done,
                        static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot read", path, errno);
    if (n == 0) break;  // the file shrank while reading
    done += static_cast<size_t>(n);
  }
  result.data.resize(done);
  return result;
}

Result<PutResult> FileStore::PutSync(const std::string& key, std::string_view data) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  if (key.back() == '/') {  // a directory marker
    s = file_store::MakeParents(root_, key);
    if (!s.ok()) return s;
    struct stat st {};
    if (::stat((root_ + "/" + key).c_str(), &st) != 0) {
      return ErrnoStatus("cannot stat", root_ + "/" + key, errno);
    }
    return PutResult{file_store::EtagOf(st)};
  }
  s = file_store::MakeParents(root_, std::string(kReservedDir) + "/tmp/x");
  if (!s.ok()) return s;
  const std::string temp = TempPath();
  s = file_store::WriteNewFile(temp, data);
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  return Publish(temp, key);
}

Result<Done> FileStore::DeleteSync(const std::string& key) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  std::string path = root_ + "/" + key;
  int rc = key.back() == '/' ? ::rmdir(path.c_str()) : ::unlink(path.c_str());
  if (rc != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != ENOTDIR) {
    return ErrnoStatus("cannot delete", path, errno);
  }
  // Like S3, a "directory" exists only while something is in it.
  std::string parent = key.back() == '/' ? key.substr(0, key.size() - 1) : key;
  for (size_t slash = parent.rfind('/'); slash != std::string::npos; slash = parent.rfind('/')) {
    parent.resize(slash);
    if (::rmdir(JoinPath(root_, parent).c_str()) != 0) break;
  }
  return Done{};
}

Result<PutResult> FileStore::CopySync(const CopyRequest& request) const {
  Status s = CheckKey(request.source_key);
  if (!s.ok()) return s;
  s = CheckKey(request.destination_key);
  if (!s.ok()) return s;
  s = file_store::MakeParents(root_, std::string(kReservedDir) + "/tmp/x");
  if (!s.ok()) return s;
  const std::string temp = TempPath();
  s = file_store::CopyFile(root_ + "/" + request.source_key, temp);
  if (!s.ok()) {
    ::unlink(temp.c_str());
    if (s.code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound,
                    "copy source '" + request.source_key + "' does not exist in " + Describe());
    }
    return s;
  }
  return Publish(temp, request.destination_key);
}

Result<std::string> FileStore::CreateMultipartSync(const std::string& key) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  const std::string id = RandomHex(16);
  const std::string dir_key = std::string(kReservedDir) + "/uploads/" + id + "/";
  s = file_store::MakeParents(root_, dir_key);
  if (!s.ok()) return s;
  s = file_store::WriteNewFile(root_ + "/" + dir_key + "key", key);
  if (!s.ok()) return s;
  return id;
}

Result<CompletedPart> FileStore::UploadPartSync(const UploadPartRequest& request) const {
  if (request.part_number < 1 || request.part_number > 10000) {
    return Status(ErrorCode::kInvalidArgument, "part numbers run from 1 to 10000");
  }
  Result<std::string> dir = UploadDir(request.upload_id);
  if (!dir.ok()) return dir.status();
  const std::string part = *dir + "/part-" + std::to_string(request.part_number);
  const std::string temp = part + ".tmp-" + RandomHex(6);
  Status s = file_store::WriteNewFile(temp, request.data);
  if (!s.ok() || ::rename(temp.c_str(), part.c_str()) != 0) {
    ::unlink(temp.c_str());
    return s.ok() ? ErrnoStatus("cannot store part", part, errno) : s;
  }
  return CompletedPart{request.part_number, HexLower(Md5(request.data))};
}

Result<CompletedPart> FileStore::UploadPartCopySync(const UploadPartCopyRequest& request) const {
  Result<std::string> dir = UploadDir(request.upload_id);
  if (!dir.ok()) return dir.status();
  Result<GetResult> source = GetSync(GetRequest{request.source_key, request.source_range, ""});
  if (!source.ok()) {
    if (source.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound,
                    "copy source '" + request.source_key + "' does not exist in " + Describe());
    }
    return source.status();
  }
  // Unlike a ranged GET, a copy range is not clamped at the end, as in S3.
  const std::optional<ByteRange>& range = request.source_range;
  if (range && range->offset + range->length > source->info.size) {
    return Status(ErrorCode::kInvalidRange,
                  "the byte range is outside object '" + request.source_key + "'");
  }
  return UploadPartSync(UploadPartRequest{request.key, request.upload_id, request.part_number,
                                          std::move(source->data)});
}

Result<PutResult> FileStore::CompleteMultipartSync(const CompleteMultipartRequest& request) const {
  Result<std::string> dir = UploadDir(request.upload_id);
  if (!dir.ok()) return dir.status();
  Result<std::string> key = ReadSmallFile(*dir + "/key");
  if (!key.ok()) return key.status();
  if (*key != request.key) {
    return Status(ErrorCode::kNoSuchUpload,
                  "multipart upload '" + request.upload_id + "' belongs to another key");
  }
  if (request.parts.empty()) {
    return Status(ErrorCode::kInvalidArgument, "a multipart upload needs at least one part");
  }
  std::string data;
  int previous = 0;
  for (const CompletedPart& part : request.parts) {
    if (part.part_number <= previous) {
      return Status(ErrorCode::kInvalidArgument, "parts must be listed in ascending order");
    }
    previous = part.part_number;
    Result<std::string> bytes = ReadSmallFile(*dir + "/part-" + std::to_string(part.part_number));
    if (!bytes.ok() || HexLower(Md5(*bytes)) != part.etag) {
      return Status(ErrorCode::kInvalidArgument,
                    "part " + std::to_string(part.part_number) +
                        " was not uploaded or its ETag does not match");
    }
    data += *bytes;
  }
  Result<PutResult> put = PutSync(request.key, data);
  // The object is published; a leftover upload directory is only litter.
  if (put.ok()) (void)AbortMultipartSync(request.key, request.upload_id);
  return put;
}

Result<Done> FileStore::AbortMultipartSync(const std::string& /*key*/,
                                           const std::string& upload_id) const {
  Result<std::string> dir = UploadDir(upload_id);
  if (!dir.ok()) return dir.status();
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir->c_str()), &::closedir);
  if (d) {
    while (dirent* e = ::readdir(d.get())) {
      std::string name = e->d_name;
      if (name != "." && name != "..") ::unlink(JoinPath(*dir, name).c_str());
    }
  }
  if (::rmdir(dir->c_str()) != 0) return ErrnoStatus("cannot remove upload", *dir, errno);
  return Done{};
}

Result<ListUploadsPage> FileStore::ListUploadsSync(const ListUploadsRequest& request) const {
  ListUploadsPage page;
  const std::string base = root_ + "/" + kReservedDir + "/uploads";
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(base.c_str()), &::closedir);
  if (!d) return page;  // no upload was ever started
  while (dirent* e = ::readdir(d.get())) {
    std::string id = e->d_name;
    if (id == "." || id == "..") continue;
    Result<std::string> key = ReadSmallFile(JoinPath(base, id) + "/key");
    if (!key.ok() || key->rfind(request.prefix, 0) != 0) continue;
    if (std::make_pair(*key, id) <= std::make_pair(request.key_marker, request.upload_id_marker)) {
      continue;
    }
    page.uploads.push_back(PendingUpload{*key, id});
  }
  std::sort(page.uploads.begin(), page.uploads.end(), [](const auto& a, const auto& b) {
    return std::tie(a.key, a.upload_id) < std::tie(b.key, b.upload_id);
  });
  return page;
}

Result<AppendResult> FileStore::AppendSync(const AppendRequest& request) const {
  Status s = CheckKey(request.key);
  if (!s.ok()) return s;
  if (request.key.back() == '/') {
    return Status(ErrorCode::kInvalidArgument,
                  "key '" + request.key + "' is a directory marker; it cannot be appended to");
  }
  s = file_store::MakeParents(root_, request.key);
  if (!s.ok()) return s;
  return file_store::AppendToFile(root_ + "/" + request.key, request);
}

void FileStore::List(ListRequest request, Callback<ListPage> done) { done(ListSync(request)); }
void FileStore::Get(GetRequest request, Callback<GetResult> done) { done(GetSync(request)); }
void FileStore::Head(std::string key, Callback<ObjectInfo> done) { done(HeadSync(key)); }
void FileStore::Put(PutRequest request, Callback<PutResult> done) {
  done(PutSync(request.key, request.data));
}
void FileStore::Delete(std::string key, Callback<Done> done) { done(DeleteSync(key)); }
void FileStore::Copy(CopyRequest request, Callback<PutResult> done) { done(CopySync(request)); }
void FileStore::CreateMultipart(std::string key, Callback<std::string> done) {
  done(CreateMultipartSync(key));
}
void FileStore::UploadPart(UploadPartRequest request, Callback<CompletedPart> done) {
  done(UploadPartSync(request));
}
void FileStore::UploadPartCopy(UploadPartCopyRequest request, Callback<CompletedPart> done) {
  done(UploadPartCopySync(request));
}
void FileStore::CompleteMultipart(CompleteMultipartRequest request, Callback<PutResult> done) {
  done(CompleteMultipartSync(request));
}
void FileStore::AbortMultipart(std::string key, std::string upload_id, Callback<Done> done) {
  done(AbortMultipartSync(key, upload_id));
}
void FileStore::ListMultipartUploads(ListUploadsRequest request, Callback<ListUploadsPage> done) {
  done(ListUploadsSync(request));
}
void FileStore::Append(AppendRequest request, Callback<AppendResult> done) {
  done(AppendSync(request));
}

}  // namespace shoal
