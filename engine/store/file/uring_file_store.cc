#include "engine/store/file/uring_file_store.h"

#include <sys/sysmacros.h>

#include <cerrno>

#include "engine/loop/uring_file.h"
#include "engine/store/file/file_paths.h"

namespace shoal {

struct UringFileStore::PendingGet {
  GetRequest request;
  Callback<GetResult> done;
  std::string path;
  int fd = -1;
  GetResult result;
};

void UringFileStore::Get(GetRequest request, Callback<GetResult> done) {
  if (request.key.empty() || request.key.back() == '/') {  // markers and bad keys: rare
    files_.Get(std::move(request), std::move(done));
    return;
  }
  if (Status s = file_store::CheckKey(request.key); !s.ok()) {
    done(s);
    return;
  }
  auto get = std::make_shared<PendingGet>();
  get->path = files_.root() + "/" + request.key;
  get->request = std::move(request);
  get->done = std::move(done);
  if (loop_.InLoopThread()) {
    StartGet(get);
  } else {
    if (!loop_.Post([this, get] { StartGet(get); })) {
      get->done(Status(ErrorCode::kCancelled, "the file store's event loop has stopped"));
    }
  }
}

void UringFileStore::StartGet(const std::shared_ptr<PendingGet>& get) {
  uring_file::Open(loop_, get->path, O_RDONLY, 0, [this, get](int fd) { OnOpened(get, fd); });
}

void UringFileStore::OnOpened(const std::shared_ptr<PendingGet>& get, int fd) {
  if (fd < 0) {
    const int err = -fd;
    if (err == ENOENT || err == ENOTDIR || err == EISDIR) {
      Finish(get, Status(ErrorCode::kNotFound,
                         "object '" + get->request.key + "' does not exist in " + Describe()));
    } else {
      Finish(get, file_store::ErrnoStatus("cannot open", get->path, err));
    }
    return;
  }
  get->fd = fd;
  uring_file::Fstat(loop_, fd,
                    [this, get](int rc, const struct statx& st) { OnStat(get, rc, st); });
}

void UringFileStore::OnStat(const std::shared_ptr<PendingGet>& get, int rc,
                            const struct statx& stx) {
  if (rc < 0) {
    Finish(get, file_store::ErrnoStatus("cannot stat", get->path, -rc));
    return;
  }
  if (!S_ISREG(stx.stx_mode)) {
    Finish(get, Status(ErrorCode::kNotFound, "object '" + get->request.key + "' is not a file"));
    return;
  }
  struct stat st {};
  st.st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
  st.st_ino = stx.stx_ino;
  st.st_mode = stx.stx_mode;
  st.st_size = static_cast<off_t>(stx.stx_size);
  st.st_mtim.tv_sec = stx.stx_mtime.tv_sec;
  st.st_mtim.tv_nsec = stx.stx_mtime.tv_nsec;
  get->result.info = file_store::InfoOf(get->request.key, st);
  const ObjectInfo& info = get->result.info;
  if (!get->request.if_match.empty() && get->request.if_match != info.etag) {
    Finish(get, Status(ErrorCode::kPreconditionFailed,
                       "object '" + get->request.key +
                           "' changed since it was indexed (its ETag no longer matches)"));
    return;
  }
  uint64_t offset = 0;
  uint64_t length = info.size;
  if (get->request.range) {
    offset = get->request.range->offset;
    if (get->request.range->length == 0 || offset >= info.size) {
      Finish(get, Status(ErrorCode::kInvalidRange,
                         "the byte range is outside object '" + get->request.key + "'"));
      return;
    }
    length = std::min(get->request.range->length, info.size - offset);
  }
  uring_file::ReadExactly(loop_, get->fd, offset, length, [this, get](Result<std::string> data) {
    if (!data.ok()) {
      Finish(get, data.status().WithContext(get->path));
      return;
    }
    get->result.data = std::move(*data);
    Finish(get, std::move(get->result));
  });
}

void UringFileStore::Finish(const std::shared_ptr<PendingGet>& get, Result<GetResult> result) {
  if (get->fd >= 0) {
    uring_file::Close(loop_, get->fd);
    get->fd = -1;
  }
  get->done(std::move(result));
}

}  // namespace shoal
