#include "engine/write/spool_record.h"

#include <xxhash.h>

#include "engine/base/little_endian.h"

namespace shoal {
namespace {

constexpr std::string_view kMagic = "SHOALSP1";
constexpr uint32_t kVersion = 1;
constexpr size_t kFixed = 8 + 4 + 4 + 8;  // magic, version, mode, base_size

Status Corrupt(const std::string& why) {
  return Status(ErrorCode::kCorrupt, "spool record: " + why);
}

void AppendField(std::string& out, std::string_view field) {
  AppendLe(out, field.size(), 4);
  out.append(field);
}

// Reads a length-prefixed field at `*at`, advancing it.
bool ReadField(std::string_view in, size_t* at, std::string* field) {
  if (in.size() - *at < 4) return false;
  const uint64_t length = GetLe(in, *at, 4);
  *at += 4;
  if (in.size() - *at < length) return false;
  field->assign(in.substr(*at, length));
  *at += length;
  return true;
}

}  // namespace

std::string EncodeSpoolRecord(const SpoolRecord& record) {
  std::string out(kMagic);
  AppendLe(out, kVersion, 4);
  AppendLe(out, static_cast<uint32_t>(record.mode), 4);
  AppendLe(out, record.base_size, 8);
  AppendField(out, record.key);
  AppendField(out, record.base_etag);
  AppendLe(out, XXH3_64bits(out.data(), out.size()), 8);
  return out;
}

Result<SpoolRecord> DecodeSpoolRecord(std::string_view bytes) {
  if (bytes.size() < kFixed + 8 || bytes.substr(0, kMagic.size()) != kMagic) {
    return Corrupt("not a spool record (bad magic or too short)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (XXH3_64bits(body.data(), body.size()) != GetLe(bytes, body.size(), 8)) {
    return Corrupt("checksum mismatch (a torn or damaged write)");
  }
  if (GetLe(body, 8, 4) != kVersion) return Corrupt("unknown version");
  SpoolRecord record;
  const uint64_t mode = GetLe(body, 12, 4);
  if (mode > static_cast<uint32_t>(SpoolRecord::Mode::kAppend)) return Corrupt("unknown mode");
  record.mode = static_cast<SpoolRecord::Mode>(mode);
  record.base_size = GetLe(body, 16, 8);
  size_t at = kFixed;
  if (!ReadField(body, &at, &record.key) || !ReadField(body, &at, &record.base_etag) ||
      at != body.size()) {
    return Corrupt("fields do not fit the record");
  }
  if (record.key.empty()) return Corrupt("empty key");
  return record;
}

std::string EncodeAppendProgress(const AppendProgress& progress) {
  std::string out("SHOALAP1");
  AppendLe(out, progress.position, 8);
  AppendLe(out, progress.spool_offset, 8);
  AppendLe(out, progress.pending, 8);
  AppendLe(out, XXH3_64bits(out.data(), out.size()), 8);
  return out;
}

Result<AppendProgress> DecodeAppendProgress(std::string_view bytes) {
  if (bytes.size() != 40 || bytes.substr(0, 8) != "SHOALAP1" ||
      XXH3_64bits(bytes.data(), 32) != GetLe(bytes, 32, 8)) {
    return Status(ErrorCode::kCorrupt, "spool append progress: damaged or not one");
  }
  return AppendProgress{GetLe(bytes, 8, 8), GetLe(bytes, 16, 8), GetLe(bytes, 24, 8)};
}

}  // namespace shoal
