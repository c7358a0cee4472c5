// The disk cache's two file operations, as chains of io_uring system calls
// (engine/loop/uring_file.h), so a slow disk never blocks the loop thread.
//
// WriteEntryFile makes an entry appear atomically: it writes a new
// temporary file and renames it over the final name, so a reader sees the
// old state or the whole new file, never a partial one. There is no fsync:
// after a power loss the renamed file may still lack its data blocks, which
// the entry checksums detect (engine/cache/cache_entry_format.h).
//
// Threading: call on the loop thread; `done` runs there, exactly once,
// unless the loop stops first. Then `done` never runs, any open descriptor
// is closed by its owner's destructor (UniqueFd), and a temporary file may
// be left behind for the next open to remove.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/base/result.h"
#include "engine/loop/event_loop.h"

namespace shoal::cache_io {

// Writes `header` then `data` to a new file at `tmp_path` (O_EXCL), closes
// it and renames it to `final_path`. `done` gets 0 or -errno; on failure the
// temporary file has been removed by the time it runs. Once `owner` has expired the chain stops
// at its next step, removes the temporary file and reports -ECANCELED; a
// rename already submitted still completes, and reports 0.
void WriteEntryFile(EventLoop& loop, std::string tmp_path, std::string final_path,
                    std::shared_ptr<const std::string> header,
                    std::shared_ptr<const std::string> data, std::weak_ptr<const void> owner,
                    std::function<void(int)> done);

// Reads the whole file at `path`. Fails with kNotFound if it does not exist,
// kCorrupt if it is larger than `max_bytes` (the size the cache indexed: a
// file that grew was changed by someone else), kIoError otherwise.
void ReadEntryFile(EventLoop& loop, std::string path, uint64_t max_bytes,
                   std::function<void(Result<std::string>)> done);

}  // namespace shoal::cache_io
