// Where access keys come from, and how they are kept out of logs.
//
// Sources, in order of precedence: an explicit credentials file, then the
// AWS_* environment variables, then the OSS_* ones that Alibaba Cloud users
// already set in their pod specs. The environment is passed in as a lookup
// function so tests never touch the real process environment.
//
// Credentials deliberately have no operator<< and no ToString: the only way to
// print them is Describe(), which never shows the secret or the token. The
// secret key is a Secret (kept out of core dumps); transient copies made
// while reading it are wiped.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/auth/secret.h"
#include "engine/base/result.h"

namespace shoal {

struct Credentials {
  std::string access_key_id;
  Secret secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

// "access key AKID…(20 chars), secret redacted[, session token redacted]".
std::string Describe(const Credentials& credentials);

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real process environment.
EnvLookup ProcessEnvironment();

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else
// OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN).
// kNotFound if neither pair is set; kInvalidArgument if only half a pair is.
Result<Credentials> CredentialsFromEnvironment(const EnvLookup& env);

// An AWS-style shared credentials file:
//   [profile]
//   aws_access_key_id = ...
//   aws_secret_access_key = ...
//   aws_session_token = ...      (optional)
// The file is refused (kPermission) if group or others have any permission
// bit on it; the message names the file and its mode.
Result<Credentials> CredentialsFromFile(const std::string& path, std::string_view profile);

struct CredentialOptions {
  std::string file;  // explicit credentials file, if any
  std::string profile = "default";
  bool anonymous = false;  // public-read bucket: sign nothing
};

// Applies the precedence above. Anonymous yields empty credentials.
Result<Credentials> ResolveCredentials(const CredentialOptions& options, const EnvLookup& env);

}  // namespace shoal
