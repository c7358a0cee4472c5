// Fuzz target: the key policy (SanitizeKey, ConflictingFileName, KeyReport),
// which turns attacker-controlled object keys into path names.
//
// The whole input is one key. What the policy promises is checked against
// an independent reading of the output rather than the policy's own code:
// no empty, "." or ".." segment, no leading or trailing '/', no control
// byte, valid UTF-8, no name over 255 bytes, no path over 1024 bytes;
// `renamed` exactly when the
// path differs from the key (less one trailing '/'); and the policy is
// idempotent, so a sanitised path passes through unchanged and unreported.
#include <string>

#include "index/key_policy.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::KeyIssue;
using shoal::KeyReport;
using shoal::fuzz::Require;

void CheckSegment(std::string_view segment) {
  Require(!segment.empty() && segment != "." && segment != "..");
  Require(segment.size() <= 255);
  for (char ch : segment) {
    const auto c = static_cast<unsigned char>(ch);
    Require(c >= 0x20 && c != 0x7F && c != '/');
  }
  Require(shoal::fuzz::IsValidUtf8(segment));
}

void CheckPath(std::string_view path) {
  Require(!path.empty() && path.front() != '/' && path.back() != '/');
  Require(path.size() <= shoal::kMaxPathBytes);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    CheckSegment(path.substr(start, end - start));
    start = end + 1;
  }
}

void CheckReport(const KeyReport& report) {
  size_t kinds = 0;
  uint64_t total = 0;
  for (size_t i = 0; i < static_cast<size_t>(KeyIssue::kCount); ++i) {
    const auto issue = static_cast<KeyIssue>(i);
    Require(!shoal::KeyIssueName(issue).empty());
    kinds += report.count(issue) != 0 ? 1 : 0;
    total += report.count(issue);
  }
  Require(report.skipped() + report.renamed() == total);
  // One line per kind seen: samples never smuggle in a line break or NUL.
  const std::string summary = report.Summary();
  size_t lines = 0;
  for (char ch : summary) {
    const auto c = static_cast<unsigned char>(ch);
    lines += c == '\n' ? 1 : 0;
    Require(c == '\n' || (c >= 0x20 && c != 0x7F));
  }
  Require(lines == kinds);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view key = shoal::fuzz::AsText(data, size);
  KeyReport report;
  bool renamed = false;
  const std::optional<std::string> path = shoal::SanitizeKey(key, report, &renamed);
  CheckReport(report);
  if (!path) return 0;

  CheckPath(*path);
  std::string_view unslashed = key;
  if (!unslashed.empty() && unslashed.back() == '/') unslashed.remove_suffix(1);
  Require(renamed == (*path != unslashed));
  Require(renamed ? report.renamed() > 0 : report.empty());

  KeyReport again_report;
  bool again_renamed = true;
  Require(shoal::SanitizeKey(*path, again_report, &again_renamed) == *path);
  Require(!again_renamed && again_report.empty());

  // The file/directory conflict rename of the last name stays a valid name.
  const std::string_view last = std::string_view(*path).substr(path->rfind('/') + 1);
  const std::string conflicting = shoal::ConflictingFileName(last);
  CheckSegment(conflicting);
  Require(conflicting != last);
  return 0;
}
