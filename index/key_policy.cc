#include "index/key_policy.h"

#include <xxhash.h>

#include <cstdio>

namespace shoal {
namespace {

constexpr size_t kMaxName = 255;

void AppendEscaped(std::string& out, unsigned char c) {
  char buf[4];
  std::snprintf(buf, sizeof(buf), "%%%02X", c);
  out += buf;
}

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;                                       // overlong
  if (n == 3 && c == 0xE0 && b(i + 1) < 0xA0) return 0;                   // overlong
  if (n == 3 && c == 0xED && b(i + 1) >= 0xA0) return 0;                  // surrogate
  if (n == 4 && c == 0xF0 && b(i + 1) < 0x90) return 0;                   // overlong
  if (n == 4 && (c > 0xF4 || (c == 0xF4 && b(i + 1) >= 0x90))) return 0;  // > U+10FFFF
  return n;
}

// Escapes control bytes and invalid UTF-8 in one segment.
std::string CleanSegment(std::string_view segment, bool* control, bool* invalid) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size();) {
    const auto c = static_cast<unsigned char>(segment[i]);
    if (c < 0x20 || c == 0x7F) {
      *control = true;
      AppendEscaped(out, c);
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(segment, i);
    if (n == 0) {
      *invalid = true;
      AppendEscaped(out, c);
      ++i;
      continue;
    }
    out.append(segment.substr(i, n));
    i += n;
  }
  return out;
}

std::string ShortenName(std::string_view name) {
  size_t cut = 238;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  char hash[20];
  std::snprintf(hash, sizeof(hash), "~%016llx",
                static_cast<unsigned long long>(XXH3_64bits(name.data(), name.size())));
  return std::string(name.substr(0, cut)) + hash;
}

}  // namespace

std::string_view KeyIssueName(KeyIssue issue) {
  switch (issue) {
    case KeyIssue::kLeadingSlash:
      return "leading '/' stripped";
    case KeyIssue::kEmptySegment:
      return "empty path segment ('//') collapsed";
    case KeyIssue::kDotSegment:
      return "'.' or '..' segment: key skipped";
    case KeyIssue::kControlByte:
      return "NUL or control byte escaped as %XX";
    case KeyIssue::kInvalidUtf8:
      return "invalid UTF-8 escaped as %XX";
    case KeyIssue::kLongName:
      return "name over 255 bytes shortened";
    case KeyIssue::kLongPath:
      return "path over 1024 bytes: key skipped";
    case KeyIssue::kFileDirConflict:
      return "file that is also a directory renamed to NAME.~file";
    case KeyIssue::kDuplicate:
      return "name already taken after renaming: key skipped";
    case KeyIssue::kCount:
      break;
  }
  return "unknown";
}

bool KeyIssueSkips(KeyIssue issue) {
  return issue == KeyIssue::kDotSegment || issue == KeyIssue::kLongPath ||
         issue == KeyIssue::kDuplicate;
}

void KeyReport::Add(KeyIssue issue, std::string_view original_key) {
  const auto i = static_cast<size_t>(issue);
  ++counts_[i];
  if (samples_[i].size() < kMaxSamples) {
    // Samples are shown to people: escape anything unprintable.
    std::string shown;
    for (unsigned char c : original_key.substr(0, 200)) {
      if (c < 0x20 || c == 0x7F) {
        AppendEscaped(shown, c);
      } else {
        shown.push_back(static_cast<char>(c));
      }
    }
    samples_[i].push_back(std::move(shown));
  }
}

uint64_t KeyReport::skipped() const {
  uint64_t n = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (KeyIssueSkips(static_cast<KeyIssue>(i))) n += counts_[i];
  }
  return n;
}

uint64_t KeyReport::renamed() const {
  uint64_t n = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (!KeyIssueSkips(static_cast<KeyIssue>(i))) n += counts_[i];
  }
  return n;
}

std::string KeyReport::Summary() const {
  std::string out;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    out += "  " + std::to_string(counts_[i]) + " x " +
           std::string(KeyIssueName(static_cast<KeyIssue>(i))) + ", e.g.";
    for (const std::string& s : samples_[i]) out += " '" + s + "'";
    out += "\n";
  }
  return out;
}

std::string ConflictingFileName(std::string_view name) {
  std::string out = std::string(name) + ".~file";
  if (out.size() > kMaxName) out = ShortenName(out);
  return out;
}

std::optional<std::string> SanitizeKey(std::string_view key, KeyReport& report, bool* renamed) {
  *renamed = false;
  std::string_view rest = key;
  if (!rest.empty() && rest.front() == '/') {
    report.Add(KeyIssue::kLeadingSlash, key);
    *renamed = true;
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);  // a directory marker
  if (rest.empty()) return std::nullopt;                           // the prefix itself

  std::string path;
  bool empty_segment = false, control = false, invalid = false, long_name = false;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) {
      empty_segment = true;
      continue;
    }
    if (segment == "." || segment == "..") {
      report.Add(KeyIssue::kDotSegment, key);
      return std::nullopt;
    }
    std::string clean = CleanSegment(segment, &control, &invalid);
    if (clean.size() > kMaxName) {
      long_name = true;
      clean = ShortenName(clean);
    }
    if (!path.empty()) path.push_back('/');
    path += clean;
  }
  if (path.size() > kMaxPathBytes) {
    report.Add(KeyIssue::kLongPath, key);
    return std::nullopt;
  }
  if (empty_segment) report.Add(KeyIssue::kEmptySegment, key);
  if (control) report.Add(KeyIssue::kControlByte, key);
  if (invalid) report.Add(KeyIssue::kInvalidUtf8, key);
  if (long_name) report.Add(KeyIssue::kLongName, key);
  *renamed = *renamed || empty_segment || control || invalid || long_name;
  if (path.empty()) return std::nullopt;
  return path;
}

}  // namespace shoal
