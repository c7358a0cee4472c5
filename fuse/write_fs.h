// WriteFs: the libfuse low-level operations of the write mount, where
// checkpoints and logs are written as whole objects, sequentially.
//
// Names come from the bucket (BucketNamespace) plus the files being written
// here. create, or open with O_TRUNC, starts a WriteSession: bytes must
// arrive in order and stream up as multipart parts while they are written;
// flush (every close) and fsync commit the object. A second writer on a path
// gets EBUSY, a write at the wrong offset EINVAL, an open for writing
// without O_TRUNC or O_APPEND EOPNOTSUPP, a truncate to anything but 0
// EOPNOTSUPP, a new name that an index would skip or rename (a control
// character, invalid UTF-8, a name over 255 bytes) EINVAL or ENAMETOOLONG;
// each is logged with the path. O_APPEND adds to the object
// (AppendSession: the server's native append, or the copy strategy). rename of a
// closed file is a server-side copy plus delete (the checkpoint pattern),
// unlink deletes the object, mkdir is virtual. Reads of committed objects
// are answered asynchronously from ranged GETs.
//
// Write handles use direct_io, so the kernel passes writes through exactly
// as the application made them, and never serves stale pages.
//
// Threading: operations run on FUSE worker threads; state is guarded. The
// object must outlive the session it is registered with.
#pragma once

#include <fuse_lowlevel.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/base/log_sink.h"
#include "engine/write/append_session.h"
#include "engine/write/spool.h"
#include "engine/write/write_session.h"
#include "fuse/bucket_namespace.h"
#include "fuse/path_inodes.h"
#include "fuse/view_options.h"

namespace shoal {

struct WriteFsOptions {
  ViewOptions view;            // ownership and timeouts (short: others write too)
  ObjectWriterOptions writer;  // part size, parts in flight
  Spool* spool = nullptr;      // null: durability "memory"
  AppendStrategy append = AppendStrategy::kAuto;
};

class WriteFs {
 public:
  WriteFs(ObjectStore& store, std::string prefix, WriteFsOptions options, LogSink& log);

  static const fuse_lowlevel_ops& Operations();

 private:
  // One file being written, shared by the handles that write it: one for a
  // replaced file, any number of O_APPEND handles for a log.
  struct OpenWrite {
    std::mutex mu;
    std::unique_ptr<FileSession> session;  // guarded by mu
    std::string path;
    bool append = false;
    int handles = 0;  // guarded by WriteFs::writing_mu_
    // Mirrors of the session's state, readable without waiting for `mu`
    // (which a commit holds for as long as its upload takes).
    std::atomic<bool> committed{false};
    std::atomic<uint64_t> size{0};
    void Refresh() {  // call with `mu` held, after changing the session
      committed = session->committed();
      size = session->size();
    }
  };
  struct Handle {
    std::string path;
    std::shared_ptr<OpenWrite> write;  // null for a read-only handle
    pid_t opener = 0;                  // the process that opened it
  };

  static WriteFs& Of(fuse_req_t req);
  bool PathOrReply(fuse_req_t req, fuse_ino_t ino, std::string* path);
  fuse_entry_param EntryOf(const std::string& path, const PathAttr& attr);
  struct stat StatOf(uint64_t ino, const PathAttr& attr) const;
  // Being written: a replaced file until it is committed, a log while a
  // handle appends to it. Call with writing_mu_ held.
  static bool IsActive(const OpenWrite& write);
  std::shared_ptr<OpenWrite> ActiveWrite(const std::string& path);
  // The write of `path` in any state (committed, release pending), or null.
  std::shared_ptr<OpenWrite> AnyWrite(const std::string& path);
  // The size of `path` if it is being written here.
  std::optional<uint64_t> WritingSize(const std::string& path);
  Result<PathAttr> AttrOf(const std::string& path);
  // Starts writing `path`: replacing it, or appending to its first
  // `*append_base` bytes (joining a log other handles append to). EBUSY if
  // it is being written otherwise. `create`: the file is new.
  int StartWrite(const std::string& path, std::optional<uint64_t> append_base, bool create,
                 std::shared_ptr<OpenWrite>* out);
  void ReplyError(fuse_req_t req, const std::string& path, const Status& status);
  // Refuses a new name whose key an index would skip or rename (EINVAL, or
  // ENAMETOOLONG), logging why; true if the name may be created.
  bool WritableOrReply(fuse_req_t req, const std::string& path);
  int Commit(OpenWrite& write);

  static void Init(void* userdata, fuse_conn_info* conn);
  static void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
  static void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets);
  static void GetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void SetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set,
                      fuse_file_info* fi);
  static void MkDir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
  static void RmDir(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void Unlink(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
                     const char* newname, unsigned int flags);
  static void OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void ReadDir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
  static void ReleaseDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode,
                     fuse_file_info* fi);
  static void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
  static void Write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
                    fuse_file_info* fi);
  static void Flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void Fsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi);
  static void Release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void StatFs(fuse_req_t req, fuse_ino_t ino);

  ObjectStore& store_;
  BucketNamespace names_;
  const WriteFsOptions options_;
  LogSink& log_;
  ObjectAppender appender_;
  PathInodes inodes_;
  std::mutex writing_mu_;
  std::unordered_map<std::string, std::shared_ptr<OpenWrite>> writing_;  // by path; writing_mu_
};

}  // namespace shoal
