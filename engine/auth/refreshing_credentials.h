// RefreshingCredentials: a credentials file that is read again when it
// changes, so a long-running mount follows key rotation.
//
// Why: temporary credentials expire (STS session tokens after hours at
// most), and whoever renews them (a sidecar, a Kubernetes secret update,
// a cron job) rewrites the credentials file. Credentials read once at
// mount time would then fail every request until the mount is restarted.
//
// How: Current() stat()s the file at most once per `check_every` and, when
// its identity (device, inode, size, mtime) changed, reads it again with
// CredentialsFromFile (so the permission check still applies). A file that
// does not read as valid credentials (half written, loose mode, the
// profile gone) keeps the last good credentials and is tried again at the
// next check; last_error() says why. Kubernetes swaps a secret's files by
// renaming a symlink, which stat() follows to a new inode.
//
// Thread-safety: Current() may be called from any thread (request builders
// run on event-loop threads); a caller keeps the credentials it got alive
// for as long as it signs with them.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/base/result.h"
#include "engine/base/status.h"

namespace shoal {

class RefreshingCredentials {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads the file once; its errors are returned as they are. A relative
  // `path` is made absolute first (a daemon's directory is "/").
  static Result<std::unique_ptr<RefreshingCredentials>> Open(
      std::string path, std::string profile, Clock::duration check_every = std::chrono::seconds(1));

  std::shared_ptr<const Credentials> Current();
  // Why the last re-read was refused; OK if the file reads fine.
  Status last_error();

 private:
  RefreshingCredentials(std::string path, std::string profile, Clock::duration check_every)
      : path_(std::move(path)), profile_(std::move(profile)), check_every_(check_every) {}
  // Reads the file, whose stat() gave `identity` just before; with mu_ held.
  void Reload(const struct stat& identity);

  const std::string path_;
  const std::string profile_;
  const Clock::duration check_every_;
  std::mutex mu_;
  std::shared_ptr<const Credentials> current_;  // guarded by mu_
  struct stat identity_ {};                     // guarded by mu_: of the file current_ came from
  Clock::time_point checked_;                   // guarded by mu_
  Status last_error_;                           // guarded by mu_
};

}  // namespace shoal
