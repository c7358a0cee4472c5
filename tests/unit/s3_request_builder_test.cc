#include "engine/store/s3/s3_request_builder.h"

#include <gtest/gtest.h>

#include "engine/auth/crypto.h"

namespace shoal {
namespace {

S3RequestBuilder Builder(AddressingStyle style, std::string token = "") {
  S3Config config;
  config.endpoint = "http://127.0.0.1:7480";
  config.bucket = "bkt";
  config.addressing = style;
  config.credentials = {"AKID", Secret("SECRET-never-printed"), std::move(token)};
  return S3RequestBuilder(config, *ParseEndpoint(config.endpoint));
}

std::string HeaderOf(const HttpRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (HeaderNameEquals(n, name)) return v;
  }
  return "<absent>";
}

TEST(S3RequestBuilder, PathStyleEncodesKeyOnce) {
  GetRequest get{"dir/a b+ü.txt", ByteRange{10, 5}, "etag1"};
  HttpRequest r = Builder(AddressingStyle::kPath).GetObject(get, 1440938160);
  EXPECT_EQ(r.url, "http://127.0.0.1:7480/bkt/dir/a%20b%2B%C3%BC.txt");
  EXPECT_EQ(HeaderOf(r, "Range"), "bytes=10-14");
  EXPECT_EQ(HeaderOf(r, "If-Match"), "\"etag1\"");
  EXPECT_EQ(HeaderOf(r, "host"), "127.0.0.1:7480");
  EXPECT_EQ(HeaderOf(r, "x-amz-date"), "20150830T123600Z");
  EXPECT_EQ(HeaderOf(r, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string authz = HeaderOf(r, "Authorization");
  EXPECT_EQ(authz.rfind("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request", 0),
            0u);
  for (const auto& [n, v] : r.headers) {
    EXPECT_EQ(v.find("SECRET-never-printed"), std::string::npos) << n;
  }
}

TEST(S3RequestBuilder, VirtualHostedPutsBucketInHost) {
  HttpRequest r = Builder(AddressingStyle::kVirtualHosted).HeadObject("k", 0);
  EXPECT_EQ(r.url, "http://bkt.127.0.0.1:7480/k");
  EXPECT_EQ(HeaderOf(r, "host"), "bkt.127.0.0.1:7480");
}

TEST(S3RequestBuilder, ListQueryMatchesWhatIsSigned) {
  ListRequest list;
  list.prefix = "a b/";
  list.delimiter = "/";
  HttpRequest r = Builder(AddressingStyle::kPath).ListObjectsV2(list, 0);
  EXPECT_EQ(r.url,
            "http://127.0.0.1:7480/bkt?delimiter=%2F&list-type=2&max-keys=1000&prefix=a%20b%2F");
}

TEST(S3RequestBuilder, SessionTokenIsSignedAndSent) {
  HttpRequest r = Builder(AddressingStyle::kPath, "TOKEN").HeadObject("k", 0);
  EXPECT_EQ(HeaderOf(r, "x-amz-security-token"), "TOKEN");
  EXPECT_NE(HeaderOf(r, "Authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(S3RequestBuilder, AnonymousSendsNoAuthorization) {
  S3Config config;
  config.endpoint = "http://127.0.0.1:1";
  config.bucket = "pub";
  config.anonymous = true;
  HttpRequest r = S3RequestBuilder(config, *ParseEndpoint(config.endpoint)).HeadObject("k", 0);
  EXPECT_EQ(HeaderOf(r, "Authorization"), "<absent>");
}

TEST(S3RequestBuilder, PayloadHashAndSubresources) {
  S3RequestBuilder b = Builder(AddressingStyle::kPath);
  HttpRequest put = b.PutObject(PutRequest{"k", "hello"}, 0);
  EXPECT_EQ(HeaderOf(put, "x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(put.body, "hello");
  EXPECT_EQ(b.CreateMultipartUpload("k", 0).url, "http://127.0.0.1:7480/bkt/k?uploads=");
  EXPECT_EQ(b.UploadPart(UploadPartRequest{"k", "u/1", 3, "x"}, 0).url,
            "http://127.0.0.1:7480/bkt/k?partNumber=3&uploadId=u%2F1");
  EXPECT_EQ(HeaderOf(b.CopyObject(CopyRequest{"s p", "d"}, 0), "x-amz-copy-source"), "/bkt/s%20p");
}

TEST(S3RequestBuilder, UploadPartCopyNamesItsSource) {
  S3RequestBuilder b = Builder(AddressingStyle::kPath);
  const std::string odd_source = "src dir/ü+ß %file.bin";
  HttpRequest ranged = b.UploadPartCopy(
      UploadPartCopyRequest{"dst/obj", "2~up/id", 4, odd_source, ByteRange{5, 10}}, 0);
  EXPECT_EQ(ranged.method, "PUT");
  EXPECT_EQ(ranged.url, "http://127.0.0.1:7480/bkt/dst/obj?partNumber=4&uploadId=2~up%2Fid");
  EXPECT_EQ(HeaderOf(ranged, "x-amz-copy-source"), "/bkt/src%20dir/%C3%BC%2B%C3%9F%20%25file.bin");
  EXPECT_EQ(HeaderOf(ranged, "x-amz-copy-source-range"), "bytes=5-14");
  EXPECT_TRUE(ranged.body.empty());
  EXPECT_NE(HeaderOf(ranged, "Authorization")
                .find("SignedHeaders=host;x-amz-content-sha256;x-amz-copy-source;"
                      "x-amz-copy-source-range;x-amz-date,"),
            std::string::npos);

  HttpRequest whole =
      b.UploadPartCopy(UploadPartCopyRequest{"dst/obj", "id", 1, "s", std::nullopt}, 0);
  EXPECT_EQ(HeaderOf(whole, "x-amz-copy-source"), "/bkt/s");
  EXPECT_EQ(HeaderOf(whole, "x-amz-copy-source-range"), "<absent>");
}

TEST(S3RequestBuilder, AppendSignsTheValuelessSubresource) {
  HttpRequest r = Builder(AddressingStyle::kPath)
                      .AppendObject(AppendRequest{"logs/a b", 5, "tail"}, 1440938160);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "http://127.0.0.1:7480/bkt/logs/a%20b?append=&position=5");
  EXPECT_EQ(r.body, "tail");
  // What RGW recomputes: "append" signed with an empty value, like "uploads".
  const std::string payload = HexLower(Sha256("tail"));
  SigV4Request expected{"PUT",
                        "/bkt/logs/a%20b",
                        {{"position", "5"}, {"append", ""}},
                        {{"host", "127.0.0.1:7480"},
                         {"x-amz-content-sha256", payload},
                         {"x-amz-date", "20150830T123600Z"}},
                        payload};
  SigV4Signature signature = SignV4(expected, SigV4Scope{"20150830T123600Z", "us-east-1", "s3"},
                                    "AKID", "SECRET-never-printed");
  EXPECT_NE(signature.canonical_request.find("\nappend=&position=5\n"), std::string::npos)
      << signature.canonical_request;
  EXPECT_EQ(HeaderOf(r, "Authorization"), signature.authorization);
}

TEST(S3RequestBuilder, AppendInTheOssDialectPosts) {
  S3Config config;
  config.endpoint = "https://oss-cn-hangzhou.aliyuncs.com";
  config.region = "cn-hangzhou";
  config.bucket = "bkt";
  config.addressing = AddressingStyle::kVirtualHosted;
  config.dialect = S3Dialect::kOss;
  config.credentials = {"AKID", Secret("SECRET"), ""};
  HttpRequest r = S3RequestBuilder(config, *ParseEndpoint(config.endpoint))
                      .AppendObject(AppendRequest{"k", 0, "x"}, 0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://bkt.oss-cn-hangzhou.aliyuncs.com/k?append=&position=0");
}

TEST(S3Endpoint, ParsesAndRejects) {
  EXPECT_TRUE(ParseEndpoint("https://oss-cn-hangzhou.aliyuncs.com").ok());
  EXPECT_EQ(ParseEndpoint("http://h:1/")->authority, "h:1");
  EXPECT_FALSE(ParseEndpoint("ftp://h").ok());
  EXPECT_FALSE(ParseEndpoint("http://h/path").ok());
  EXPECT_FALSE(ParseEndpoint("http://").ok());
}

TEST(S3Endpoint, ControlCharactersAreRefusedAndNotEchoed) {
  for (const std::string& bad : std::initializer_list<std::string>{
           "http://h\r\nX-Injected: 1", "http://h\n", "http://h\tx:1",
           std::string("http://h\0x", 9), "http://h\x7f", "http://h\r\n/"}) {
    Result<ParsedEndpoint> parsed = ParseEndpoint(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("control character"), std::string::npos);
    EXPECT_EQ(parsed.status().message().find_first_of("\r\n"), std::string::npos)
        << parsed.status().message();
  }
  EXPECT_NE(ParseEndpoint("http://h\r\nX: 1").status().message().find("'http://h\\r\\nX: 1'"),
            std::string::npos);
}

}  // namespace
}  // namespace shoal
