#include "engine/write/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "engine/base/join_path.h"
#include "engine/loop/uring_file.h"
#include "engine/loop/wait_on_loop.h"
#include "engine/write/durable_file.h"

namespace shoal {
namespace {

// The counter part of an entry file's name, or nothing for other files.
std::optional<uint64_t> IdNumber(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot != 16) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = name[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<uint64_t>(digit);
  }
  return value;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status SpoolEntry::Append(std::string_view bytes) {
  if (bytes.empty()) return Status::Ok();
  auto data = std::make_shared<const std::string>(bytes);
  const int fd = data_.get();
  const uint64_t offset = size_;
  const int rc = WaitOnLoop(loop_, [&, data, fd, offset](std::function<void(int)> done) {
    uring_file::WriteAll(loop_, fd, data, offset, std::move(done));
  });
  if (rc < 0) return ErrnoStatus("spool " + PathOf(".data"), -rc);
  size_ += bytes.size();
  return Status::Ok();
}

Result<std::string> SpoolEntry::Read(uint64_t offset, uint64_t length) {
  auto out = std::make_shared<Result<std::string>>(std::string());
  const int fd = data_.get();
  const int rc = WaitOnLoop(loop_, [&, out, fd](std::function<void(int)> done) {
    uring_file::ReadExactly(loop_, fd, offset, length,
                            [out, done = std::move(done)](Result<std::string> read) {
                              const int code = read.ok() ? 0 : -EIO;
                              *out = std::move(read);
                              done(code);
                            });
  });
  if (rc == -ECANCELED) return ErrnoStatus("read " + PathOf(".data"), ECANCELED);
  if (!out->ok()) return out->status().WithContext("reading " + PathOf(".data"));
  return std::move(*out);
}

Status SpoolEntry::Clear() {
  if (::ftruncate(data_.get(), 0) != 0) return ErrnoStatus("truncate " + PathOf(".data"), errno);
  if (::fdatasync(data_.get()) != 0) return ErrnoStatus("fdatasync " + PathOf(".data"), errno);
  size_ = 0;
  return Status::Ok();
}

Status SpoolEntry::Remove() {
  if (removed_) return Status::Ok();
  // The record first: without it, the data is known to be committed.
  if (::unlink(PathOf(".rec").c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("remove " + PathOf(".rec"), errno);
  }
  removed_ = true;
  spool_.Untrack(record_.key, id_);
  ::unlink(PathOf(".pos").c_str());
  if (::unlink(PathOf(".data").c_str()) != 0 && errno != ENOENT) {
    return ErrnoStatus("remove " + PathOf(".data"), errno);
  }
  return Status::Ok();
}

void SpoolEntry::SupersedeOlder() { spool_.Supersede(record_.key, id_); }

Status SpoolEntry::RecordAppend(const AppendProgress& progress) {
  return WriteFileDurably(PathOf(".pos"), EncodeAppendProgress(progress));
}

Result<std::optional<AppendProgress>> SpoolEntry::LastAppend() const {
  if (::access(PathOf(".pos").c_str(), F_OK) != 0 && errno == ENOENT) {
    return std::optional<AppendProgress>();
  }
  Result<std::string> bytes = ReadWholeFile(PathOf(".pos"));
  if (!bytes.ok()) return bytes.status();
  Result<AppendProgress> progress = DecodeAppendProgress(*bytes);
  if (!progress.ok()) return progress.status().WithContext(PathOf(".pos"));
  return std::optional<AppendProgress>(*progress);
}

void Spool::Track(const std::string& key, const std::string& id) {
  std::lock_guard lock(live_mu_);
  live_.emplace(key, id);
}

void Spool::Untrack(const std::string& key, const std::string& id) {
  std::lock_guard lock(live_mu_);
  auto range = live_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == id) {
      live_.erase(it);
      return;
    }
  }
}

void Spool::Supersede(const std::string& key, const std::string& newer_id) {
  std::vector<std::string> stale;
  {
    std::lock_guard lock(live_mu_);
    auto range = live_.equal_range(key);
    for (auto it = range.first; it != range.second;) {
      if (newer_id.empty() || it->second < newer_id) {  // ids are fixed-width hex
        stale.push_back(it->second);
        it = live_.erase(it);
      } else {
        ++it;
      }
    }
  }
  const std::string entries = EntriesDir();
  for (const std::string& id : stale) {
    // The record first, as in Remove; a handle still open on the data file
    // keeps reading it.
    const std::string base = JoinPath(entries, id);
    ::unlink((base + ".rec").c_str());
    ::unlink((base + ".pos").c_str());
    ::unlink((base + ".data").c_str());
  }
}

Result<std::unique_ptr<Spool>> Spool::Open(EventLoop& loop, SpoolOptions options) {
  if (options.dir.empty()) return Status(ErrorCode::kInvalidArgument, "no spool directory given");
  for (const std::string& dir : {options.dir, options.dir + "/entries"}) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoStatus("create spool directory " + dir, errno);
    }
  }
  const std::string lock_path = options.dir + "/LOCK";
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock.valid()) return ErrnoStatus("open " + lock_path, errno);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status(ErrorCode::kInvalidArgument,
                    "spool " + options.dir + " is in use by another shoal writer");
    }
    return ErrnoStatus("lock " + lock_path, errno);
  }
  // Data files without a record were committed before a crash; temporary
  // files were never acknowledged.
  const std::string entries = options.dir + "/entries";
  uint64_t next_id = 0;
  if (DIR* d = ::opendir(entries.c_str())) {
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
    for (const std::string& name : names) {
      const std::string path = JoinPath(entries, name);
      if (EndsWith(name, ".tmp")) ::unlink(path.c_str());
      if (EndsWith(name, ".data") || EndsWith(name, ".pos")) {
        const std::string record = path.substr(0, path.rfind('.')) + ".rec";
        if (::access(record.c_str(), F_OK) != 0 && errno == ENOENT) ::unlink(path.c_str());
      }
      if (std::optional<uint64_t> id = IdNumber(name)) next_id = std::max(next_id, *id + 1);
    }
  }
  return std::unique_ptr<Spool>(new Spool(loop, std::move(options), std::move(lock), next_id));
}

Result<UniqueFd> Spool::OpenData(const std::string& path, bool create) const {
  int flags = O_RDWR | O_CLOEXEC | (options_.sync ? O_DSYNC : 0);
  if (create) flags |= O_CREAT | O_EXCL;
  UniqueFd fd(::open(path.c_str(), flags, 0600));
  if (!fd.valid()) return ErrnoStatus("open " + path, errno);
  return fd;
}

Result<std::unique_ptr<SpoolEntry>> Spool::Create(const SpoolRecord& record) {
  // Ids sort in creation order, across restarts too (see Open).
  char id[24];
  std::snprintf(id, sizeof(id), "%016llx", static_cast<unsigned long long>(next_id_.fetch_add(1)));
  const std::string entries = EntriesDir();
  const std::string base = entries + "/" + id;
  Result<UniqueFd> data = OpenData(base + ".data", /*create=*/true);
  if (!data.ok()) return data.status();
  if (Status s = WriteFileDurably(base + ".rec", EncodeSpoolRecord(record)); !s.ok()) {
    ::unlink((base + ".data").c_str());
    return s;
  }
  Track(record.key, id);
  return std::unique_ptr<SpoolEntry>(
      new SpoolEntry(*this, loop_, entries, id, record, std::move(*data), 0));
}

Result<Spool::Leftovers> Spool::TakeLeftovers() {
  Leftovers out;
  if (leftovers_taken_) return out;
  leftovers_taken_ = true;
  const std::string entries = EntriesDir();
  DIR* d = ::opendir(entries.c_str());
  if (d == nullptr) return ErrnoStatus("open " + entries, errno);
  std::vector<std::string> ids;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (EndsWith(name, ".rec")) ids.push_back(name.substr(0, name.size() - 4));
  }
  ::closedir(d);
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    const std::string base = JoinPath(entries, id);
    Result<std::string> bytes = ReadWholeFile(base + ".rec");
    Result<SpoolRecord> record =
        bytes.ok() ? DecodeSpoolRecord(*bytes) : Result<SpoolRecord>(bytes.status());
    if (!record.ok()) {
      std::string what = base + ".rec: ";
      what += record.status().ToString();
      out.unreadable.push_back(std::move(what));
      continue;
    }
    Result<UniqueFd> data = OpenData(base + ".data", /*create=*/false);
    if (!data.ok()) {
      out.unreadable.push_back(data.status().ToString());
      continue;
    }
    struct stat st {};
    if (::fstat(data->get(), &st) != 0) {
      out.unreadable.push_back(ErrnoStatus("stat " + base + ".data", errno).ToString());
      continue;
    }
    Track(record->key, id);
    out.entries.push_back(std::unique_ptr<SpoolEntry>(
        new SpoolEntry(*this, loop_, entries, id, std::move(*record), std::move(*data),
                       static_cast<uint64_t>(st.st_size))));
  }
  return out;
}

}  // namespace shoal
