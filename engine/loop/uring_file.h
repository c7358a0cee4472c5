// uring_file: local-file system calls as io_uring operations on an EventLoop.
//
// The file:// backend and the on-disk cache do all their file I/O through
// these, so a slow disk never blocks the loop thread. Each function must be
// called on the loop thread; `done` runs there later, exactly once, unless
// the loop stops first. Results follow io_uring: >= 0 on success, -errno on
// failure. The helpers own whatever the kernel reads or writes (paths,
// buffers) until `done` runs, so callers pass values, not pointers.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/base/result.h"
#include "engine/loop/event_loop.h"

namespace shoal::uring_file {

// openat(AT_FDCWD, path, flags, mode): `done` gets the descriptor or -errno.
void Open(EventLoop& loop, std::string path, int flags, mode_t mode, std::function<void(int)> done);
// close(fd); `done` may be null.
void Close(EventLoop& loop, int fd, std::function<void(int)> done = nullptr);
// fstat through statx(AT_EMPTY_PATH); `st` is valid only when the result is 0.
void Fstat(EventLoop& loop, int fd, std::function<void(int, const struct statx& st)> done);
// Reads `length` bytes at `offset`, resubmitting after short reads; the
// result is shorter only at end of file.
void ReadExactly(EventLoop& loop, int fd, uint64_t offset, uint64_t length,
                 std::function<void(Result<std::string>)> done);
// Writes all of `data` at `offset`, resubmitting after short writes.
void WriteAll(EventLoop& loop, int fd, std::shared_ptr<const std::string> data, uint64_t offset,
              std::function<void(int)> done);
void Fsync(EventLoop& loop, int fd, std::function<void(int)> done);
void Rename(EventLoop& loop, std::string from, std::string to, std::function<void(int)> done);
// `done` may be null.
void Unlink(EventLoop& loop, std::string path, std::function<void(int)> done = nullptr);

}  // namespace shoal::uring_file
