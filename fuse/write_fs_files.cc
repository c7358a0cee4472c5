// WriteFs, part two: file data. Opening for writing starts a WriteSession;
// writes go to it in order; flush (every close) and fsync commit it.
#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "engine/store/await.h"
#include "fuse/errno_map.h"
#include "fuse/pending_reply.h"
#include "fuse/write_fs.h"

namespace shoal {
namespace {

struct DirHandle {
  std::vector<DirEntryName> entries;
};

}  // namespace

int WriteFs::StartWrite(const std::string& path, std::optional<uint64_t> append_base, bool create,
                        std::shared_ptr<OpenWrite>* out) {
  {
    std::lock_guard lock(writing_mu_);
    auto it = writing_.find(path);
    if (it != writing_.end() && append_base && it->second->append && it->second->handles > 0) {
      ++it->second->handles;  // another appender of the same log
      *out = it->second;
      return 0;
    }
    if (it != writing_.end() && IsActive(*it->second)) {
      log_.Write(LogLevel::kError, "/" + path + ": " + std::strerror(EBUSY) +
                                       ": already open for writing; concurrent writers would "
                                       "corrupt the object");
      return EBUSY;
    }
  }
  // The spool entry is made outside the lock (it fsyncs), then the check
  // is repeated.
  std::unique_ptr<SpoolEntry> spooled;
  if (options_.spool != nullptr) {
    SpoolRecord record{names_.KeyOf(path), SpoolRecord::Mode::kReplace, 0, ""};
    if (append_base) {
      record.mode = SpoolRecord::Mode::kAppend;
      record.base_size = *append_base;
    }
    Result<std::unique_ptr<SpoolEntry>> entry = options_.spool->Create(record);
    if (!entry.ok()) {
      log_.Write(LogLevel::kError, "/" + path + ": cannot spool: " + entry.status().ToString());
      return WriteErrno(entry.status());
    }
    spooled = std::move(*entry);
  }
  auto write = std::make_shared<OpenWrite>();
  write->path = path;
  write->append = append_base.has_value();
  write->handles = 1;
  if (append_base) {
    write->session = std::make_unique<AppendSession>(store_, appender_, names_.KeyOf(path),
                                                     *append_base, std::move(spooled), create);
  } else {
    write->session = std::make_unique<WriteSession>(store_, names_.KeyOf(path), std::move(spooled),
                                                    options_.writer);
  }
  write->Refresh();
  std::lock_guard lock(writing_mu_);
  auto it = writing_.find(path);
  if (it != writing_.end() && IsActive(*it->second)) {
    write->session->Close();  // nothing written: the entry goes
    if (append_base && it->second->append) {
      ++it->second->handles;
      *out = it->second;
      return 0;
    }
    log_.Write(LogLevel::kError,
               "/" + path + ": " + std::strerror(EBUSY) + ": already open for writing");
    return EBUSY;
  }
  writing_[path] = write;
  *out = std::move(write);
  return 0;
}

// A committed replaced file no longer counts as being written (see
// IsActive), so a rename or a new writer right after close() is not
// refused while the release is still on its way.
int WriteFs::Commit(OpenWrite& write) {
  std::lock_guard lock(write.mu);
  if (write.session->committed()) return 0;
  Status done = write.session->Commit();
  write.Refresh();
  if (done.ok()) return 0;
  log_.Write(LogLevel::kError,
             "/" + write.path + ": " +
                 (write.session->has_spool() ? "commit failed, the bytes stay in the spool: "
                                             : "commit failed: ") +
                 done.ToString());
  return WriteErrno(done);
}

void WriteFs::SetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set,
                      fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  std::string path;
  if (!fs.PathOrReply(req, ino, &path)) return;
  if ((to_set & FUSE_SET_ATTR_SIZE) != 0) {
    const auto size = static_cast<uint64_t>(attr->st_size);
    // ftruncate goes to its handle's file; truncate to a file open here, in
    // whatever state (also committed, before its release).
    std::shared_ptr<OpenWrite> write =
        fi != nullptr && fi->fh != 0 ? reinterpret_cast<const Handle*>(fi->fh)->write : nullptr;
    if (!write) write = fs.AnyWrite(path);
    Status status;
    if (write) {
      std::lock_guard lock(write->mu);
      status = write->session->Truncate(size);
      write->Refresh();
    } else if (size == 0) {
      Result<PutResult> put = Await<PutResult>([&](auto done) {
        fs.store_.Put(PutRequest{fs.names_.KeyOf(path), ""}, done);
      });
      status = put.status();
    } else {
      status = Status(ErrorCode::kUnsupported,
                      "truncate to " + std::to_string(size) + " bytes: only 0 is supported");
    }
    if (!status.ok()) return fs.ReplyError(req, path, status);
  }
  // Modes, owners and times are the mount's; changing them is accepted and
  // has no effect, so cp -p and touch work.
  Result<PathAttr> now = fs.AttrOf(path);
  if (!now.ok()) return fs.ReplyError(req, path, now.status());
  struct stat st = fs.StatOf(ino, *now);
  fuse_reply_attr(req, &st, 0);
}

void WriteFs::OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, ino, &dir)) return;
  Result<std::vector<DirEntryName>> listed = fs.names_.List(dir);
  if (!listed.ok()) return fs.ReplyError(req, dir, listed.status());
  auto handle = std::make_unique<DirHandle>();
  handle->entries = std::move(*listed);
  {
    std::lock_guard lock(fs.writing_mu_);
    for (const auto& [path, write] : fs.writing_) {
      if (ParentOf(path) != dir) continue;
      std::string name = path.substr(dir.empty() ? 0 : dir.size() + 1);
      bool listed_already = false;
      for (const DirEntryName& e : handle->entries) listed_already |= e.name == name;
      if (!listed_already) handle->entries.push_back({std::move(name), false});
    }
  }
  fi->fh = reinterpret_cast<uint64_t>(handle.release());
  if (fuse_reply_open(req, fi) != 0) delete reinterpret_cast<DirHandle*>(fi->fh);
}

void WriteFs::ReadDir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off,
                      fuse_file_info* fi) {
  const DirHandle& handle = *reinterpret_cast<const DirHandle*>(fi->fh);
  std::vector<char> buffer(size);
  size_t used = 0;
  for (auto i = static_cast<size_t>(off); i < handle.entries.size() + 2; ++i) {
    struct stat st {};
    st.st_ino = i + 1;  // never 0, which readdir(3) would skip; lookup gives the real one
    std::string name;
    if (i < 2) {
      name = i == 0 ? "." : "..";
      st.st_mode = S_IFDIR;
    } else {
      name = handle.entries[i - 2].name;
      st.st_mode = handle.entries[i - 2].is_dir ? S_IFDIR : S_IFREG;
    }
    const size_t needed = fuse_add_direntry(req, buffer.data() + used, size - used, name.c_str(),
                                            &st, static_cast<off_t>(i + 1));
    if (needed > size - used) break;
    used += needed;
  }
  fuse_reply_buf(req, buffer.data(), used);
}

void WriteFs::ReleaseDir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  delete reinterpret_cast<DirHandle*>(fi->fh);
  fuse_reply_err(req, 0);
}

void WriteFs::Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/,
                     fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, parent, &dir)) return;
  const std::string path = JoinPath(dir, name);
  if (!fs.WritableOrReply(req, path)) return;
  auto handle = std::make_unique<Handle>();
  handle->path = path;
  // Created for appending (a log): appended to from the start, so the
  // server makes it an appendable object where it has them.
  std::optional<uint64_t> append_base;
  if ((fi->flags & O_APPEND) != 0) append_base = 0;
  if (int err = fs.StartWrite(path, append_base, /*create=*/true, &handle->write); err != 0) {
    return (void)fuse_reply_err(req, err);
  }
  handle->opener = fuse_req_ctx(req)->pid;
  fuse_entry_param e = fs.EntryOf(path, PathAttr{false, 0, static_cast<int64_t>(::time(nullptr))});
  fi->direct_io = 1;
  fi->fh = reinterpret_cast<uint64_t>(handle.release());
  if (fuse_reply_create(req, &e, fi) != 0) {
    fs.inodes_.Forget(e.ino, 1);
    delete reinterpret_cast<Handle*>(fi->fh);
  }
}

void WriteFs::Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  auto handle = std::make_unique<Handle>();
  if (!fs.PathOrReply(req, ino, &handle->path)) return;
  if ((fi->flags & O_ACCMODE) != O_RDONLY) {
    std::optional<uint64_t> append_base;
    if ((fi->flags & O_TRUNC) == 0) {
      if ((fi->flags & O_APPEND) == 0) {
        return fs.ReplyError(
            req, handle->path,
            Status(ErrorCode::kUnsupported,
                   "an existing object opens for writing only with O_TRUNC (replace it) or "
                   "O_APPEND (add to it); objects cannot be rewritten in place"));
      }
      Result<PathAttr> attr = fs.names_.Stat(handle->path);
      if (!attr.ok()) return fs.ReplyError(req, handle->path, attr.status());
      append_base = attr->size;
    }
    if (int err = fs.StartWrite(handle->path, append_base, /*create=*/false, &handle->write);
        err != 0) {
      return (void)fuse_reply_err(req, err);
    }
    handle->opener = fuse_req_ctx(req)->pid;
    fi->direct_io = 1;
  }
  fi->fh = reinterpret_cast<uint64_t>(handle.release());
  if (fuse_reply_open(req, fi) != 0) delete reinterpret_cast<Handle*>(fi->fh);
}

void WriteFs::Read(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  const Handle& handle = *reinterpret_cast<const Handle*>(fi->fh);
  if (handle.write) {
    return fs.ReplyError(req, handle.path,
                         Status(ErrorCode::kUnsupported, "reading a file while it is written"));
  }
  if (size == 0 || off < 0) return (void)fuse_reply_buf(req, nullptr, 0);
  GetRequest get;
  get.key = fs.names_.KeyOf(handle.path);
  get.range = ByteRange{static_cast<uint64_t>(off), size};
  // The callback may run after this WriteFs is gone (at unmount), so it
  // holds only what outlives it: the log and the request, which is
  // answered EIO if the store drops the callback.
  auto pending = std::make_shared<PendingReply>(req);
  fs.store_.Get(
      std::move(get), [pending, &log = fs.log_, path = handle.path](Result<GetResult> got) {
        fuse_req_t reply = pending->Take();
        if (got.ok()) return (void)fuse_reply_buf(reply, got->data.data(), got->data.size());
        if (got.status().code() == ErrorCode::kInvalidRange) {
          return (void)fuse_reply_buf(reply, nullptr, 0);  // at or past the end
        }
        const int err = WriteErrno(got.status());
        log.Write(LogLevel::kError, "/" + path + ": read failed with " + std::strerror(err) + ": " +
                                        got.status().ToString());
        fuse_reply_err(reply, err);
      });
}

void WriteFs::Write(fuse_req_t req, fuse_ino_t /*ino*/, const char* buf, size_t size, off_t off,
                    fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  const Handle& handle = *reinterpret_cast<const Handle*>(fi->fh);
  if (!handle.write) return (void)fuse_reply_err(req, EBADF);
  Status status;
  {
    std::lock_guard lock(handle.write->mu);
    status = handle.write->session->Write(static_cast<uint64_t>(off), std::string_view(buf, size));
    handle.write->Refresh();
  }
  if (!status.ok()) return fs.ReplyError(req, handle.path, status);
  fuse_reply_write(req, size);
}

// Every close() flushes, also of descriptors that other processes
// inherited (a shell's `cmd > log` with children). Only the opening
// process's close commits; release commits the rest, so a child's exit
// does not upload the whole file again. (A descriptor dup()ed and closed
// before the writing starts commits an empty object first, which the
// writes then replace: one small extra request.)
void WriteFs::Flush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  const Handle& handle = *reinterpret_cast<const Handle*>(fi->fh);
  int err = 0;
  if (handle.write && fuse_req_ctx(req)->pid == handle.opener) err = fs.Commit(*handle.write);
  fuse_reply_err(req, err);
}

void WriteFs::Fsync(fuse_req_t req, fuse_ino_t /*ino*/, int /*datasync*/, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  const Handle& handle = *reinterpret_cast<const Handle*>(fi->fh);
  fuse_reply_err(req, handle.write ? fs.Commit(*handle.write) : 0);
}

void WriteFs::Release(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  WriteFs& fs = Of(req);
  std::unique_ptr<Handle> handle(reinterpret_cast<Handle*>(fi->fh));
  if (handle->write) {
    OpenWrite& write = *handle->write;
    bool last = false;
    {
      std::lock_guard lock(fs.writing_mu_);
      last = --write.handles == 0;
    }
    if (last) {
      fs.Commit(write);  // normally done by flush already
      {
        std::lock_guard lock(write.mu);
        write.session->Close();
      }
      std::lock_guard lock(fs.writing_mu_);
      auto it = fs.writing_.find(handle->path);
      if (it != fs.writing_.end() && it->second == handle->write && write.handles == 0) {
        fs.writing_.erase(it);
      }
    }
  }
  fuse_reply_err(req, 0);
}

}  // namespace shoal
