#include "engine/auth/refreshing_credentials.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace shoal {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

Status StatFailure(const std::string& path, int error) {
  if (error == ENOENT) {
    return Status(ErrorCode::kNotFound, "credentials file " + path + " does not exist");
  }
  return Status(ErrorCode::kIoError, "credentials file " + path + ": " + std::strerror(error));
}

// A failed look while credentials read before are still in use.
Status KeepingTheOldKeys(const Status& failure) {
  return Status(failure.code(),
                failure.message() + "; still signing with the credentials read before");
}

}  // namespace

Result<std::unique_ptr<RefreshingCredentials>> RefreshingCredentials::Open(
    std::string path, std::string profile, Clock::duration check_every) {
  // A daemon changes its directory to "/": keep a relative path meaning
  // what it meant when the command was given.
  std::error_code ignored;
  std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  if (!absolute.empty()) path = absolute.string();
  std::unique_ptr<RefreshingCredentials> source(
      new RefreshingCredentials(std::move(path), std::move(profile), check_every));
  struct stat identity {};
  if (::stat(source->path_.c_str(), &identity) != 0) return StatFailure(source->path_, errno);
  std::lock_guard lock(source->mu_);
  source->checked_ = Clock::now();  // this read is the first look
  source->Reload(identity);
  if (!source->current_) return source->last_error_;
  return source;
}

std::shared_ptr<const Credentials> RefreshingCredentials::Current() {
  std::lock_guard lock(mu_);
  const Clock::time_point now = Clock::now();
  if (now - checked_ >= check_every_) {
    checked_ = now;
    struct stat identity {};
    if (::stat(path_.c_str(), &identity) != 0) {
      last_error_ = KeepingTheOldKeys(StatFailure(path_, errno));
    } else if (!SameFile(identity, identity_)) {
      Reload(identity);
    } else {
      last_error_ = Status::Ok();  // the file of the credentials in use, as it was
    }
  }
  return current_;
}

Status RefreshingCredentials::last_error() {
  std::lock_guard lock(mu_);
  return last_error_;
}

void RefreshingCredentials::Reload(const struct stat& identity) {
  Result<Credentials> read = CredentialsFromFile(path_, profile_);
  if (!read.ok()) {
    last_error_ = current_ ? KeepingTheOldKeys(read.status()) : read.status();
    return;
  }
  current_ = std::make_shared<const Credentials>(std::move(*read));
  identity_ = identity;
  last_error_ = Status::Ok();
}

}  // namespace shoal
