#include "engine/cache/disk_cache.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "engine/cache/cache_entry_format.h"
#include "engine/cache/entry_file_io.h"
#include "engine/loop/uring_file.h"

namespace shoal {
namespace {

// Temporary names are unique per process and per instance; O_EXCL catches
// the rest.
std::string TmpPrefix() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()) + "-";
}

}  // namespace

Result<std::unique_ptr<DiskCache>> DiskCache::Open(EventLoop& loop, DiskCacheOptions options) {
  if (options.max_bytes == 0) {
    return Status(ErrorCode::kInvalidArgument, "disk cache: the size limit must be above zero");
  }
  Result<CacheDir> dir = CacheDir::Prepare(options.dir);
  if (!dir.ok()) return dir.status();
  Result<std::vector<CacheDir::Entry>> entries = dir->Scan();
  if (!entries.ok()) return entries.status();
  std::unique_ptr<DiskCache> cache(
      new DiskCache(loop, std::move(options), std::make_shared<const CacheDir>(std::move(*dir))));
  for (const CacheDir::Entry& e : *entries) cache->lru_.Add(e.key, e.bytes);
  // Blocking trim: nothing is served yet, and the loop may not be ours yet.
  while (cache->lru_.bytes() > cache->options_.max_bytes) {
    const CacheKey oldest = *cache->lru_.PopOldest();
    ::unlink(cache->dir_->EntryPath(oldest).c_str());
    ++cache->stats_.evictions;
  }
  return cache;
}

DiskCache::DiskCache(EventLoop& loop, DiskCacheOptions options, std::shared_ptr<const CacheDir> dir)
    : loop_(loop),
      options_(std::move(options)),
      max_entry_bytes_(options_.max_entry_bytes != 0 ? options_.max_entry_bytes
                                                     : options_.max_bytes / 8),
      dir_(std::move(dir)),
      tmp_prefix_(TmpPrefix()) {}

DiskCache::~DiskCache() {
  if (!loop_.RunSync([this] { alive_.reset(); })) alive_.reset();  // the loop has exited
}

DiskCacheStats DiskCache::Stats() const {
  DiskCacheStats copy = stats_;
  copy.bytes_in_cache = lru_.bytes();
  copy.entries = lru_.entries();
  copy.pending_writes = pending_writes_;
  return copy;
}

void DiskCache::Lookup(const CacheIdentity& id, LookupCallback done) {
  std::string identity = IdentityBytes(id);
  const CacheKey key = CacheKey::Of(identity);
  const std::optional<CacheLru::Seen> seen = lru_.Touch(key);
  if (!seen) {
    ++stats_.misses;
    done(std::nullopt);
    return;
  }
  cache_io::ReadEntryFile(
      loop_, dir_->EntryPath(key), seen->bytes,
      [this, alive = std::weak_ptr<int>(alive_), key, generation = seen->generation,
       identity = std::move(identity), done = std::move(done)](Result<std::string> file) mutable {
        if (alive.expired()) return done(std::nullopt);
        OnRead(key, generation, identity, std::move(file), done);
      });
}

void DiskCache::OnRead(const CacheKey& key, uint64_t generation, const std::string& identity,
                       Result<std::string> file, const LookupCallback& done) {
  if (!file.ok() && file.status().code() == ErrorCode::kNotFound) {
    lru_.Remove(key, generation);  // deleted behind our back
  } else if (!file.ok() && file.status().code() != ErrorCode::kCorrupt) {
    // An I/O error (perhaps out of descriptors) says nothing about the entry.
  } else {
    Result<uint64_t> object_size =
        file.ok() ? VerifyCacheEntry(*file, identity) : Result<uint64_t>(file.status());
    if (object_size.ok()) {
      ++stats_.hits;
      std::string data = std::move(*file);
      data.erase(0, kCacheEntryHeaderSize);
      done(CachedObject{std::move(data), *object_size});
      return;
    }
    ++stats_.corrupt_entries;
    // Only the entry this lookup read: it may have been replaced meanwhile.
    if (lru_.Remove(key, generation)) Delete(key);
  }
  ++stats_.misses;
  done(std::nullopt);
}

void DiskCache::Insert(const CacheIdentity& id, std::shared_ptr<const std::string> data,
                       uint64_t object_size) {
  const std::string identity = IdentityBytes(id);
  const CacheKey key = CacheKey::Of(identity);
  if (lru_.Contains(key) || busy_.contains(key)) return;
  const uint64_t bytes = kCacheEntryHeaderSize + data->size();
  if (!Admits(data->size()) || pending_writes_ >= options_.max_pending_writes ||
      pending_bytes_ + bytes > options_.max_pending_bytes) {
    ++stats_.insert_skipped;
    return;
  }
  busy_.insert(key);
  ++pending_writes_;
  pending_bytes_ += bytes;
  // The completion's `lock` keeps the directory locked until the write ends.
  auto header =
      std::make_shared<const std::string>(EncodeCacheEntryHeader(identity, *data, object_size));
  cache_io::WriteEntryFile(
      loop_, dir_->TmpPath(tmp_prefix_ + std::to_string(next_tmp_++)), dir_->EntryPath(key),
      std::move(header), std::move(data), alive_,
      [this, alive = std::weak_ptr<int>(alive_), lock = dir_, key, bytes](int rc) {
        if (!alive.expired()) OnWritten(key, bytes, rc);
      });
}

void DiskCache::OnWritten(const CacheKey& key, uint64_t bytes, int rc) {
  busy_.erase(key);
  --pending_writes_;
  pending_bytes_ -= bytes;
  if (rc < 0) {
    ++stats_.write_errors;
    return;
  }
  ++stats_.inserts;
  lru_.Add(key, bytes);
  Trim();
}

void DiskCache::Trim() {
  while (lru_.bytes() > options_.max_bytes) {
    const std::optional<CacheKey> oldest = lru_.PopOldest();
    if (!oldest) return;
    ++stats_.evictions;
    Delete(*oldest);
  }
}

void DiskCache::Delete(const CacheKey& key) {
  // While the unlink is in flight the key must not be written again: the
  // unlink could land after the new file's rename and remove it.
  busy_.insert(key);
  // `lock` keeps the directory locked until the unlink has landed.
  uring_file::Unlink(loop_, dir_->EntryPath(key),
                     [this, alive = std::weak_ptr<int>(alive_), lock = dir_, key](int) {
                       if (!alive.expired()) busy_.erase(key);
                     });
}

}  // namespace shoal
