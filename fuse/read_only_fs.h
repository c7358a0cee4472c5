// ReadOnlyFs: the libfuse low-level operations of the read-only view.
//
// Metadata (lookup, getattr, readdir, readdirplus, statfs, xattrs) is
// answered from the manifest in memory and never reaches the object store.
// A read hands the request to the engine and returns at once; the engine's
// completion, on its loop thread, replies with fuse_reply_buf. So no FUSE
// thread ever waits for the network, and a few threads serve thousands of
// concurrent reads. Every mutation returns EROFS. Where the kernel offers
// zero-message opens, files are opened without a round trip to us (see
// Init), so a small file costs a LOOKUP and a READ.
//
// Lookup counts follow libfuse's contract (passthrough_hp is the model):
// every successful lookup reply and every readdirplus entry is one
// reference, released by forget/forget_multi; SnapshotTable keeps them, so
// an old snapshot is released once the kernel forgets its last inode.
// Engine errors become errno here and only here, logged once per path.
//
// Threading: the operations run on FUSE worker threads and are thread-safe;
// the object must outlive the session it is registered with.
#pragma once

#include <fuse_lowlevel.h>

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_set>

#include "engine/base/log_sink.h"
#include "engine/read/read_engine.h"
#include "fuse/snapshot_table.h"
#include "fuse/view_options.h"

namespace shoal {

class ReadOnlyFs {
 public:
  ReadOnlyFs(SnapshotTable& snapshots, ReadEngine& engine, ViewOptions options, LogSink& log)
      : snapshots_(snapshots), engine_(engine), options_(options), log_(log) {}

  // The operations table; pass `this` as the session's userdata.
  static const fuse_lowlevel_ops& Operations();

 private:
  struct OpenFile {
    std::shared_ptr<const Snapshot> snapshot;  // the version this handle reads
    uint32_t entry = 0;
    FileRef file;
  };

  struct OpenDirectory {
    std::shared_ptr<const Snapshot> snapshot;  // the version this listing shows
    uint32_t entry;
  };

  static ReadOnlyFs& Of(fuse_req_t req);
  // Resolves `ino`, or replies ESTALE and returns false.
  bool ResolveOrReply(fuse_req_t req, fuse_ino_t ino, std::shared_ptr<const Snapshot>* snapshot,
                      uint32_t* entry);
  fuse_entry_param EntryOf(const Snapshot& snapshot, uint32_t entry) const;
  void LogOnce(const std::string& path, const std::string& what);

  static void Init(void* userdata, fuse_conn_info* conn);
  static void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
  static void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
  static void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets);
  static void GetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void OpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void ReadDir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
  static void ReadDirPlus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                          fuse_file_info* fi);
  static void ReleaseDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
  static void Release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
  static void StatFs(fuse_req_t req, fuse_ino_t ino);
  static void GetXattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size);
  static void ListXattr(fuse_req_t req, fuse_ino_t ino, size_t size);
  void ListDir(fuse_req_t req, const OpenDirectory& open, size_t size, off_t off, bool plus);

  SnapshotTable& snapshots_;
  ReadEngine& engine_;
  const ViewOptions options_;
  LogSink& log_;
  std::atomic<bool> zero_message_open_{false};  // set by Init
  std::mutex logged_mu_;
  std::unordered_set<std::string> logged_;  // guarded by logged_mu_
};

}  // namespace shoal
