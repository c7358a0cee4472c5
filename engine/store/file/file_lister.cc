#include "engine/store/file/file_lister.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

#include "engine/base/join_path.h"
#include "engine/store/file/file_paths.h"
#include "engine/store/file/file_store.h"

namespace shoal::file_store {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool Vanished(int error) { return error == ENOENT || error == ENOTDIR; }

struct Entry {
  std::string sort_key;  // "name" or "name/"
  bool is_dir = false;
};

// Continuation tokens: "k" + last key, or "p" + last common prefix.
constexpr char kKeyToken = 'k';
constexpr char kPrefixToken = 'p';

class Walker {
 public:
  Walker(const std::string& root, const ListRequest& request)
      : root_(root),
        request_(request),
        limit_(request.max_keys > 0 ? request.max_keys : 1000),
        after_(request.start_after) {
    const std::string& token = request.continuation_token;
    if (!token.empty()) {
      std::string value = token.substr(1);
      if (token[0] == kPrefixToken) skip_prefix_ = value;
      if (value > after_) after_ = value;
    }
  }

  Result<ListPage> Run() {
    Status s = WalkDir("");
    if (!s.ok()) return s;
    return std::move(page_);
  }

 private:
  bool Full() const { return page_.truncated; }

  // Reserves a slot for one more item; marks the page truncated if none is left.
  bool Take(char kind, const std::string& value) {
    if (emitted_ == limit_) {
      page_.truncated = true;
      return false;
    }
    ++emitted_;
    page_.next_continuation_token = std::string(1, kind) + value;
    return true;
  }

  bool Skipped(const std::string& key) const {
    if (!StartsWith(key, request_.prefix)) return true;
    if (!after_.empty() && key <= after_) return true;
    return !skip_prefix_.empty() && StartsWith(key, skip_prefix_);
  }

  // Emits a key, or the common prefix that groups it.
  Status EmitKey(const std::string& key, const struct stat& st) {
    if (Skipped(key)) return Status::Ok();
    if (!request_.delimiter.empty()) {
      size_t pos = key.find(request_.delimiter, request_.prefix.size());
      if (pos != std::string::npos) {
        std::string prefix = key.substr(0, pos + request_.delimiter.size());
        return EmitPrefix(prefix);
      }
    }
    if (Take(kKeyToken, key)) page_.objects.push_back(InfoOf(key, st));
    return Status::Ok();
  }

  Status EmitPrefix(const std::string& prefix) {
    if (!page_.common_prefixes.empty() && page_.common_prefixes.back() == prefix) {
      return Status::Ok();
    }
    if (!skip_prefix_.empty() && prefix == skip_prefix_) return Status::Ok();
    if (Take(kPrefixToken, prefix)) page_.common_prefixes.push_back(prefix);
    return Status::Ok();
  }

  // True if no key below directory `dir` (ending in '/') can be listed.
  bool PruneDir(const std::string& dir) const {
    const std::string& prefix = request_.prefix;
    if (!StartsWith(dir, prefix) && !StartsWith(prefix, dir)) return true;
    if (!after_.empty() && dir < after_ && !StartsWith(after_, dir)) return true;
    return !skip_prefix_.empty() && StartsWith(dir, skip_prefix_);
  }

  // Walks the tree depth-first, in key order.
  // NOLINTNEXTLINE(misc-no-recursion): a tree walk; its depth is the nesting on disk (PATH_MAX)
  Status WalkDir(const std::string& rel) {
    const std::string path = rel.empty() ? root_ : root_ + "/" + rel;
    std::vector<Entry> entries;
    {
      std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), &::closedir);
      if (!dir) {
        // Gone while walking: list what is there. Any other reason (a path
        // over PATH_MAX, no permission, no descriptors left) would leave a
        // silent gap in the listing, so it is an error.
        if (!rel.empty() && Vanished(errno)) return Status::Ok();
        return ErrnoStatus("cannot list", path, errno);
      }
      while (dirent* d = ::readdir(dir.get())) {
        std::string name = d->d_name;
        if (name == "." || name == "..") continue;
        if (rel.empty() && name == FileStore::kReservedDir) continue;
        bool is_dir = d->d_type == DT_DIR;
        if (d->d_type == DT_UNKNOWN) {
          struct stat st {};
          is_dir = ::lstat(JoinPath(path, name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        entries.push_back(Entry{is_dir ? name + "/" : name, is_dir});
      }
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.sort_key < b.sort_key; });

    if (entries.empty() && !rel.empty()) {
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) return EmitKey(rel, st);  // a "dir/" marker
      return Status::Ok();
    }
    for (const Entry& e : entries) {
      if (Full()) return Status::Ok();
      const std::string key = rel + e.sort_key;
      if (e.is_dir) {
        if (PruneDir(key)) continue;
        // With "/" as delimiter, a directory below the prefix is one common
        // prefix: no need to walk it.
        if (request_.delimiter == "/" && key.size() > request_.prefix.size() &&
            StartsWith(key, request_.prefix)) {
          Status s = EmitPrefix(key);
          if (!s.ok()) return s;
          continue;
        }
        Status s = WalkDir(key);
        if (!s.ok()) return s;
        continue;
      }
      struct stat st {};
      // Follows symlinks to files; a name that is gone or not a file (a
      // dangling or looping link included) is skipped.
      const std::string file = JoinPath(root_, key);
      if (::stat(file.c_str(), &st) != 0) {
        if (Vanished(errno) || errno == ELOOP) continue;
        return ErrnoStatus("cannot stat", file, errno);
      }
      if (!S_ISREG(st.st_mode)) continue;
      Status s = EmitKey(key, st);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  const std::string& root_;
  const ListRequest& request_;
  const int limit_;
  std::string after_;        // list keys strictly after this
  std::string skip_prefix_;  // and none that start with this
  int emitted_ = 0;
  ListPage page_;
};

}  // namespace

Result<ListPage> ListDirectoryTree(const std::string& root, const ListRequest& request) {
  Result<ListPage> page = Walker(root, request).Run();
  if (page.ok() && !page->truncated) page->next_continuation_token.clear();
  return page;
}

}  // namespace shoal::file_store
