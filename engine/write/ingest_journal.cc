#include "engine/write/ingest_journal.h"

#include <unistd.h>
#include <xxhash.h>

#include <cerrno>

#include "engine/base/little_endian.h"
#include "engine/write/durable_file.h"

namespace shoal {
namespace {

constexpr std::string_view kMagic = "SHOALIJ1";
constexpr uint64_t kVersion = 1;

Status Corrupt(const std::string& why) {
  return Status(ErrorCode::kCorrupt, "ingest journal: " + why);
}

void PutField(std::string& out, std::string_view field) {
  AppendLe(out, field.size(), 8);
  out.append(field);
}

// Reads fields in order; any shortfall marks the reader failed.
class FieldReader {
 public:
  explicit FieldReader(std::string_view in) : in_(in) {}
  uint64_t U64() {
    if (in_.size() - at_ < 8) return Fail();
    const uint64_t v = GetLe(in_, at_, 8);
    at_ += 8;
    return v;
  }
  std::string Bytes() {
    const uint64_t length = U64();
    if (failed_ || in_.size() - at_ < length) {
      Fail();
      return {};
    }
    std::string out(in_.substr(at_, length));
    at_ += length;
    return out;
  }
  bool ok() const { return !failed_; }
  bool done() const { return at_ == in_.size(); }

 private:
  uint64_t Fail() {
    failed_ = true;
    at_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t at_ = 0;
  bool failed_ = false;
};

}  // namespace

IngestSourceState* IngestJournal::Find(const std::string& source) {
  for (IngestSourceState& state : sources) {
    if (state.source == source) return &state;
  }
  return nullptr;
}

std::string EncodeIngestJournal(const IngestJournal& journal) {
  std::string out(kMagic);
  AppendLe(out, kVersion, 8);
  AppendLe(out, journal.sources.size(), 8);
  for (const IngestSourceState& s : journal.sources) {
    PutField(out, s.source);
    AppendLe(out, s.source_offset, 8);
    PutField(out, s.object_key);
    AppendLe(out, s.object_position, 8);
    AppendLe(out, static_cast<uint64_t>(s.object_started), 8);
    AppendLe(out, s.sequence, 8);
    AppendLe(out, s.pending ? 1 : 0, 8);
    AppendLe(out, s.pending_length, 8);
    PutField(out, s.pending_data);
  }
  AppendLe(out, XXH3_64bits(out.data(), out.size()), 8);
  return out;
}

Result<IngestJournal> DecodeIngestJournal(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 24 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Corrupt("not an ingest journal (bad magic or too short)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (XXH3_64bits(body.data(), body.size()) != GetLe(bytes, body.size(), 8)) {
    return Corrupt("checksum mismatch (a torn or damaged write)");
  }
  FieldReader in(body.substr(kMagic.size()));
  if (in.U64() != kVersion) return Corrupt("unknown version");
  IngestJournal journal;
  const uint64_t count = in.U64();
  for (uint64_t i = 0; i < count && in.ok(); ++i) {
    IngestSourceState s;
    s.source = in.Bytes();
    s.source_offset = in.U64();
    s.object_key = in.Bytes();
    s.object_position = in.U64();
    s.object_started = static_cast<int64_t>(in.U64());
    s.sequence = in.U64();
    s.pending = in.U64() != 0;
    s.pending_length = in.U64();
    s.pending_data = in.Bytes();
    journal.sources.push_back(std::move(s));
  }
  if (!in.ok() || !in.done()) return Corrupt("fields do not fit the file");
  return journal;
}

Result<IngestJournal> LoadIngestJournal(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return IngestJournal{};
  Result<std::string> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<IngestJournal> journal = DecodeIngestJournal(*bytes);
  if (!journal.ok()) return journal.status().WithContext(path);
  return journal;
}

Status SaveIngestJournal(const std::string& path, const IngestJournal& journal) {
  return WriteFileDurably(path, EncodeIngestJournal(journal));
}

}  // namespace shoal
