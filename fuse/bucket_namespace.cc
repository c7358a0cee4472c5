#include "fuse/bucket_namespace.h"

#include <algorithm>

#include "engine/store/await.h"

namespace shoal {
namespace {

// Names no directory entry may have; keys like "a/../b" stay unreachable.
bool IsListable(const std::string& name) { return !name.empty() && name != "." && name != ".."; }

}  // namespace

std::string JoinPath(const std::string& dir, std::string_view name) {
  return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

BucketNamespace::BucketNamespace(ObjectStore& store, std::string prefix)
    : store_(store), prefix_(std::move(prefix)) {}

Result<PathAttr> BucketNamespace::Stat(const std::string& path) {
  if (path.empty() || IsVirtualDir(path)) return PathAttr{true, 0, 0};
  Result<ObjectInfo> head =
      Await<ObjectInfo>([&](auto done) { store_.Head(KeyOf(path), std::move(done)); });
  if (head.ok()) return PathAttr{false, head->size, head->mtime_seconds};
  if (head.status().code() != ErrorCode::kNotFound) return head.status();
  Result<bool> empty = IsEmptyDir(path);
  if (!empty.ok()) return empty.status();
  if (!*empty) return PathAttr{true, 0, 0};
  return Status(ErrorCode::kNotFound, "no object or directory " + KeyOf(path));
}

Result<bool> BucketNamespace::IsEmptyDir(const std::string& dir) {
  ListRequest request;
  request.prefix = DirPrefix(dir);
  request.max_keys = 1;
  Result<ListPage> page = Await<ListPage>([&](auto done) { store_.List(request, done); });
  if (!page.ok()) return page.status();
  return page->objects.empty() && page->common_prefixes.empty();
}

Result<std::vector<DirEntryName>> BucketNamespace::List(const std::string& dir) {
  std::vector<DirEntryName> entries;
  ListRequest request;
  request.prefix = DirPrefix(dir);
  request.delimiter = "/";
  for (;;) {
    Result<ListPage> page = Await<ListPage>([&](auto done) { store_.List(request, done); });
    if (!page.ok()) return page.status();
    for (const ObjectInfo& object : page->objects) {
      std::string name = object.key.substr(request.prefix.size());
      if (IsListable(name)) entries.push_back({std::move(name), false});  // "" is a marker
    }
    for (const std::string& common : page->common_prefixes) {
      std::string name = common.substr(request.prefix.size());
      if (!name.empty() && name.back() == '/') name.pop_back();
      if (IsListable(name)) entries.push_back({std::move(name), true});
    }
    if (!page->truncated) break;
    request.continuation_token = page->next_continuation_token;
  }
  {
    std::lock_guard lock(mu_);
    for (const std::string& path : virtual_dirs_) {
      if (ParentOf(path) == dir)
        entries.push_back({path.substr(dir.empty() ? 0 : dir.size() + 1), true});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const DirEntryName& a, const DirEntryName& b) { return a.name < b.name; });
  entries.erase(
      std::unique(entries.begin(), entries.end(),
                  [](const DirEntryName& a, const DirEntryName& b) { return a.name == b.name; }),
      entries.end());
  return entries;
}

void BucketNamespace::AddVirtualDir(const std::string& path) {
  std::lock_guard lock(mu_);
  virtual_dirs_.insert(path);
}

void BucketNamespace::RemoveVirtualDir(const std::string& path) {
  std::lock_guard lock(mu_);
  virtual_dirs_.erase(path);
}

bool BucketNamespace::IsVirtualDir(const std::string& path) const {
  std::lock_guard lock(mu_);
  return virtual_dirs_.contains(path);
}

}  // namespace shoal
