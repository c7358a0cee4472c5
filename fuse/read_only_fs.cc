#include "fuse/read_only_fs.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "fuse/attributes.h"
#include "fuse/errno_map.h"
#include "fuse/pending_reply.h"

namespace shoal {
namespace {

constexpr const char* kEtagXattr = "user.shoal.etag";
constexpr const char* kKeyXattr = "user.shoal.key";

void ReplyXattr(fuse_req_t req, const std::string& value, size_t size) {
  if (size == 0) {
    fuse_reply_xattr(req, value.size());
  } else if (size < value.size()) {
    fuse_reply_err(req, ERANGE);
  } else {
    fuse_reply_buf(req, value.data(), value.size());
  }
}

}  // namespace

ReadOnlyFs& ReadOnlyFs::Of(fuse_req_t req) {
  return *static_cast<ReadOnlyFs*>(fuse_req_userdata(req));
}

void ReadOnlyFs::LogOnce(const std::string& path, const std::string& what) {
  {
    std::lock_guard lock(logged_mu_);
    if (logged_.size() >= 100000 || !logged_.insert(path).second) return;
  }
  log_.Write(LogLevel::kError, "/" + path + ": " + what);
}

bool ReadOnlyFs::ResolveOrReply(fuse_req_t req, fuse_ino_t ino,
                                std::shared_ptr<const Snapshot>* snapshot, uint32_t* entry) {
  if (snapshots_.Resolve(ino, snapshot, entry)) return true;
  fuse_reply_err(req, ESTALE);  // an inode of a snapshot no longer loaded
  return false;
}

fuse_entry_param ReadOnlyFs::EntryOf(const Snapshot& snapshot, uint32_t entry) const {
  fuse_entry_param e{};
  e.ino = SnapshotTable::InodeOf(snapshot, entry);
  e.generation = 1;
  e.attr = StatOf(*snapshot.manifest, entry, e.ino, options_);
  // An older snapshot's entries (a listing or a directory opened before a
  // refresh) are not cached: the kernel asks again and meets the new one.
  const bool current = snapshots_.IsCurrent(snapshot);
  e.attr_timeout = current ? options_.attr_timeout_seconds : 0;
  e.entry_timeout = current ? options_.entry_timeout_seconds : 0;
  return e;
}

void ReadOnlyFs::Init(void* userdata, fuse_conn_info* conn) {
  // Zero-message opens: the first open answers ENOSYS and the kernel stops
  // sending OPEN and RELEASE, two of the four round trips a small file
  // costs (LOOKUP, OPEN, READ, RELEASE). Reads then name their file by
  // inode, whose generation pins the snapshot as a handle would, and the
  // kernel keeps the page cache across opens as with keep_cache.
  static_cast<ReadOnlyFs*>(userdata)->zero_message_open_ =
      (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT) != 0;
  // Reads are answered out of order from the engine's loop.
  if (conn->capable & FUSE_CAP_ASYNC_READ) conn->want |= FUSE_CAP_ASYNC_READ;
  if (conn->capable & FUSE_CAP_READDIRPLUS) conn->want |= FUSE_CAP_READDIRPLUS;
  // Always readdirplus: attributes come free with the listing.
  conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
  if (conn->capable & FUSE_CAP_PARALLEL_DIROPS) conn->want |= FUSE_CAP_PARALLEL_DIROPS;
  // The data never changes under an inode: no invalidation on attribute
  // changes, only the explicit ones a refresh sends.
  conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
  conn->max_readahead = std::max<unsigned>(conn->max_readahead, 1u << 20);
  conn->max_background = 256;
  conn->congestion_threshold = 192;
}

void ReadOnlyFs::Lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  ReadOnlyFs& fs = Of(req);
  // Until the reply is sent, a refresh waits: it must see this reference.
  auto hold = fs.snapshots_.HoldOffInstall();
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t dir = 0;
  if (!fs.ResolveOrReply(req, parent, &snapshot, &dir)) return;
  const Manifest& m = *snapshot->manifest;
  if (!m.IsDir(dir)) {
    fuse_reply_err(req, ENOTDIR);
    return;
  }
  std::optional<uint32_t> child = m.Lookup(dir, name);
  if (!child) {
    // A negative entry: the kernel caches the miss for the timeout.
    fuse_entry_param e{};
    e.ino = 0;
    e.entry_timeout = fs.options_.negative_timeout_seconds;
    fuse_reply_entry(req, &e);
    return;
  }
  fuse_entry_param e = fs.EntryOf(*snapshot, *child);
  fs.snapshots_.Remember(snapshot, e.ino);
  if (fuse_reply_entry(req, &e) != 0) fs.snapshots_.Forget(e.ino, 1);  // interrupted
}

void ReadOnlyFs::Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  Of(req).snapshots_.Forget(ino, nlookup);
  fuse_reply_none(req);
}

void ReadOnlyFs::ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  ReadOnlyFs& fs = Of(req);
  for (size_t i = 0; i < count; ++i) fs.snapshots_.Forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void ReadOnlyFs::GetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
  ReadOnlyFs& fs = Of(req);
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
  struct stat st = StatOf(*snapshot->manifest, entry, ino, fs.options_);
  fuse_reply_attr(req, &st, fs.options_.attr_timeout_seconds);
}

void ReadOnlyFs::OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  ReadOnlyFs& fs = Of(req);
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
  if (!snapshot->manifest->IsDir(entry)) {
    fuse_reply_err(req, ENOTDIR);
    return;
  }
  // The handle pins the snapshot, so a listing spanning a refresh is consistent.
  fi->fh = reinterpret_cast<uint64_t>(new OpenDirectory{snapshot, entry});
  fi->cache_readdir = 1;
  fi->keep_cache = 1;
  fuse_reply_open(req, fi);
}

void ReadOnlyFs::ReleaseDir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  delete reinterpret_cast<OpenDirectory*>(fi->fh);
  fuse_reply_err(req, 0);
}

void ReadOnlyFs::ReadDir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off,
                         fuse_file_info* fi) {
  Of(req).ListDir(req, *reinterpret_cast<const OpenDirectory*>(fi->fh), size, off,
                  /*plus=*/false);
}

void ReadOnlyFs::ReadDirPlus(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off,
                             fuse_file_info* fi) {
  Of(req).ListDir(req, *reinterpret_cast<const OpenDirectory*>(fi->fh), size, off,
                  /*plus=*/true);
}

// Offsets: 0 is ".", 1 is "..", 2 + i is child i; each entry carries the
// offset of the next one. The listing comes from the snapshot the directory
// was opened in, so it never mixes two snapshots.
void ReadOnlyFs::ListDir(fuse_req_t req, const OpenDirectory& open, size_t size, off_t off,
                         bool plus) {
  auto hold = snapshots_.HoldOffInstall();  // readdirplus hands out references
  const std::shared_ptr<const Snapshot>& snapshot = open.snapshot;
  const uint32_t dir = open.entry;
  const Manifest& m = *snapshot->manifest;
  std::vector<char> buffer(size);
  size_t used = 0;
  const uint64_t children = m.ChildCount(dir);
  std::vector<uint64_t> referenced;
  for (auto position = static_cast<uint64_t>(off); position < children + 2; ++position) {
    std::string name;
    uint32_t entry = dir;
    if (position == 0) {
      name = ".";
    } else if (position == 1) {
      name = "..";
      entry = dir == Manifest::kRoot ? dir : m.Parent(dir);
    } else {
      entry = m.FirstChild(dir) + static_cast<uint32_t>(position - 2);
      name = std::string(m.Name(entry));
    }
    const auto next = static_cast<off_t>(position + 1);
    size_t needed = 0;
    if (plus) {
      fuse_entry_param e = EntryOf(*snapshot, entry);
      needed =
          fuse_add_direntry_plus(req, buffer.data() + used, size - used, name.c_str(), &e, next);
      if (needed > size - used) break;
      if (position >= 2) referenced.push_back(e.ino);  // "." and ".." are not references
    } else {
      struct stat st {};
      st.st_ino = SnapshotTable::InodeOf(*snapshot, entry);
      st.st_mode = m.IsDir(entry) ? S_IFDIR : S_IFREG;
      needed = fuse_add_direntry(req, buffer.data() + used, size - used, name.c_str(), &st, next);
      if (needed > size - used) break;
    }
    used += needed;
  }
  for (uint64_t r : referenced) snapshots_.Remember(snapshot, r);
  if (fuse_reply_buf(req, buffer.data(), used) != 0) {
    for (uint64_t r : referenced) snapshots_.Forget(r, 1);
  }
}

void ReadOnlyFs::Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  ReadOnlyFs& fs = Of(req);
  if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC) != 0) {
    fuse_reply_err(req, EROFS);
    return;
  }
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
  const Manifest& m = *snapshot->manifest;
  if (m.IsDir(entry)) {
    fuse_reply_err(req, EISDIR);
    return;
  }
  if (fs.zero_message_open_) return (void)fuse_reply_err(req, ENOSYS);  // see Init
  auto open = std::make_unique<OpenFile>();
  open->snapshot = snapshot;
  open->entry = entry;
  if (!snapshot->catalog->File(entry, &open->file)) {
    fuse_reply_err(req, EIO);
    return;
  }
  open->file.generation = snapshot->generation;
  fi->fh = reinterpret_cast<uint64_t>(open.release());
  fi->keep_cache = 1;  // immutable: the page cache stays valid across opens
  if (fuse_reply_open(req, fi) != 0) delete reinterpret_cast<OpenFile*>(fi->fh);
}

void ReadOnlyFs::Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  ReadOnlyFs& fs = Of(req);
  if (off < 0) {
    fuse_reply_err(req, EINVAL);
    return;
  }
  // With a handle, its file; with zero-message opens, the inode's: either
  // way the version the file was opened in.
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  FileRef file;
  if (const auto* open = reinterpret_cast<const OpenFile*>(fi->fh)) {
    snapshot = open->snapshot;
    entry = open->entry;
    file = open->file;
  } else {
    if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
    if (!snapshot->catalog->File(entry, &file)) return (void)fuse_reply_err(req, EISDIR);
    file.generation = snapshot->generation;
  }
  // The callback runs on the engine's loop thread; fuse_reply_buf is safe
  // to call from any thread. It holds the snapshot, for the path it logs.
  auto pending = std::make_shared<PendingReply>(req);
  fs.engine_.Read(file, static_cast<uint64_t>(off), size,
                  [pending, &fs, snapshot, entry](Result<std::string_view> data) {
                    fuse_req_t reply = pending->Take();
                    if (data.ok()) {
                      fuse_reply_buf(reply, data->data(), data->size());
                      return;
                    }
                    const int err = ReadErrno(data.status());
                    fs.LogOnce(snapshot->manifest->Path(entry), std::string("read failed with ") +
                                                                    std::strerror(err) + ": " +
                                                                    data.status().ToString());
                    fuse_reply_err(reply, err);
                  });
}

void ReadOnlyFs::Release(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  delete reinterpret_cast<OpenFile*>(fi->fh);
  fuse_reply_err(req, 0);
}

void ReadOnlyFs::StatFs(fuse_req_t req, fuse_ino_t /*ino*/) {
  struct statvfs st = StatfsOf(*Of(req).snapshots_.Current()->manifest);
  fuse_reply_statfs(req, &st);
}

void ReadOnlyFs::GetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  ReadOnlyFs& fs = Of(req);
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
  const Manifest& m = *snapshot->manifest;
  // NOLINTNEXTLINE(bugprone-branch-clone): a directory has no xattrs, apart from an unknown name
  if (m.IsDir(entry)) {
    fuse_reply_err(req, ENODATA);
  } else if (std::strcmp(name, kEtagXattr) == 0) {
    ReplyXattr(req, m.Etag(entry), size);
  } else if (std::strcmp(name, kKeyXattr) == 0) {
    ReplyXattr(req, m.ObjectKey(entry), size);
  } else {
    fuse_reply_err(req, ENODATA);
  }
}

void ReadOnlyFs::ListXattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  ReadOnlyFs& fs = Of(req);
  std::shared_ptr<const Snapshot> snapshot;
  uint32_t entry = 0;
  if (!fs.ResolveOrReply(req, ino, &snapshot, &entry)) return;
  std::string names;
  if (!snapshot->manifest->IsDir(entry)) {
    names.append(kEtagXattr).push_back('\0');
    names.append(kKeyXattr).push_back('\0');
  }
  ReplyXattr(req, names, size);
}

const fuse_lowlevel_ops& ReadOnlyFs::Operations() {
  static const fuse_lowlevel_ops ops = [] {
    fuse_lowlevel_ops o{};
    o.init = Init;
    o.lookup = Lookup;
    o.forget = Forget;
    o.forget_multi = ForgetMulti;
    o.getattr = GetAttr;
    o.opendir = OpenDir;
    o.readdir = ReadDir;
    o.readdirplus = ReadDirPlus;
    o.releasedir = ReleaseDir;
    o.open = Open;
    o.read = Read;
    o.release = Release;
    o.statfs = StatFs;
    o.getxattr = GetXattr;
    o.listxattr = ListXattr;
    // Every mutation: the view is a read-only snapshot.
    o.setattr = [](fuse_req_t req, fuse_ino_t, struct stat*, int, fuse_file_info*) {
      fuse_reply_err(req, EROFS);
    };
    o.mknod = [](fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) {
      fuse_reply_err(req, EROFS);
    };
    o.mkdir = [](fuse_req_t req, fuse_ino_t, const char*, mode_t) { fuse_reply_err(req, EROFS); };
    o.unlink = [](fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); };
    o.rmdir = [](fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); };
    o.symlink = [](fuse_req_t req, const char*, fuse_ino_t, const char*) {
      fuse_reply_err(req, EROFS);
    };
    o.rename = [](fuse_req_t req, fuse_ino_t, const char*, fuse_ino_t, const char*, unsigned) {
      fuse_reply_err(req, EROFS);
    };
    o.link = [](fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) {
      fuse_reply_err(req, EROFS);
    };
    o.write = [](fuse_req_t req, fuse_ino_t, const char*, size_t, off_t, fuse_file_info*) {
      fuse_reply_err(req, EROFS);
    };
    o.create = [](fuse_req_t req, fuse_ino_t, const char*, mode_t, fuse_file_info*) {
      fuse_reply_err(req, EROFS);
    };
    o.setxattr = [](fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) {
      fuse_reply_err(req, EROFS);
    };
    o.removexattr = [](fuse_req_t req, fuse_ino_t, const char*) { fuse_reply_err(req, EROFS); };
    o.fallocate = [](fuse_req_t req, fuse_ino_t, int, off_t, off_t, fuse_file_info*) {
      fuse_reply_err(req, EROFS);
    };
    return o;
  }();
  return ops;
}

}  // namespace shoal
