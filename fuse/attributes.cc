#include "fuse/attributes.h"

namespace shoal {

struct stat StatOf(const Manifest& manifest, uint32_t entry, uint64_t ino,
                   const ViewOptions& options) {
  struct stat st {};
  const EntryAttr attr = manifest.GetAttr(entry);
  st.st_ino = ino;
  st.st_uid = options.uid;
  st.st_gid = options.gid;
  st.st_nlink = 1;
  if (attr.is_dir) {
    st.st_mode = S_IFDIR | (0777 & ~options.umask);
    st.st_size = 0;  // so that du -sb of the mount is exactly the snapshot's bytes
  } else {
    st.st_mode = S_IFREG | (0666 & ~options.umask);
    st.st_size = static_cast<off_t>(attr.size);
  }
  st.st_blksize = 4096;
  st.st_blocks = static_cast<blkcnt_t>((attr.size + 511) / 512);
  st.st_mtim.tv_sec = attr.mtime;
  st.st_ctim.tv_sec = attr.mtime;
  st.st_atim.tv_sec = attr.mtime;
  return st;
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
