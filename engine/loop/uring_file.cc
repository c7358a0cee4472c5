#include "engine/loop/uring_file.h"

#include <cerrno>
#include <cstring>

namespace shoal::uring_file {

void Open(EventLoop& loop, std::string path, int flags, mode_t mode,
          std::function<void(int)> done) {
  auto owned = std::make_shared<std::string>(std::move(path));
  loop.Submit(
      [&](io_uring_sqe* sqe) {
        io_uring_prep_openat(sqe, AT_FDCWD, owned->c_str(), flags | O_CLOEXEC, mode);
      },
      [owned, done = std::move(done)](int rc) { done(rc); });
}

void Close(EventLoop& loop, int fd, std::function<void(int)> done) {
  loop.Submit([&](io_uring_sqe* sqe) { io_uring_prep_close(sqe, fd); },
              [done = std::move(done)](int rc) {
                if (done) done(rc);
              });
}

void Fstat(EventLoop& loop, int fd, std::function<void(int, const struct statx&)> done) {
  auto st = std::make_shared<struct statx>();
  loop.Submit(
      [&](io_uring_sqe* sqe) {
        io_uring_prep_statx(sqe, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, st.get());
      },
      [st, done = std::move(done)](int rc) { done(rc, *st); });
}

namespace {

struct PendingRead {
  EventLoop& loop;
  int fd;
  uint64_t offset;
  std::string buffer;
  size_t filled = 0;
  std::function<void(Result<std::string>)> done;
};

void ContinueRead(const std::shared_ptr<PendingRead>& read) {
  char* at = read->buffer.data() + read->filled;
  const size_t want = read->buffer.size() - read->filled;
  const uint64_t offset = read->offset + read->filled;
  read->loop.Read(read->fd, at, want, offset, [read](int rc) {
    if (rc < 0) {
      read->done(Status(ErrorCode::kIoError, std::string("read: ") + std::strerror(-rc)));
      return;
    }
    read->filled += static_cast<size_t>(rc);
    if (rc == 0 || read->filled == read->buffer.size()) {
      read->buffer.resize(read->filled);
      read->done(std::move(read->buffer));
      return;
    }
    ContinueRead(read);
  });
}

struct PendingWrite {
  EventLoop& loop;
  int fd;
  uint64_t offset;
  std::shared_ptr<const std::string> data;
  size_t written = 0;
  std::function<void(int)> done;
};

void ContinueWrite(std::shared_ptr<PendingWrite> write) {
  const char* from = write->data->data() + write->written;
  const size_t length = write->data->size() - write->written;
  const uint64_t offset = write->offset + write->written;
  write->loop.Submit(
      [&](io_uring_sqe* sqe) {
        io_uring_prep_write(sqe, write->fd, from, static_cast<unsigned>(length), offset);
      },
      [write](int rc) {
        if (rc < 0) {
          write->done(rc);
          return;
        }
        if (rc == 0) {
          write->done(-EIO);
          return;
        }
        write->written += static_cast<size_t>(rc);
        if (write->written == write->data->size()) {
          write->done(0);
          return;
        }
        ContinueWrite(write);
      });
}

}  // namespace

void ReadExactly(EventLoop& loop, int fd, uint64_t offset, uint64_t length,
                 std::function<void(Result<std::string>)> done) {
  auto read = std::make_shared<PendingRead>(
      PendingRead{loop, fd, offset, std::string(), 0, std::move(done)});
  read->buffer.resize(length);
  if (length == 0) {
    read->done(std::string());
    return;
  }
  ContinueRead(read);
}

void WriteAll(EventLoop& loop, int fd, std::shared_ptr<const std::string> data, uint64_t offset,
              std::function<void(int)> done) {
  if (data->empty()) {
    done(0);
    return;
  }
  ContinueWrite(std::make_shared<PendingWrite>(
      PendingWrite{loop, fd, offset, std::move(data), 0, std::move(done)}));
}

void Fsync(EventLoop& loop, int fd, std::function<void(int)> done) {
  loop.Submit([&](io_uring_sqe* sqe) { io_uring_prep_fsync(sqe, fd, 0); }, std::move(done));
}

void Rename(EventLoop& loop, std::string from, std::string to, std::function<void(int)> done) {
  auto paths =
      std::make_shared<std::pair<std::string, std::string>>(std::move(from), std::move(to));
  loop.Submit(
      [&](io_uring_sqe* sqe) {
        io_uring_prep_renameat(sqe, AT_FDCWD, paths->first.c_str(), AT_FDCWD, paths->second.c_str(),
                               0);
      },
      [paths, done = std::move(done)](int rc) { done(rc); });
}

void Unlink(EventLoop& loop, std::string path, std::function<void(int)> done) {
  auto owned = std::make_shared<std::string>(std::move(path));
  loop.Submit([&](io_uring_sqe* sqe) { io_uring_prep_unlinkat(sqe, AT_FDCWD, owned->c_str(), 0); },
              [owned, done = std::move(done)](int rc) {
                if (done) done(rc);
              });
}

}  // namespace shoal::uring_file
