#include "engine/read/sequential_readahead.h"

#include <algorithm>

namespace shoal {

SequentialReadahead::SequentialReadahead(uint32_t max_parts, size_t max_files)
    : max_parts_(std::max<uint32_t>(1, max_parts)), max_files_(std::max<size_t>(1, max_files)) {}

SequentialReadahead::FileState& SequentialReadahead::StateOf(uint32_t entry, bool* fresh) {
  ++tick_;
  for (FileState& f : files_) {
    if (f.entry == entry) {
      f.last_tick = tick_;
      *fresh = false;
      return f;
    }
  }
  *fresh = true;
  if (files_.size() >= max_files_) {
    auto oldest = std::min_element(
        files_.begin(), files_.end(),
        [](const FileState& a, const FileState& b) { return a.last_tick < b.last_tick; });
    *oldest = FileState{entry, 0, 0, 0, tick_};
    return *oldest;
  }
  files_.push_back(FileState{entry, 0, 0, 0, tick_});
  return files_.back();
}

uint32_t SequentialReadahead::OnRead(uint32_t entry, uint64_t offset, uint64_t length,
                                     uint64_t part_size) {
  bool fresh = false;
  FileState& f = StateOf(entry, &fresh);
  const uint64_t end = offset + length;
  const uint64_t end_part = (end - 1) / part_size;
  const uint64_t distance =
      offset > f.next_offset ? offset - f.next_offset : f.next_offset - offset;
  if (fresh ? offset == 0 : distance <= part_size) {
    if (f.window == 0) {
      f.window = 1;
    } else if (end_part > f.last_part) {
      f.window = std::min(max_parts_, f.window * 2);
    }
    f.next_offset = std::max(f.next_offset, end);
    f.last_part = std::max(f.last_part, end_part);
  } else {
    f.window = 0;  // a seek: no readahead until reading is sequential again
    f.next_offset = end;
    f.last_part = end_part;
  }
  return f.window;
}

}  // namespace shoal
