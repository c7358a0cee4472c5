#include "fuse/attributes.h"

namespace shoal {

struct stat MakeStat(uint64_t ino, bool is_dir, uint64_t size, int64_t mtime,
                     const ViewOptions& options) {
  struct stat st {};
  st.st_ino = ino;
  st.st_uid = options.uid;
  st.st_gid = options.gid;
  st.st_nlink = 1;
  st.st_mode = is_dir ? S_IFDIR | (0777 & ~options.umask) : S_IFREG | (0666 & ~options.umask);
  st.st_size = static_cast<off_t>(size);
  st.st_blksize = 4096;
  st.st_blocks = static_cast<blkcnt_t>((size + 511) / 512);
  st.st_mtim.tv_sec = mtime;
  st.st_ctim.tv_sec = mtime;
  st.st_atim.tv_sec = mtime;
  return st;
}

struct stat StatOf(const Manifest& manifest, uint32_t entry, uint64_t ino,
                   const ViewOptions& options) {
  const EntryAttr attr = manifest.GetAttr(entry);
  return MakeStat(ino, attr.is_dir, attr.is_dir ? 0 : attr.size, attr.mtime, options);
}

struct statvfs StatfsOf(const Manifest& manifest) {
  struct statvfs st {};
  st.f_bsize = 4096;
  st.f_frsize = 4096;
  st.f_blocks = (manifest.total_bytes() + 4095) / 4096;
  st.f_bfree = 0;
  st.f_bavail = 0;
  st.f_files = manifest.entry_count();
  st.f_ffree = 0;
  st.f_favail = 0;
  st.f_namemax = 1024;
  st.f_flag = ST_RDONLY | ST_NOSUID | ST_NODEV;
  return st;
}

}  // namespace shoal
