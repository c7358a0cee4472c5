// FileSession: one file open for writing through the write mount, whatever
// the object strategy behind it: WriteSession (a new or replaced object,
// streamed as a multipart upload) or AppendSession (bytes added to an
// existing object). The FUSE layer talks only to this.
//
// Offsets are file offsets: a write must start where the file ends (size()),
// or it is refused with kInvalidArgument. Commit makes every byte written so
// far visible in the bucket; Close is called when the last handle goes.
// Threading: one caller at a time. Blocking: never on an event-loop thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/status.h"

namespace shoal {

class FileSession {
 public:
  virtual ~FileSession() = default;
  virtual Status Write(uint64_t offset, std::string_view bytes) = 0;
  virtual Status Truncate(uint64_t size) = 0;
  virtual Status Commit() = 0;
  virtual void Close() = 0;
  virtual const std::string& key() const = 0;
  virtual uint64_t size() const = 0;   // the file's length, committed or not
  virtual bool committed() const = 0;  // nothing written since the last commit
  virtual bool has_spool() const = 0;
};

}  // namespace shoal
