#include "engine/cache/cache_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/cache/cache_entry_format.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

std::string ShardName(int shard) {
  char name[3];
  std::snprintf(name, sizeof(name), "%02x", shard);
  return name;
}

Status IoError(const std::string& what, const std::string& path, const std::error_code& ec) {
  return Status(ErrorCode::kIoError, "disk cache: " + what + " " + path + ": " + ec.message());
}

Status MakeDir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return IoError("cannot create", path, ec);
  return Status::Ok();
}

Result<UniqueFd> Lock(const std::string& root) {
  const std::string path = root + "/LOCK";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid())
    return IoError("cannot open", path, std::error_code(errno, std::generic_category()));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status(ErrorCode::kInvalidArgument,
                    "disk cache: " + root +
                        " is in use by another shoal process; give each mount its own --cache-dir");
    }
    return IoError("cannot lock", path, std::error_code(errno, std::generic_category()));
  }
  return fd;
}

// Removes every regular file in `dir`.
Status EmptyDir(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) fs::remove(it->path(), type_ec);
  }
  if (ec) return IoError("cannot list", dir, ec);
  return Status::Ok();
}

}  // namespace

Result<CacheDir> CacheDir::Prepare(std::string root) {
  if (root.empty()) return Status(ErrorCode::kInvalidArgument, "disk cache: no directory given");
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (Status s = MakeDir(root); !s.ok()) return s;
  Result<UniqueFd> lock = Lock(root);
  if (!lock.ok()) return lock.status();
  CacheDir dir(root, std::move(*lock));
  if (Status s = MakeDir(root + "/tmp"); !s.ok()) return s;
  if (Status s = EmptyDir(root + "/tmp"); !s.ok()) return s;
  for (int shard = 0; shard < 256; ++shard) {
    if (Status s = MakeDir(root + "/" + ShardName(shard)); !s.ok()) return s;
  }
  return dir;
}

Result<std::vector<CacheDir::Entry>> CacheDir::Scan() const {
  std::vector<Entry> entries;
  for (int shard = 0; shard < 256; ++shard) {
    const std::string shard_dir = root_ + "/" + ShardName(shard);
    std::error_code ec;
    for (fs::directory_iterator it(shard_dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::optional<CacheKey> key = CacheKey::FromHex(name);
      if (!key || name.compare(0, 2, ShardName(shard)) != 0) continue;  // not ours
      struct stat st {};
      if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (static_cast<uint64_t>(st.st_size) < kCacheEntryHeaderSize) {
        ::unlink(it->path().c_str());
        continue;
      }
      entries.push_back(Entry{*key, static_cast<uint64_t>(st.st_size),
                              st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec});
    }
    if (ec) return IoError("cannot list", shard_dir, ec);
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.mtime_ns != b.mtime_ns) return a.mtime_ns < b.mtime_ns;
    return a.key.high != b.key.high ? a.key.high < b.key.high : a.key.low < b.key.low;
  });
  return entries;
}

std::string CacheDir::EntryPath(const CacheKey& key) const {
  const std::string name = key.Hex();
  return root_ + "/" + name.substr(0, 2) + "/" + name;
}

}  // namespace shoal
