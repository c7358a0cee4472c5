// Ingester: `shoal ingest`: tails growing local files (or stdin) and appends
// them to objects under a prefix, for time-series logs.
//
// Each source fills one object at a time, <prefix><name>/<UTC start>-<seq>.log,
// and rolls to a new one after --roll-bytes or --roll-seconds. Bytes read are
// appended at least every --flush-seconds (sooner when a chunk fills), so at
// most that much is ever unflushed. Every append goes through the journal
// (IngestJournal): intent first, then the new offsets, and a restart settles
// a pending intent by the object's length before reading on, so nothing is
// missed or duplicated across crashes. A file is re-read from its journaled
// offset; stdin's pending bytes are kept in the journal itself.
//
// Threading: one thread runs it; blocking (files, the store, sleeps).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/log_sink.h"
#include "engine/base/unique_fd.h"
#include "engine/write/ingest_journal.h"
#include "engine/write/object_appender.h"

namespace shoal {

struct IngestOptions {
  std::string prefix;  // "" or ending in '/'
  uint64_t roll_bytes = 64ull << 20;
  int64_t roll_seconds = 3600;
  double flush_seconds = 5;
  uint64_t max_chunk = 8ull << 20;  // the largest single append
  bool follow = true;               // keep tailing files at their end
  std::string journal_path;
};

struct IngestStats {
  uint64_t bytes = 0;  // appended by this run
  uint64_t appends = 0;
  uint64_t objects = 0;  // started by this run
};

class Ingester {
 public:
  Ingester(ObjectStore& store, ObjectAppender& appender, IngestOptions options, LogSink& log);

  // A file to tail, or "-" for stdin; `name` names its objects. A source
  // given twice is refused.
  Status AddSource(const std::string& path, const std::string& name);
  // Locks and loads the journal and settles appends a crash interrupted.
  Status Resume();
  // Runs until `stop` (then flushes everything read) or, without follow,
  // until every source is at its end.
  Status Run(const std::atomic<bool>& stop);
  const IngestStats& stats() const { return stats_; }

 private:
  struct Source {
    std::string path;  // "-" for stdin
    std::string name;
    std::string id;  // in the journal: the path, or "-:<name>" for stdin
    UniqueFd fd;
    std::string buffer;  // read, not yet appended
    std::chrono::steady_clock::time_point buffered_since;
    bool at_end = false;
  };
  using Clock = std::chrono::steady_clock;

  IngestSourceState& StateOf(const Source& source);
  Status ReadMore(Source& source);
  Status Flush(Source& source);
  Status Settle(const Source& source, IngestSourceState& state);
  void Roll(const Source& source, IngestSourceState& state);

  ObjectStore& store_;
  ObjectAppender& appender_;
  const IngestOptions options_;
  LogSink& log_;
  std::vector<Source> sources_;
  IngestJournal journal_;
  UniqueFd journal_lock_;  // flock()ed: one ingest per journal
  IngestStats stats_;
};

}  // namespace shoal
