// WriteFs, part one: names (lookup, attributes, directories, rename,
// unlink) and the operations table. File data is in write_fs_files.cc.
#include "fuse/write_fs.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "engine/base/printable.h"
#include "engine/store/await.h"
#include "fuse/attributes.h"
#include "fuse/errno_map.h"
#include "index/writable_key.h"

namespace shoal {

WriteFs::WriteFs(ObjectStore& store, std::string prefix, WriteFsOptions options, LogSink& log)
    : store_(store),
      names_(store, std::move(prefix)),
      options_(options),
      log_(log),
      appender_(store, options.append, options.writer) {}

WriteFs& WriteFs::Of(fuse_req_t req) { return *static_cast<WriteFs*>(fuse_req_userdata(req)); }

bool WriteFs::PathOrReply(fuse_req_t req, fuse_ino_t ino, std::string* path) {
  std::optional<std::string> found = inodes_.PathOf(ino);
  if (!found) {
    fuse_reply_err(req, ESTALE);
    return false;
  }
  *path = std::move(*found);
  return true;
}

void WriteFs::ReplyError(fuse_req_t req, const std::string& path, const Status& status) {
  const int err = WriteErrno(status);
  if (err != ENOENT) {
    log_.Write(LogLevel::kError,
               "/" + Printable(path) + ": " + std::strerror(err) + ": " + status.ToString());
  }
  fuse_reply_err(req, err);
}

bool WriteFs::WritableOrReply(fuse_req_t req, const std::string& path) {
  const Status writable = CheckWritableKey(names_.KeyOf(path));
  if (writable.ok()) return true;
  ReplyError(req, path, writable);
  return false;
}

struct stat WriteFs::StatOf(uint64_t ino, const PathAttr& attr) const {
  return MakeStat(ino, attr.is_dir, attr.size, attr.mtime_seconds, options_.view);
}

fuse_entry_param WriteFs::EntryOf(const std::string& path, const PathAttr& attr) {
  fuse_entry_param e{};
  e.ino = inodes_.Remember(path);
  e.generation = 1;
  e.attr = StatOf(e.ino, attr);
  const bool writing = WritingSize(path).has_value();  // its size is still growing
  e.attr_timeout = writing ? 0 : options_.view.attr_timeout_seconds;
  e.entry_timeout = options_.view.entry_timeout_seconds;
  return e;
}

bool WriteFs::IsActive(const OpenWrite& write) {
  return write.append ? write.handles > 0 : !write.committed;
}

std::shared_ptr<WriteFs::OpenWrite> WriteFs::ActiveWrite(const std::string& path) {
  std::lock_guard lock(writing_mu_);
  auto it = writing_.find(path);
  return it != writing_.end() && IsActive(*it->second) ? it->second : nullptr;
}

std::shared_ptr<WriteFs::OpenWrite> WriteFs::AnyWrite(const std::string& path) {
  std::lock_guard lock(writing_mu_);
  auto it = writing_.find(path);
  return it != writing_.end() ? it->second : nullptr;
}

std::optional<uint64_t> WriteFs::WritingSize(const std::string& path) {
  std::shared_ptr<OpenWrite> write = ActiveWrite(path);
  if (!write) return std::nullopt;
  return write->size.load();
}

Result<PathAttr> WriteFs::AttrOf(const std::string& path) {
  if (std::optional<uint64_t> size = WritingSize(path)) {
    return PathAttr{false, *size, static_cast<int64_t>(::time(nullptr))};
  }
  return names_.Stat(path);
}

void WriteFs::Init(void* /*userdata*/, fuse_conn_info* conn) {
  // O_TRUNC reaches open (instead of a separate setattr), so "replace this
  // object" is one decision.
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
  conn->max_write = 1u << 20;
}

void WriteFs::Lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, parent, &dir)) return;
  const std::string path = JoinPath(dir, name);
  Result<PathAttr> attr = fs.AttrOf(path);
  if (!attr.ok()) {
    if (attr.status().code() != ErrorCode::kNotFound)
      return fs.ReplyError(req, path, attr.status());
    fuse_entry_param e{};  // a miss, cached briefly
    e.entry_timeout = fs.options_.view.negative_timeout_seconds;
    fuse_reply_entry(req, &e);
    return;
  }
  fuse_entry_param e = fs.EntryOf(path, *attr);
  if (fuse_reply_entry(req, &e) != 0) fs.inodes_.Forget(e.ino, 1);
}

void WriteFs::Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Of(req).inodes_.Forget(ino, nlookup);
  fuse_reply_none(req);
}

void WriteFs::ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  for (size_t i = 0; i < count; ++i) Of(req).inodes_.Forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void WriteFs::GetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
  WriteFs& fs = Of(req);
  std::string path;
  if (!fs.PathOrReply(req, ino, &path)) return;
  Result<PathAttr> attr = fs.AttrOf(path);
  if (!attr.ok()) return fs.ReplyError(req, path, attr.status());
  struct stat st = fs.StatOf(ino, *attr);
  fuse_reply_attr(req, &st, fs.WritingSize(path) ? 0 : fs.options_.view.attr_timeout_seconds);
}

void WriteFs::MkDir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, parent, &dir)) return;
  const std::string path = JoinPath(dir, name);
  if (fs.AttrOf(path).ok()) return (void)fuse_reply_err(req, EEXIST);
  if (!fs.WritableOrReply(req, path)) return;
  fs.names_.AddVirtualDir(path);  // no marker object: a directory is its keys
  fuse_entry_param e = fs.EntryOf(path, PathAttr{true, 0, static_cast<int64_t>(::time(nullptr))});
  if (fuse_reply_entry(req, &e) != 0) fs.inodes_.Forget(e.ino, 1);
}

void WriteFs::RmDir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, parent, &dir)) return;
  const std::string path = JoinPath(dir, name);
  Result<PathAttr> attr = fs.names_.Stat(path);
  if (!attr.ok()) return fs.ReplyError(req, path, attr.status());
  if (!attr->is_dir) return (void)fuse_reply_err(req, ENOTDIR);
  Result<bool> empty = fs.names_.IsEmptyDir(path);
  if (!empty.ok()) return fs.ReplyError(req, path, empty.status());
  if (!*empty) return (void)fuse_reply_err(req, ENOTEMPTY);
  fs.names_.RemoveVirtualDir(path);
  fuse_reply_err(req, 0);
}

void WriteFs::Unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  WriteFs& fs = Of(req);
  std::string dir;
  if (!fs.PathOrReply(req, parent, &dir)) return;
  const std::string path = JoinPath(dir, name);
  if (fs.WritingSize(path)) {
    return fs.ReplyError(req, path,
                         Status(ErrorCode::kUnsupported, "unlink of a file still being written"));
  }
  Result<PathAttr> attr = fs.names_.Stat(path);
  if (!attr.ok()) return fs.ReplyError(req, path, attr.status());
  if (attr->is_dir) return (void)fuse_reply_err(req, EISDIR);
  Result<Done> deleted =
      Await<Done>([&](auto done) { fs.store_.Delete(fs.names_.KeyOf(path), std::move(done)); });
  if (!deleted.ok()) return fs.ReplyError(req, path, deleted.status());
  // Bytes of an earlier failed write must not come back in recovery.
  if (fs.options_.spool != nullptr) fs.options_.spool->Supersede(fs.names_.KeyOf(path), "");
  fuse_reply_err(req, 0);
}

// A closed file moves by a server-side copy and a delete: the checkpoint
// pattern (write ckpt.tmp, rename it to ckpt). Directories do not move
// (EXDEV, so mv(1) falls back to copying).
void WriteFs::Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
                     const char* newname, unsigned int flags) {
  WriteFs& fs = Of(req);
  std::string from_dir, to_dir;
  if (!fs.PathOrReply(req, parent, &from_dir) || !fs.PathOrReply(req, newparent, &to_dir)) return;
  const std::string from = JoinPath(from_dir, name);
  const std::string to = JoinPath(to_dir, newname);
  if ((flags & RENAME_EXCHANGE) != 0) return (void)fuse_reply_err(req, EINVAL);
  if (!fs.WritableOrReply(req, to)) return;
  if (fs.WritingSize(from) || fs.WritingSize(to)) {
    fs.log_.Write(LogLevel::kError, "/" + from + " -> /" + to + ": " + std::strerror(EBUSY) +
                                        ": a file of the rename is still being written");
    return (void)fuse_reply_err(req, EBUSY);
  }
  Result<PathAttr> source = fs.names_.Stat(from);
  if (!source.ok()) return fs.ReplyError(req, from, source.status());
  if (source->is_dir) return (void)fuse_reply_err(req, EXDEV);
  if ((flags & RENAME_NOREPLACE) != 0 && fs.names_.Stat(to).ok()) {
    return (void)fuse_reply_err(req, EEXIST);
  }
  CopyRequest copy{fs.names_.KeyOf(from), fs.names_.KeyOf(to)};
  Result<PutResult> copied = Await<PutResult>([&](auto done) { fs.store_.Copy(copy, done); });
  if (!copied.ok()) return fs.ReplyError(req, from, copied.status().WithContext("copy to /" + to));
  Result<Done> deleted =
      Await<Done>([&](auto done) { fs.store_.Delete(copy.source_key, std::move(done)); });
  if (!deleted.ok()) {
    return fs.ReplyError(req, from, deleted.status().WithContext("deleting after the copy"));
  }
  if (fs.options_.spool != nullptr) {
    fs.options_.spool->Supersede(copy.source_key, "");
    fs.options_.spool->Supersede(copy.destination_key, "");
  }
  fs.inodes_.Move(from, to);
  fuse_reply_err(req, 0);
}

void WriteFs::StatFs(fuse_req_t req, fuse_ino_t /*ino*/) {
  struct statvfs st {};
  st.f_bsize = 4096;
  st.f_frsize = 4096;
  st.f_blocks = st.f_bfree = st.f_bavail = 1ull << 40;  // a bucket has no stated size
  st.f_files = st.f_ffree = st.f_favail = 1ull << 32;
  st.f_namemax = 1024;
  st.f_flag = ST_NOSUID | ST_NODEV;
  fuse_reply_statfs(req, &st);
}

const fuse_lowlevel_ops& WriteFs::Operations() {
  static const fuse_lowlevel_ops ops = [] {
    fuse_lowlevel_ops o{};
    o.init = Init;
    o.lookup = Lookup;
    o.forget = Forget;
    o.forget_multi = ForgetMulti;
    o.getattr = GetAttr;
    o.setattr = SetAttr;
    o.mkdir = MkDir;
    o.rmdir = RmDir;
    o.unlink = Unlink;
    o.rename = Rename;
    o.opendir = OpenDir;
    o.readdir = ReadDir;
    o.releasedir = ReleaseDir;
    o.create = Create;
    o.open = Open;
    o.read = Read;
    o.write = Write;
    o.flush = Flush;
    o.fsync = Fsync;
    o.release = Release;
    o.statfs = StatFs;
    // Links and special files have no object form.
    o.mknod = [](fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) {
      fuse_reply_err(req, EPERM);
    };
    o.symlink = [](fuse_req_t req, const char*, fuse_ino_t, const char*) {
      fuse_reply_err(req, EPERM);
    };
    o.link = [](fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) {
      fuse_reply_err(req, EPERM);
    };
    return o;
  }();
  return ops;
}

}  // namespace shoal
