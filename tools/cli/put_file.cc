#include "tools/cli/put_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "engine/base/unique_fd.h"

namespace shoal::cli {
namespace {

constexpr size_t kReadChunk = 1 << 20;

Status LocalError(const std::string& what, const std::string& path, int error) {
  const ErrorCode code = error == ENOENT                     ? ErrorCode::kNotFound
                         : error == EACCES || error == EPERM ? ErrorCode::kPermission
                                                             : ErrorCode::kIoError;
  return Status(code, what + " " + path + ": " + std::strerror(error));
}

}  // namespace

uint64_t PartSizeFor(uint64_t size, uint64_t wanted) {
  constexpr uint64_t kMiB = 1 << 20;
  const uint64_t needed = (size + kMaxUploadParts - 1) / kMaxUploadParts;
  if (needed <= wanted) return wanted;
  return (needed + kMiB - 1) / kMiB * kMiB;
}

Result<uint64_t> PutFile(ObjectStore& store, const PutItem& item, ObjectWriterOptions options,
                         const std::function<void(uint64_t)>& on_bytes,
                         const std::atomic<bool>& cancel) {
  UniqueFd fd(::open(item.local_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return LocalError("cannot open", item.local_path, errno);
  options.part_size = PartSizeFor(item.size, options.part_size);
  ObjectWriter writer(store, item.key, options);
  // Append and Finish abort on their own failures; the other ways out abort
  // here, so a failed abort is reported (it names the upload to clean up).
  auto give_up = [&writer](const Status& why) {
    Status aborted = writer.Abort();
    return aborted.ok() ? why : aborted.WithContext(why.message());
  };
  std::string chunk(kReadChunk, '\0');
  while (true) {
    if (cancel.load()) return give_up(Status(ErrorCode::kCancelled, "interrupted"));
    const ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return give_up(LocalError("cannot read", item.local_path, errno));
    if (n == 0) break;
    if (Status s = writer.Append(std::string_view(chunk.data(), static_cast<size_t>(n))); !s.ok()) {
      return s;
    }
    on_bytes(static_cast<uint64_t>(n));
  }
  Result<PutResult> finished = writer.Finish();
  if (!finished.ok()) return finished.status();
  return writer.bytes_appended();
}

}  // namespace shoal::cli
