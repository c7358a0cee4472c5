// Fuzz target: CredentialsFromFile, the AWS-style shared credentials file
// (credentials_file= in fstab, --credentials-file).
//
// The parser takes a path and refuses files that group or others can read,
// so each input is written to a fresh mkstemp file (mode 0600) that is
// removed afterwards; nothing outlives the call. It is read for the
// "default" profile and for "dev" (written "[dev]" or "[profile dev]").
// Invariants: accepted keys are non-empty, trimmed and single-line.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "engine/auth/credentials.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::fuzz::Require;

// A private temporary file holding `bytes`, removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string_view bytes) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/shoal-fuzz-XXXXXX";
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) {
      path_.clear();
      return;
    }
    for (size_t done = 0; done < bytes.size();) {
      ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool Trimmed(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  return s.empty() || (!blank(s.front()) && !blank(s.back()));
}

void Check(const std::string& path, std::string_view profile) {
  const auto credentials = shoal::CredentialsFromFile(path, profile);
  if (!credentials.ok()) {
    Require(credentials.status().code() == shoal::ErrorCode::kInvalidArgument);
    return;
  }
  for (std::string_view s :
       {std::string_view(credentials->access_key_id), credentials->secret_access_key.Reveal(),
        std::string_view(credentials->session_token)}) {
    Require(Trimmed(s) && s.find('\n') == std::string_view::npos);
  }
  Require(!credentials->access_key_id.empty() && !credentials->secret_access_key.empty());
  (void)shoal::Describe(*credentials);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  TempFile file(shoal::fuzz::AsText(data, size));
  if (file.path().empty()) return 0;
  Check(file.path(), "default");
  Check(file.path(), "dev");
  return 0;
}
