#include "engine/store/file/file_paths.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/auth/crypto.h"
#include "engine/store/file/file_store.h"

namespace shoal::file_store {
namespace {

Status BadKey(std::string_view key, std::string_view why) {
  return Status(
      ErrorCode::kInvalidArgument,
      "key '" + std::string(key) + "' cannot be stored in a file:// bucket: " + std::string(why));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports close()'s error, which can carry a write failure.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace

Status CheckKey(std::string_view key) {
  if (key.empty()) return BadKey(key, "it is empty");
  if (key.front() == '/') return BadKey(key, "it starts with '/'");
  if (key.find('\0') != std::string_view::npos) return BadKey(key, "it contains a NUL byte");
  std::string_view rest = key;
  if (rest.back() == '/') rest.remove_suffix(1);  // a directory marker
  size_t start = 0;
  bool first = true;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    if (segment.empty()) return BadKey(key, "it has an empty path segment ('//')");
    if (segment == "." || segment == "..") return BadKey(key, "it has a '.' or '..' segment");
    if (segment.size() > 255) return BadKey(key, "a path segment is longer than 255 bytes");
    if (first && segment == FileStore::kReservedDir) {
      return BadKey(key, "the top-level name .shoal-multipart is reserved");
    }
    first = false;
    start = end + 1;
  }
  return Status::Ok();
}

std::string EtagOf(const struct stat& st) {
  struct {
    uint64_t dev, ino, size;
    int64_t sec, nsec;
  } identity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
             static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec),
             static_cast<int64_t>(st.st_mtim.tv_nsec)};
  return HexLower(
      Md5(std::string_view(reinterpret_cast<const char*>(&identity), sizeof(identity))));
}

ObjectInfo InfoOf(const std::string& key, const struct stat& st) {
  ObjectInfo info;
  info.key = key;
  info.size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
  info.etag = EtagOf(st);
  info.mtime_seconds = st.st_mtim.tv_sec;
  return info;
}

Status ErrnoStatus(std::string_view what, const std::string& path, int err) {
  ErrorCode code = ErrorCode::kIoError;
  if (err == ENOENT || err == ENOTDIR) code = ErrorCode::kNotFound;
  if (err == EACCES || err == EPERM) code = ErrorCode::kPermission;
  return Status(code, std::string(what) + " " + path + ": " + std::strerror(err));
}

Status MakeParents(const std::string& root, std::string_view key) {
  size_t pos = 0;
  while ((pos = key.find('/', pos)) != std::string_view::npos) {
    std::string dir = root + "/" + std::string(key.substr(0, pos));
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus("cannot create directory", dir, errno);
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      std::string why = "'";
      why.append(key.substr(0, pos));
      why.append("' is an object, so it cannot also be a directory here");
      return BadKey(key, why);
    }
    ++pos;
  }
  return Status::Ok();
}

Status WriteNewFile(const std::string& path, std::string_view data) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoStatus("cannot create", path, errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot write", path, errno);
    done += static_cast<size_t>(n);
  }
  if (fd.Close() != 0) return ErrnoStatus("cannot write", path, errno);
  return Status::Ok();
}

Status CopyFile(const std::string& from, const std::string& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return ErrnoStatus("cannot open", from, errno);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return ErrnoStatus("cannot stat", from, errno);
  if (!S_ISREG(st.st_mode)) return ErrnoStatus("cannot copy", from, EISDIR);
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.get() < 0) return ErrnoStatus("cannot create", to, errno);
  off_t offset = 0;
  while (offset < st.st_size) {
    ssize_t n = ::sendfile(out.get(), in.get(), &offset, static_cast<size_t>(st.st_size - offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot copy to", to, errno);
    if (n == 0) break;  // the source shrank while copying
  }
  if (out.Close() != 0) return ErrnoStatus("cannot write", to, errno);
  return Status::Ok();
}

}  // namespace shoal::file_store
