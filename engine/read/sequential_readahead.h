// SequentialReadahead: how many parts to fetch ahead inside one large file.
//
// After mountpoint-s3's prefetcher: the window starts at one part once a
// file is read sequentially, doubles up to
// a maximum each time the reader moves into a new part, and collapses to nothing on a seek, so
// random access pays for no readahead. A read counts as sequential when it starts within one part
// of where the previous read ended, either way: small forward skips, and
// the slightly reordered reads that parallel FUSE threads deliver, keep the
// window. Pure bookkeeping for a bounded number of files (least recently
// read forgotten first); single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shoal {

class SequentialReadahead {
 public:
  SequentialReadahead(uint32_t max_parts, size_t max_files = 256);

  // A read of [offset, offset + length) of file `entry`, whose parts are
  // `part_size` bytes. Returns how many parts after the read's last part
  // should be fetched ahead.
  uint32_t OnRead(uint32_t entry, uint64_t offset, uint64_t length, uint64_t part_size);

 private:
  struct FileState {
    uint32_t entry = 0;
    uint64_t next_offset = 0;
    uint32_t window = 0;
    uint64_t last_part = 0;  // the last part a read reached
    uint64_t last_tick = 0;
  };
  FileState& StateOf(uint32_t entry, bool* fresh);

  const uint32_t max_parts_;
  const size_t max_files_;
  std::vector<FileState> files_;
  uint64_t tick_ = 0;
};

}  // namespace shoal
