#include "engine/write/recovery.h"

#include "engine/store/await.h"
#include "engine/write/append_session.h"
#include "engine/write/pending_uploads.h"
#include "engine/write/write_session.h"

namespace shoal {
namespace {

Status RecoverEntry(ObjectStore& store, SpoolEntry& entry, const ObjectWriterOptions& options,
                    AppendStrategy append, RecoveryReport& report) {
  const SpoolRecord& record = entry.record();
  if (record.mode == SpoolRecord::Mode::kAppend) {
    // Appends are positional: what landed before the crash is skipped.
    Result<uint64_t> length = ObjectLength(store, record.key);
    if (!length.ok()) return length.status();
    ObjectAppender appender(store, append, options);
    if (Status s = FinishSpooledAppend(appender, entry, *length); !s.ok()) {
      return s;
    }
    report.bytes += entry.size();
    return entry.Remove();
  }
  Result<int> aborted = AbortPendingUploads(store, record.key);
  if (!aborted.ok()) return aborted.status().WithContext("aborting pending uploads");
  report.aborted_uploads += *aborted;
  Result<PutResult> put = UploadFromSpool(store, record.key, entry, options);
  if (!put.ok()) return put.status();
  report.bytes += entry.size();
  return entry.Remove();
}

}  // namespace

RecoveryReport RecoverSpool(ObjectStore& store, Spool& spool, const ObjectWriterOptions& options,
                            AppendStrategy append, const std::string& prefix_filter, LogSink& log) {
  RecoveryReport report;
  Result<Spool::Leftovers> leftovers = spool.TakeLeftovers();
  if (!leftovers.ok()) {
    report.problems.push_back(leftovers.status().ToString());
    return report;
  }
  for (const std::string& problem : leftovers->unreadable) {
    report.problems.push_back(problem + " (kept in the spool)");
  }
  for (const std::unique_ptr<SpoolEntry>& entry : leftovers->entries) {
    const std::string& key = entry->record().key;
    Status s =
        key.compare(0, prefix_filter.size(), prefix_filter) == 0
            ? RecoverEntry(store, *entry, options, append, report)
            : Status(ErrorCode::kInvalidArgument, "the key is outside " + prefix_filter +
                                                      "; this spool belongs to another prefix");
    if (s.ok()) {
      ++report.recovered;
      log.Write(LogLevel::kInfo, "recovered " + key + " (" + std::to_string(entry->size()) +
                                     " bytes) from the spool");
    } else {
      ++report.failed;
      report.problems.push_back(key + ": " + s.ToString() + " (kept in the spool)");
    }
  }
  for (const std::string& problem : report.problems) log.Write(LogLevel::kError, problem);
  return report;
}

}  // namespace shoal
