#include "index/writable_key.h"

#include <optional>
#include <string>

#include "engine/base/printable.h"
#include "index/key_policy.h"

namespace shoal {
namespace {

// What a writer is told, per case of the key policy.
std::string_view Problem(KeyIssue issue) {
  switch (issue) {
    case KeyIssue::kLeadingSlash:
      return "starts with '/'";
    case KeyIssue::kEmptySegment:
      return "has an empty segment ('//')";
    case KeyIssue::kDotSegment:
      return "has a '.' or '..' segment";
    case KeyIssue::kControlByte:
      return "holds a control character";
    case KeyIssue::kInvalidUtf8:
      return "is not valid UTF-8";
    case KeyIssue::kLongName:
      return "has a name over 255 bytes";
    case KeyIssue::kLongPath:
      return "makes a path over 1024 bytes";
    default:
      return "is not a plain path";
  }
}

Status Refuse(ErrorCode code, std::string_view key, std::string_view problem, bool skipped) {
  return Status(code, "key '" + Printable(key) + "' " + std::string(problem) + "; an index would " +
                          (skipped ? "skip" : "rename") + " it, so it is not written");
}

}  // namespace

Status CheckWritableKey(std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    return Status(ErrorCode::kNameTooLong, "key '" + Printable(key.substr(0, 64)) + "...' is " +
                                               std::to_string(key.size()) +
                                               " bytes; object stores take at most 1024");
  }
  KeyReport report;
  bool renamed = false;
  const std::optional<std::string> path = SanitizeKey(key, report, &renamed);
  if (path && !renamed && *path == key) return Status();
  for (size_t i = 0; i < static_cast<size_t>(KeyIssue::kCount); ++i) {
    const auto issue = static_cast<KeyIssue>(i);
    if (report.count(issue) == 0) continue;
    const ErrorCode code = issue == KeyIssue::kLongName || issue == KeyIssue::kLongPath
                               ? ErrorCode::kNameTooLong
                               : ErrorCode::kInvalidArgument;
    return Refuse(code, key, Problem(issue), KeyIssueSkips(issue));
  }
  if (key.empty()) return Status(ErrorCode::kInvalidArgument, "the key is empty");
  return Status(ErrorCode::kInvalidArgument,
                "key '" + Printable(key) + "' ends with '/', which names a directory, not a file");
}

}  // namespace shoal
