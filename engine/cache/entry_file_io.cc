#include "engine/cache/entry_file_io.h"

#include <cerrno>
#include <cstring>

#include "engine/base/unique_fd.h"
#include "engine/loop/uring_file.h"

namespace shoal::cache_io {
namespace {

struct Write {
  EventLoop& loop;
  std::string tmp_path;
  std::string final_path;
  std::shared_ptr<const std::string> header;
  std::shared_ptr<const std::string> data;
  std::weak_ptr<const void> owner;
  std::function<void(int)> done;
  UniqueFd fd;
};

// Ends a write that failed (rc < 0) before its rename: closes and removes
// the temporary file, then reports.
void Fail(const std::shared_ptr<Write>& w, int rc) {
  if (w->fd.valid()) uring_file::Close(w->loop, w->fd.release());
  uring_file::Unlink(w->loop, w->tmp_path, [w, rc](int) { w->done(rc); });
}

// Runs `next` unless the step failed or the owner has gone.
std::function<void(int)> Then(std::shared_ptr<Write> w, std::function<void()> next) {
  return [w = std::move(w), next = std::move(next)](int rc) {
    if (rc >= 0 && w->owner.expired()) rc = -ECANCELED;
    if (rc < 0) return Fail(w, rc);
    next();
  };
}

void Rename(const std::shared_ptr<Write>& w) {
  // Past this point the entry is in place; the owner decides what it means.
  uring_file::Rename(w->loop, w->tmp_path, w->final_path, [w](int rc) {
    if (rc < 0) return Fail(w, rc);
    w->done(0);
  });
}

void Close(const std::shared_ptr<Write>& w) {
  // A close error can be the first report of a failed write (NFS).
  uring_file::Close(w->loop, w->fd.release(), Then(w, [w] { Rename(w); }));
}

void WriteBody(const std::shared_ptr<Write>& w) {
  uring_file::WriteAll(w->loop, w->fd.get(), w->header, 0, Then(w, [w] {
                         uring_file::WriteAll(w->loop, w->fd.get(), w->data, w->header->size(),
                                              Then(w, [w] { Close(w); }));
                       }));
}

Status ReadError(const std::string& path, int rc) {
  if (rc == -ENOENT) return Status(ErrorCode::kNotFound, path + " no longer exists");
  return Status(ErrorCode::kIoError, path + ": " + std::strerror(-rc));
}

}  // namespace

void WriteEntryFile(EventLoop& loop, std::string tmp_path, std::string final_path,
                    std::shared_ptr<const std::string> header,
                    std::shared_ptr<const std::string> data, std::weak_ptr<const void> owner,
                    std::function<void(int)> done) {
  auto w = std::make_shared<Write>(Write{loop, std::move(tmp_path), std::move(final_path),
                                         std::move(header), std::move(data), std::move(owner),
                                         std::move(done), UniqueFd()});
  uring_file::Open(loop, w->tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0600, [w](int fd) {
    if (fd < 0) return w->done(fd);  // nothing was created
    w->fd.reset(fd);
    Then(w, [w] { WriteBody(w); })(0);
  });
}

void ReadEntryFile(EventLoop& loop, std::string path, uint64_t max_bytes,
                   std::function<void(Result<std::string>)> done) {
  struct Read {
    EventLoop& loop;
    std::string path;
    std::function<void(Result<std::string>)> done;
    UniqueFd fd;
    void Finish(Result<std::string> result) {
      uring_file::Close(loop, fd.release());
      done(std::move(result));
    }
  };
  auto r = std::make_shared<Read>(Read{loop, std::move(path), std::move(done), UniqueFd()});
  uring_file::Open(loop, r->path, O_RDONLY, 0, [r, max_bytes](int fd) {
    if (fd < 0) return r->done(ReadError(r->path, fd));
    r->fd.reset(fd);
    uring_file::Fstat(r->loop, fd, [r, max_bytes](int rc, const struct statx& st) {
      if (rc < 0) return r->Finish(ReadError(r->path, rc));
      if (st.stx_size > max_bytes) {
        return r->Finish(Status(ErrorCode::kCorrupt, r->path + " has grown since it was indexed"));
      }
      uring_file::ReadExactly(r->loop, r->fd.get(), 0, st.stx_size,
                              [r](Result<std::string> bytes) { r->Finish(std::move(bytes)); });
    });
  });
}

}  // namespace shoal::cache_io
