// The key policy: how object keys, which are attacker-controlled, become
// safe path names in a manifest. Deterministic, so equal listings always
// give equal manifests.
//
//   case                          action
//   leading '/'                   stripped                      (renamed)
//   empty segment ("a//b")        collapsed                     (renamed)
//   "." or ".." segment           key skipped: it could alias or escape
//   NUL or control byte           each byte becomes %XX         (renamed)
//   invalid UTF-8                 each bad byte becomes %XX     (renamed)
//   a segment over 255 bytes      cut to 238 bytes + "~" + 16 hex digits of
//                                 its hash                      (renamed)
//   a path over 1024 bytes        key skipped: no S3 store holds such a key,
//                                 and below a mountpoint the path could pass
//                                 PATH_MAX, which `ls -R` cannot walk
//   "a" is a file and "a/b" exists  the file becomes "a.~file"  (renamed)
//   two keys land on one name     the later in key order is skipped
//
// A renamed entry keeps its original object key in the manifest, so reads
// still fetch the right object. Every case is counted, with a few samples.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal {

enum class KeyIssue {
  kLeadingSlash,
  kEmptySegment,
  kDotSegment,
  kControlByte,
  kInvalidUtf8,
  kLongName,
  kLongPath,
  kFileDirConflict,
  kDuplicate,
  kCount,
};

inline constexpr size_t kMaxPathBytes = 1024;

std::string_view KeyIssueName(KeyIssue issue);
bool KeyIssueSkips(KeyIssue issue);

class KeyReport {
 public:
  static constexpr size_t kMaxSamples = 5;

  void Add(KeyIssue issue, std::string_view original_key);
  uint64_t count(KeyIssue issue) const { return counts_[static_cast<size_t>(issue)]; }
  uint64_t skipped() const;
  uint64_t renamed() const;
  bool empty() const { return skipped() == 0 && renamed() == 0; }
  // Multi-line text: one line per case seen, with its count and samples.
  std::string Summary() const;

 private:
  std::array<uint64_t, static_cast<size_t>(KeyIssue::kCount)> counts_{};
  std::array<std::vector<std::string>, static_cast<size_t>(KeyIssue::kCount)> samples_;
};

// Applies the per-key cases of the policy to a key relative to the indexed
// prefix. Returns the safe relative path ('/'-separated, no trailing slash),
// or nullopt if the key is skipped (or is the prefix itself). `renamed` is
// set when the path differs from the key (ignoring one trailing '/').
std::optional<std::string> SanitizeKey(std::string_view relative_key, KeyReport& report,
                                       bool* renamed);

// The name a file gets when a directory of the same name exists.
std::string ConflictingFileName(std::string_view name);

}  // namespace shoal
