// PutSources: from the local paths given to `shoal put` to the list of
// files to upload and the key each one gets, decided before anything is
// sent, so a bad argument or a key collision fails before the first upload.
//
// Naming follows `cp -r`: a file uploads as PREFIX/<basename>, a directory
// `d` as PREFIX/d/<path within d> (`.` and `..` as PREFIX/<path>). A
// destination that does not end in '/' is the object key itself when the
// only source is one regular file; otherwise it is a prefix, as if it ended
// in '/'.
//
// Links and odd files: a path given on the command line is followed
// wherever it points. Inside a tree, a symlink to a regular file uploads
// that file's bytes under the link's name; symlinks to directories are not
// followed (so nothing outside the given trees is walked and cycles are
// impossible), and sockets, FIFOs, devices and dangling links are skipped.
// Every skip is a warning. Empty directories upload nothing. A key that an
// index would skip or rename (a '..' segment, a control character in a
// file name, ...; see index/writable_key.h) fails the plan, naming it.
//
// Plain functions over the file system; no state, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/result.h"

namespace shoal::cli {

struct PutItem {
  std::string local_path;
  std::string key;
  uint64_t size = 0;  // when planned; the upload sends what it reads
};

struct PutPlan {
  std::vector<PutItem> items;         // sorted by key
  std::vector<std::string> warnings;  // one line each: what was skipped and why
};

// `destination` is the key prefix as the URI spelled it: "" for the bucket
// root, "dir/" for a prefix, "dir/name" for a key or a prefix.
Result<PutPlan> PlanPut(const std::vector<std::string>& sources, const std::string& destination);

}  // namespace shoal::cli
