// Small local files the write path must never lose or tear: spool records,
// append progress, the ingest journal. Blocking system calls.
//
// WriteFileDurably writes a temporary file next to `path`, fsyncs it,
// renames it over `path` and fsyncs the directory, so after a crash the
// file is either wholly old or wholly new. Errors name the file; a full
// disk or quota is kNoSpace, anything else kIoError. (The manifest writer
// in index/ has its own atomic write, without the directory fsync a
// snapshot file does not need.)
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal {

Status WriteFileDurably(const std::string& path, std::string_view bytes);
Result<std::string> ReadWholeFile(const std::string& path);
// errno as a Status: ENOSPC and EDQUOT are kNoSpace, others kIoError.
Status ErrnoStatus(const std::string& what, int err);

}  // namespace shoal
