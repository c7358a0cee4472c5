#include "engine/store/file/file_append.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "engine/base/unique_fd.h"
#include "engine/store/file/file_paths.h"

namespace shoal::file_store {
namespace {

// How often to start over when the key is replaced while we wait for the lock.
constexpr int kMaxAttempts = 8;

Status Mismatch(const AppendRequest& request, uint64_t length) {
  return Status(ErrorCode::kPositionMismatch,
                "AppendObject at position " + std::to_string(request.position) + " '" +
                    request.key + "': the object's length is " + std::to_string(length) +
                    ", not the position; it is unchanged");
}

Status WriteAt(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("cannot append to", path, errno);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Opens and locks the file the key names now. Null with `*status` OK means
// the key was replaced while waiting for the lock: try again.
UniqueFd OpenLocked(const std::string& path, const AppendRequest& request, Status* status) {
  const int flags = O_WRONLY | O_CLOEXEC | (request.position == 0 ? O_CREAT : 0);
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT && request.position > 0) {
      *status = Mismatch(request, 0);
    } else if (err == EISDIR) {
      *status = Status(ErrorCode::kInvalidArgument,
                       "key '" + request.key + "' is a directory in this file:// bucket");
    } else {
      *status = ErrnoStatus("cannot open", path, err);
    }
    return UniqueFd();
  }
  if (::flock(fd.get(), LOCK_EX) != 0) {
    *status = ErrnoStatus("cannot lock", path, errno);
    return UniqueFd();
  }
  struct stat locked {};
  struct stat named {};
  if (::fstat(fd.get(), &locked) != 0) {
    *status = ErrnoStatus("cannot stat", path, errno);
    return UniqueFd();
  }
  if (::stat(path.c_str(), &named) != 0 || named.st_dev != locked.st_dev ||
      named.st_ino != locked.st_ino) {
    return UniqueFd();
  }
  if (!S_ISREG(locked.st_mode)) {
    *status =
        Status(ErrorCode::kInvalidArgument, "object '" + request.key + "' is not a regular file");
    return UniqueFd();
  }
  return fd;
}

}  // namespace

Result<AppendResult> AppendToFile(const std::string& path, const AppendRequest& request) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    Status status;
    UniqueFd fd = OpenLocked(path, request, &status);
    if (!status.ok()) return status;
    if (!fd.valid()) continue;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    if (static_cast<uint64_t>(st.st_size) != request.position) {
      return Mismatch(request, static_cast<uint64_t>(st.st_size));
    }
    status = WriteAt(fd.get(), request.data, request.position, path);
    if (!status.ok()) {
      if (::ftruncate(fd.get(), static_cast<off_t>(request.position)) != 0) {
        return status.WithContext("a partial append stays, as it could not be undone");
      }
      return status;
    }
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    return AppendResult{static_cast<uint64_t>(st.st_size), EtagOf(st)};
  }
  return Status(ErrorCode::kIoError,
                "AppendObject '" + request.key + "': the object kept being replaced; try again");
}

}  // namespace shoal::file_store
