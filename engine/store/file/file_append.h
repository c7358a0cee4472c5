// Appending to a file:// object: the native form of ObjectStore::Append.
//
// The file is opened (created only for position 0) and locked with
// flock(LOCK_EX), so concurrent appends to it run one at a time; the data is
// written only if the file's size still equals the position, otherwise the
// answer is kPositionMismatch and the file is untouched. A lock taken on a
// file that a Put or Delete replaced meanwhile is dropped and the append
// starts over on what the key names now. A failed write truncates the file
// back to the position, so an append lands whole or not at all, short of a
// crash in the middle; a concurrent reader may see the tail of an append in
// progress, but bytes before the position never change. Like Put, nothing is
// fsynced. file:// has no "normal" objects: any file can be appended to.
#pragma once

#include <string>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal::file_store {

// Appends `request.data` to the file at `path`, whose parent directory
// exists; `request.key` only names it in messages.
Result<AppendResult> AppendToFile(const std::string& path, const AppendRequest& request);

}  // namespace shoal::file_store
