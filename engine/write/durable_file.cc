#include "engine/write/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/base/unique_fd.h"

namespace shoal {

Status ErrnoStatus(const std::string& what, int err) {
  const ErrorCode code = err == ENOSPC || err == EDQUOT ? ErrorCode::kNoSpace : ErrorCode::kIoError;
  return Status(code, what + ": " + std::strerror(err));
}

Result<std::string> ReadWholeFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus("open " + path, errno);
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0) return ErrnoStatus("read " + path, errno);
    if (n == 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) return ErrnoStatus("create " + tmp, errno);
    if (::write(fd.get(), bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      return ErrnoStatus("write " + tmp, errno);
    }
    if (::fsync(fd.get()) != 0) return ErrnoStatus("fsync " + tmp, errno);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus("rename " + tmp, errno);
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) return ErrnoStatus("open " + dir, errno);
  if (::fsync(dir_fd.get()) != 0) return ErrnoStatus("fsync " + dir, errno);
  return Status::Ok();
}

}  // namespace shoal
