// RecoverSpool: finishes what a crashed writer left in its spool.
//
// For every leftover entry, in the order they were created. An append entry
// appends what did not land yet (the object's length says how much did).
// For a replaced object: multipart uploads still pending for its key are
// aborted (a crash can leave one
// between CreateMultipart and Complete, and its id may never have reached
// the disk), then the spooled bytes are uploaded again from the spool and
// the entry removed. Replaying is idempotent: uploading the same bytes
// twice gives the same object, so a crash after the commit but before the
// entry was removed duplicates nothing. Entries that fail stay for the
// next attempt, and the report says why.
//
// Blocking; call before the writer accepts new files.
#pragma once

#include <string>
#include <vector>

#include "engine/base/log_sink.h"
#include "engine/write/object_appender.h"
#include "engine/write/object_writer.h"
#include "engine/write/spool.h"

namespace shoal {

struct RecoveryReport {
  int recovered = 0;                  // objects committed from the spool
  int failed = 0;                     // entries left for the next attempt
  int aborted_uploads = 0;            // pending multipart uploads aborted
  uint64_t bytes = 0;                 // bytes uploaded from the spool
  std::vector<std::string> problems;  // one line each: failures and unreadable entries

  bool ok() const { return failed == 0 && problems.empty(); }
};

// `prefix_filter`, if not empty, is a key prefix the entries must have: a
// spool used for another prefix is refused rather than written elsewhere.
// Spooled appends finish with `append`, the strategy the writer was using.
RecoveryReport RecoverSpool(ObjectStore& store, Spool& spool, const ObjectWriterOptions& options,
                            AppendStrategy append, const std::string& prefix_filter, LogSink& log);

}  // namespace shoal
