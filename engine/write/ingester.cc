#include "engine/write/ingester.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "engine/store/await.h"
#include "engine/write/durable_file.h"

namespace shoal {
namespace {

std::string UtcStamp(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  (void)std::strftime(out, sizeof(out), "%Y%m%dT%H%M%SZ", &tm);  // 16 characters fit
  return out;
}

Result<std::string> ReadAt(int fd, uint64_t offset, uint64_t length, const std::string& path) {
  std::string out(length, '\0');
  size_t got = 0;
  while (got < length) {
    const ssize_t n = ::pread(fd, out.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0) return ErrnoStatus("read " + path, errno);
    if (n == 0) return Status(ErrorCode::kIoError, path + " is shorter than the journal says");
    got += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace

Ingester::Ingester(ObjectStore& store, ObjectAppender& appender, IngestOptions options,
                   LogSink& log)
    : store_(store), appender_(appender), options_(std::move(options)), log_(log) {}

Status Ingester::AddSource(const std::string& path, const std::string& name) {
  Source source;
  source.path = path;
  source.name = name;
  source.id = path == "-" ? "-:" + name : path;
  // A name becomes one key segment: every object of the source is
  // PREFIX/NAME/<stamp>-<seq>.log, so it must be a plain segment, and two
  // sources sharing one would append into each other's objects.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      std::any_of(name.begin(), name.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return Status(ErrorCode::kInvalidArgument,
                  "source " + path + ": '" + name +
                      "' cannot name its objects (one path segment, no '/' or control characters)");
  }
  const auto other = std::find_if(sources_.begin(), sources_.end(), [&](const Source& s) {
    return s.id == source.id || s.name == name;
  });
  if (other != sources_.end() && other->id == source.id) {
    return Status(ErrorCode::kInvalidArgument, "source " + path + " is given twice");
  }
  if (other != sources_.end()) {
    return Status(ErrorCode::kInvalidArgument,
                  "sources " + other->path + " and " + path + " would both write under '" + name +
                      "/'; ingest them separately with --name, or rename one");
  }
  if (path == "-") {
    source.fd = UniqueFd(::dup(STDIN_FILENO));
  } else {
    source.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  }
  if (!source.fd.valid()) return ErrnoStatus("open " + path, errno);
  sources_.push_back(std::move(source));
  return Status::Ok();
}

IngestSourceState& Ingester::StateOf(const Source& source) {
  if (IngestSourceState* state = journal_.Find(source.id)) return *state;
  IngestSourceState fresh;
  fresh.source = source.id;
  journal_.sources.push_back(fresh);
  return journal_.sources.back();
}

Status Ingester::Resume() {
  const std::string lock_path = options_.journal_path + ".lock";
  journal_lock_ = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!journal_lock_.valid()) return ErrnoStatus("open " + lock_path, errno);
  if (::flock(journal_lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "journal " + options_.journal_path + " is in use by another shoal ingest");
  }
  Result<IngestJournal> loaded = LoadIngestJournal(options_.journal_path);
  if (!loaded.ok()) return loaded.status();
  journal_ = std::move(*loaded);
  for (const Source& source : sources_) {
    IngestSourceState& state = StateOf(source);
    if (source.path == "-") state.source_offset = 0;  // a new stdin starts anew
    if (state.pending) {
      if (Status s = Settle(source, state); !s.ok()) return s;
    }
  }
  return SaveIngestJournal(options_.journal_path, journal_);
}

// An append was in flight when the writer stopped: the object's length says
// whether it landed.
Status Ingester::Settle(const Source& source, IngestSourceState& state) {
  Result<uint64_t> current = ObjectLength(store_, state.object_key);
  if (!current.ok()) return current.status();
  const uint64_t length = *current;
  if (length == state.object_position) {
    std::string data = state.pending_data;
    if (source.path != "-") {
      Result<std::string> read =
          ReadAt(source.fd.get(), state.source_offset, state.pending_length, source.path);
      if (!read.ok()) return read.status();
      data = std::move(*read);
    }
    Result<uint64_t> appended = appender_.Append(state.object_key, state.object_position, data);
    if (!appended.ok()) return appended.status();
  } else if (length != state.object_position + state.pending_length) {
    return Status(ErrorCode::kPositionMismatch,
                  state.object_key + " is " + std::to_string(length) +
                      " bytes long; the journal expected " + std::to_string(state.object_position) +
                      " or " + std::to_string(state.object_position + state.pending_length) +
                      ": it was changed by someone else");
  }
  if (source.path != "-") state.source_offset += state.pending_length;
  state.object_position += state.pending_length;
  state.pending = false;
  state.pending_length = 0;
  state.pending_data.clear();
  log_.Write(LogLevel::kInfo, "resumed " + source.path + " into " + state.object_key);
  return Status::Ok();
}

Status Ingester::ReadMore(Source& source) {
  const IngestSourceState& state = StateOf(source);
  if (source.buffer.size() >= options_.max_chunk) return Status::Ok();
  const size_t want = options_.max_chunk - source.buffer.size();
  std::string chunk(want, '\0');
  ssize_t n = 0;
  if (source.path == "-") {
    pollfd p{source.fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return Status::Ok();
    n = ::read(source.fd.get(), chunk.data(), want);
  } else {
    n = ::pread(source.fd.get(), chunk.data(), want,
                static_cast<off_t>(state.source_offset + source.buffer.size()));
  }
  if (n < 0) return ErrnoStatus("read " + source.path, errno);
  if (n == 0) {
    struct stat st {};
    if (source.path != "-" && ::fstat(source.fd.get(), &st) == 0 &&
        static_cast<uint64_t>(st.st_size) < state.source_offset + source.buffer.size()) {
      return Status(ErrorCode::kInvalidArgument,
                    source.path + " is " + std::to_string(st.st_size) +
                        " bytes, shorter than the " +
                        std::to_string(state.source_offset + source.buffer.size()) +
                        " already read: it was truncated or rotated; start a new journal for it");
    }
    source.at_end = true;
    return Status::Ok();
  }
  source.at_end = false;
  if (source.buffer.empty()) source.buffered_since = Clock::now();
  source.buffer.append(chunk.data(), static_cast<size_t>(n));
  return Status::Ok();
}

void Ingester::Roll(const Source& source, IngestSourceState& state) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const bool full = state.object_position >= options_.roll_bytes;
  const bool old = now - state.object_started >= options_.roll_seconds;
  if (!state.object_key.empty() && !full && !old) return;
  ++state.sequence;
  char seq[16];
  std::snprintf(seq, sizeof(seq), "%06llu", static_cast<unsigned long long>(state.sequence));
  state.object_key = options_.prefix + source.name + "/" + UtcStamp(now) + "-" + seq + ".log";
  state.object_position = 0;
  state.object_started = now;
  ++stats_.objects;
}

// Appends the buffer, in pieces that fill the current object exactly to
// --roll-bytes before the next one starts.
Status Ingester::Flush(Source& source) {
  while (!source.buffer.empty()) {
    IngestSourceState& state = StateOf(source);
    Roll(source, state);
    const uint64_t room =
        options_.roll_bytes - std::min(state.object_position, options_.roll_bytes);
    const size_t take = static_cast<size_t>(std::min<uint64_t>(source.buffer.size(), room));
    const std::string_view piece(source.buffer.data(), take);
    state.pending = true;
    state.pending_length = take;
    if (source.path == "-") state.pending_data = std::string(piece);
    if (Status s = SaveIngestJournal(options_.journal_path, journal_); !s.ok()) return s;
    Result<uint64_t> appended = appender_.Append(state.object_key, state.object_position, piece);
    if (!appended.ok()) {
      // Settled on the next try, or by the next run: the intent is journaled.
      return appended.status().WithContext("appending " + source.path);
    }
    if (source.path != "-") state.source_offset += take;
    state.object_position += take;
    state.pending = false;
    state.pending_length = 0;
    state.pending_data.clear();
    stats_.bytes += take;
    ++stats_.appends;
    source.buffer.erase(0, take);
    if (Status s = SaveIngestJournal(options_.journal_path, journal_); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Ingester::Run(const std::atomic<bool>& stop) {
  const auto flush_after = std::chrono::duration<double>(options_.flush_seconds);
  for (;;) {
    const bool stopping = stop.load();
    bool all_done = true;
    bool progress = false;
    for (Source& source : sources_) {
      IngestSourceState& state = StateOf(source);
      if (state.pending) {  // a failed append: settle it before anything else
        if (Status s = Settle(source, state); !s.ok()) return s;
      }
      const size_t before = source.buffer.size();
      if (Status s = ReadMore(source); !s.ok()) return s;
      progress |= source.buffer.size() != before;
      const bool due =
          !source.buffer.empty() && (source.buffer.size() >= options_.max_chunk || stopping ||
                                     (source.at_end && (!options_.follow || source.path == "-")) ||
                                     Clock::now() - source.buffered_since >= flush_after);
      if (due) {
        if (Status s = Flush(source); !s.ok()) return s;
      }
      const bool finished =
          source.at_end && source.buffer.empty() && (!options_.follow || source.path == "-");
      all_done &= finished;
    }
    if (stopping || all_done) return Status::Ok();
    if (!progress) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace shoal
