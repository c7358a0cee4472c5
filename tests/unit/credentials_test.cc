#include "engine/auth/credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

namespace shoal {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class TempFile {
 public:
  TempFile(const std::string& text, mode_t mode) {
    char tmpl[] = "/tmp/shoal-cred-XXXXXX";
    int fd = mkstemp(tmpl);
    path_ = tmpl;
    ::close(fd);
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
  }
  ~TempFile() { (void)std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Credentials, AwsEnvironmentWins) {
  auto c = CredentialsFromEnvironment(FakeEnv({{"AWS_ACCESS_KEY_ID", "A"},
                                               {"AWS_SECRET_ACCESS_KEY", "S"},
                                               {"AWS_SESSION_TOKEN", "T"},
                                               {"OSS_ACCESS_KEY_ID", "O"},
                                               {"OSS_ACCESS_KEY_SECRET", "OS"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "A");
  EXPECT_EQ(c->session_token, "T");
}

TEST(Credentials, OssNamesWork) {
  auto c = CredentialsFromEnvironment(
      FakeEnv({{"OSS_ACCESS_KEY_ID", "O"}, {"OSS_ACCESS_KEY_SECRET", "OS"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "O");
  EXPECT_EQ(c->secret_access_key.Reveal(), "OS");
}

TEST(Credentials, HalfAPairIsAClearError) {
  auto c = CredentialsFromEnvironment(FakeEnv({{"AWS_ACCESS_KEY_ID", "A"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  auto none = CredentialsFromEnvironment(FakeEnv({}));
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
}

TEST(Credentials, FileWithProfile) {
  TempFile f(
      "# comment\n[default]\naws_access_key_id=D\naws_secret_access_key=DS\n"
      "[profile ci]\n aws_access_key_id = C \naws_secret_access_key = CS\n",
      0600);
  auto c = CredentialsFromFile(f.path(), "ci");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "C");
  EXPECT_EQ(c->secret_access_key.Reveal(), "CS");
  EXPECT_FALSE(CredentialsFromFile(f.path(), "missing").ok());
}

TEST(Credentials, LooseFileIsRefusedNamingFileAndMode) {
  const std::string text = "[default]\naws_access_key_id=D\naws_secret_access_key=TOPSECRET\n";
  for (mode_t loose : {0644, 0640, 0604, 0601, 0610}) {
    TempFile f(text, loose);
    auto c = CredentialsFromFile(f.path(), "default");
    ASSERT_FALSE(c.ok()) << std::oct << loose;
    EXPECT_EQ(c.status().code(), ErrorCode::kPermission);
    const std::string& message = c.status().message();
    EXPECT_NE(message.find("credentials file " + f.path()), std::string::npos) << message;
    char mode[16];
    std::snprintf(mode, sizeof(mode), "mode %04o", static_cast<unsigned>(loose));
    EXPECT_NE(message.find(mode), std::string::npos) << message;
    EXPECT_NE(message.find("chmod 600"), std::string::npos);
    EXPECT_EQ(message.find("TOPSECRET"), std::string::npos);
  }
  for (mode_t tight : {0600, 0400}) {
    TempFile f(text, tight);
    auto c = CredentialsFromFile(f.path(), "default");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->secret_access_key.Reveal(), "TOPSECRET");
  }
}

TEST(Credentials, PipeIsReadToItsEnd) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string text = "[default]\naws_access_key_id=P\naws_secret_access_key=PS\n";
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  auto c = CredentialsFromFile("/dev/fd/" + std::to_string(fds[0]), "default");
  ::close(fds[0]);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->secret_access_key.Reveal(), "PS");
}

TEST(Credentials, DescribeNeverShowsSecrets) {
  Credentials c{"AKIAEXAMPLE", Secret("very-secret"), "session-secret"};
  std::string d = Describe(c);
  EXPECT_EQ(d.find("very-secret"), std::string::npos);
  EXPECT_EQ(d.find("session-secret"), std::string::npos);
  EXPECT_NE(d.find("AKIA"), std::string::npos);
  EXPECT_EQ(Describe(Credentials{}), "anonymous");
}

}  // namespace
}  // namespace shoal
