#include "engine/auth/credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "engine/base/unique_fd.h"

namespace shoal {
namespace {

std::string_view TrimView(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

std::string Trim(std::string_view s) { return std::string(TrimView(s)); }

// A credentials file is small; anything larger is not one.
constexpr size_t kMaxCredentialsFile = 64 << 10;

// The whole file, if only its owner may use it. The mode is checked on the
// opened descriptor, so the file read is the file checked. Pipes work too
// (--credentials-file <(...)): the text is read to its end into one buffer
// that never grows, so no stray copy is left behind.
Result<std::string> ReadPrivateFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return Status(ErrorCode::kNotFound, "credentials file " + path + " does not exist");
    }
    return Status(ErrorCode::kIoError,
                  "cannot read credentials file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Status(ErrorCode::kIoError,
                  "cannot stat credentials file " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status(ErrorCode::kPermission, "credentials file " + path + " has mode " + mode +
                                              ": group or others may use it; run: chmod 600 " +
                                              path);
  }
  std::string text(kMaxCredentialsFile + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Wipe(text);
      return Status(ErrorCode::kIoError,
                    "cannot read credentials file " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxCredentialsFile) {
    Wipe(text);
    return Status(ErrorCode::kInvalidArgument,
                  "credentials file " + path + " is larger than 64 KiB; it is not one");
  }
  text.resize(got);  // shrinking never reallocates
  return text;
}

std::optional<Credentials> PairFrom(const EnvLookup& env, const char* id_name,
                                    const char* secret_name, const char* token_name,
                                    Status* half_set) {
  auto id = env(id_name);
  auto secret = env(secret_name);
  bool has_id = id && !id->empty();
  bool has_secret = secret && !secret->empty();
  if (has_id != has_secret) {
    *half_set = Status(ErrorCode::kInvalidArgument,
                       std::string(has_id ? id_name : secret_name) + " is set but " +
                           (has_id ? secret_name : id_name) + " is not; set both or neither");
    return std::nullopt;
  }
  if (!has_id) return std::nullopt;
  Credentials c{*id, Secret(*secret), ""};
  Wipe(*secret);
  if (auto token = env(token_name)) c.session_token = *token;
  return c;
}

}  // namespace

std::string Describe(const Credentials& c) {
  if (c.access_key_id.empty()) return "anonymous";
  std::string out = "access key " + c.access_key_id.substr(0, 4) + "…(" +
                    std::to_string(c.access_key_id.size()) + " chars), secret redacted";
  if (!c.session_token.empty()) out += ", session token redacted";
  return out;
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Credentials> CredentialsFromEnvironment(const EnvLookup& env) {
  Status half;
  if (auto aws =
          PairFrom(env, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", &half)) {
    return *aws;
  }
  if (!half.ok()) return half;
  if (auto oss =
          PairFrom(env, "OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN", &half)) {
    return *oss;
  }
  if (!half.ok()) return half;
  return Status(ErrorCode::kNotFound,
                "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or "
                "OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET), pass --credentials-file, or use "
                "--anonymous for a public-read bucket");
}

Result<Credentials> CredentialsFromFile(const std::string& path, std::string_view profile) {
  // Reading the file whole into one string that is wiped afterwards leaves
  // no stray copies of the secret in stream buffers.
  Result<std::string> text = ReadPrivateFile(path);
  if (!text.ok()) return text.status();

  Credentials c;
  std::string section;
  bool saw_profile = false;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    const std::string_view t = TrimView(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(t.substr(1, t.size() - 2));
      if (section.rfind("profile ", 0) == 0) section = Trim(section.substr(8));
      saw_profile = saw_profile || section == profile;
      continue;
    }
    if (section != profile) continue;
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = TrimView(t.substr(0, eq));
    const std::string_view value = TrimView(t.substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = std::string(value);
    if (key == "aws_secret_access_key") c.secret_access_key = Secret(value);
    if (key == "aws_session_token") c.session_token = std::string(value);
  }
  Wipe(*text);
  if (!saw_profile) {
    return Status(ErrorCode::kInvalidArgument,
                  "credentials file " + path + " has no [" + std::string(profile) + "] profile");
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "profile [" + std::string(profile) + "] in " + path +
                      " needs both aws_access_key_id and aws_secret_access_key");
  }
  return c;
}

Result<Credentials> ResolveCredentials(const CredentialOptions& options, const EnvLookup& env) {
  if (options.anonymous) return Credentials{};
  if (!options.file.empty()) return CredentialsFromFile(options.file, options.profile);
  return CredentialsFromEnvironment(env);
}

}  // namespace shoal
