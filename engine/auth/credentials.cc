#include "engine/auth/credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace shoal {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
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
  Credentials c{*id, *secret, ""};
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
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status(ErrorCode::kNotFound, "credentials file " + path + " does not exist");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status(
        ErrorCode::kPermission,
        "credentials file " + path + " is accessible by group or others; run: chmod 600 " + path);
  }
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kIoError, "cannot read credentials file " + path);

  Credentials c;
  std::string section;
  std::string line;
  bool saw_profile = false;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(std::string_view(t).substr(1, t.size() - 2));
      if (section.rfind("profile ", 0) == 0) section = Trim(section.substr(8));
      saw_profile = saw_profile || section == profile;
      continue;
    }
    if (section != profile) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(std::string_view(t).substr(0, eq));
    std::string value = Trim(std::string_view(t).substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value;
    if (key == "aws_secret_access_key") c.secret_access_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
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
