// AWS's published SigV4 test-suite vectors (tests/data/sigv4), checked step by
// step: canonical request, string to sign, and Authorization header.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/auth/crypto.h"
#include "engine/auth/sigv4.h"
#include "engine/auth/uri_encode.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct ParsedRequest {
  SigV4Request request;
  std::string body;
};

// Parses the suite's raw request: request line, headers (a line starting with
// whitespace continues the previous value), blank line, body.
ParsedRequest ParseRawRequest(const std::string& text, bool normalize_path) {
  ParsedRequest out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const size_t first_space = line.find(' ');
  const size_t last_space = line.rfind(' ');
  out.request.method = line.substr(0, first_space);
  std::string target = line.substr(first_space + 1, last_space - first_space - 1);
  std::string path = target.substr(0, target.find('?'));
  std::string query =
      target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);

  std::string decoded_path = UriDecode(path);
  if (normalize_path) decoded_path = NormalizeUriPath(decoded_path);
  out.request.canonical_uri = UriEncodePath(decoded_path);

  size_t pos = 0;
  while (!query.empty() && pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    out.request.query.emplace_back(UriDecode(name), UriDecode(value));
    pos = amp + 1;
  }

  bool in_body = false;
  while (std::getline(in, line)) {
    if (in_body) {
      if (!out.body.empty()) out.body.push_back('\n');
      out.body += line;
      continue;
    }
    if (line.empty()) {
      in_body = true;
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.request.headers.empty()) {
      std::string continued = line.substr(line.find_first_not_of(" \t"));
      out.request.headers.back().second += "," + continued;
      continue;
    }
    size_t colon = line.find(':');
    out.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return out;
}

std::vector<fs::path> CaseDirs(const fs::path& base) {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(base)) {
    if (entry.is_directory() && fs::exists(entry.path() / "request.txt")) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

const fs::path kData = fs::path(SHOAL_TEST_DATA_DIR) / "sigv4";

TEST(SigV4Vectors, ClassicSuite) {
  std::vector<fs::path> cases = CaseDirs(kData);
  ASSERT_GE(cases.size(), 25u) << "vectors missing under " << kData;
  for (const fs::path& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    ParsedRequest parsed = ParseRawRequest(ReadFile(dir / "request.txt"), /*normalize_path=*/true);
    parsed.request.payload_sha256_hex = HexLower(Sha256(parsed.body));
    SigV4Signature sig =
        SignV4(parsed.request, SigV4Scope{"20150830T123600Z", "us-east-1", "service"},
               "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(sig.canonical_request, ReadFile(dir / "canonical_request.txt"));
    EXPECT_EQ(sig.string_to_sign, ReadFile(dir / "string_to_sign.txt"));
    EXPECT_EQ(sig.authorization, ReadFile(dir / "authorization.txt"));
  }
}

TEST(SigV4Vectors, S3Examples) {
  std::vector<fs::path> cases = CaseDirs(kData / "s3");
  ASSERT_GE(cases.size(), 4u);
  for (const fs::path& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    // S3 signs the path exactly as sent: no normalisation.
    ParsedRequest parsed = ParseRawRequest(ReadFile(dir / "request.txt"), /*normalize_path=*/false);
    for (const auto& [name, value] : parsed.request.headers) {
      if (name == "x-amz-content-sha256") {
        parsed.request.payload_sha256_hex = value.substr(value.find_first_not_of(' '));
      }
    }
    SigV4Signature sig = SignV4(parsed.request, SigV4Scope{"20130524T000000Z", "us-east-1", "s3"},
                                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(sig.canonical_request, ReadFile(dir / "canonical_request.txt"));
    EXPECT_EQ(sig.string_to_sign, ReadFile(dir / "string_to_sign.txt"));
    const std::string authz = ReadFile(dir / "authorization.txt");
    EXPECT_EQ(authz.substr(authz.find("Signature=") + 10), sig.signature);
  }
}

TEST(SigV4, QueryIsEncodedStrictly) {
  // RGW insists that '/' in a query value is signed as %2F.
  EXPECT_EQ(CanonicalQueryString({{"prefix", "a b/c"}, {"delimiter", "/"}, {"list-type", "2"}}),
            "delimiter=%2F&list-type=2&prefix=a%20b%2Fc");
}

TEST(SigV4, AmzDateFormatsUtc) { EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z"); }

TEST(UriEncode, PathKeepsSlashesAndEncodesTheRest) {
  EXPECT_EQ(UriEncodePath("a b/ü+x~.txt"), "a%20b/%C3%BC%2Bx~.txt");
  EXPECT_EQ(UriEncode("a/b"), "a%2Fb");
  EXPECT_EQ(UriDecode("a%2Fb%zz%4"), "a/b%zz%4");
}

}  // namespace
}  // namespace shoal
