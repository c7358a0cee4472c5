// What an append's answer means, per dialect: the next position, the typed
// conflicts, and every way a server says it has no appendable objects.
#include "engine/store/s3/s3_append.h"

#include <gtest/gtest.h>

namespace shoal {
namespace {

HttpResponse Answer(int status, std::vector<HttpHeader> headers = {}, std::string body = "") {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

std::string ErrorBody(const std::string& code) {
  return "<Error><Code>" + code + "</Code><Message>says the server</Message>" +
         "<RequestId>rid-9</RequestId></Error>";
}

bool Mentions(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TEST(S3Append, NextPositionAndEtagPerDialect) {
  Result<AppendResult> rgw =
      ParseAppendResponse(Answer(200, {{"X-Rgw-Next-Append-Position", "12"}, {"ETag", "\"abc\""}}),
                          S3Dialect::kRgw, "k");
  ASSERT_TRUE(rgw.ok()) << rgw.status().ToString();
  EXPECT_EQ(rgw->next_position, 12u);
  EXPECT_FALSE(rgw->etag.has_value());  // RGW's is the chunk's MD5, not the object's

  Result<AppendResult> oss =
      ParseAppendResponse(Answer(200, {{"x-oss-next-append-position", "7"}, {"ETag", "\"def\""}}),
                          S3Dialect::kOss, "k");
  ASSERT_TRUE(oss.ok()) << oss.status().ToString();
  EXPECT_EQ(oss->next_position, 7u);
  EXPECT_EQ(oss->etag, "def");

  Result<AppendResult> garbled = ParseAppendResponse(
      Answer(200, {{"x-rgw-next-append-position", "12x"}}), S3Dialect::kRgw, "k");
  EXPECT_EQ(garbled.status().code(), ErrorCode::kProtocolError);
}

TEST(S3Append, AnAnswerWithoutThePositionMeansTheServerIgnoredAppend) {
  // What a server that treats PUT ?append as a plain PUT answers.
  for (S3Dialect dialect : {S3Dialect::kRgw, S3Dialect::kOss}) {
    Result<AppendResult> r = ParseAppendResponse(Answer(200, {{"ETag", "\"e\""}}), dialect, "k");
    EXPECT_EQ(r.status().code(), ErrorCode::kUnsupported);
    EXPECT_TRUE(Mentions(r.status(), std::string(NextAppendPositionHeader(dialect))))
        << r.status().message();
    EXPECT_TRUE(Mentions(r.status(), "plain object")) << r.status().message();
  }
}

TEST(S3Append, PositionConflictsAreTypedAndNameKeyAndPosition) {
  Status rgw = AppendErrorStatus(Answer(409, {}, ErrorBody("PositionNotEqualToLength")),
                                 S3Dialect::kRgw, "bkt", "logs/a", 7);
  EXPECT_EQ(rgw.code(), ErrorCode::kPositionMismatch);
  EXPECT_EQ(rgw.http_status(), 409);
  EXPECT_TRUE(Mentions(rgw, "'logs/a'")) << rgw.message();
  EXPECT_TRUE(Mentions(rgw, "position 7")) << rgw.message();
  EXPECT_TRUE(Mentions(rgw, "rid-9")) << rgw.message();

  // Both say where the object ends.
  Status rgw_length = AppendErrorStatus(
      Answer(409, {{"x-rgw-next-append-position", "11"}}, ErrorBody("PositionNotEqualToLength")),
      S3Dialect::kRgw, "bkt", "logs/a", 7);
  EXPECT_TRUE(Mentions(rgw_length, "length is 11")) << rgw_length.message();
  Status oss = AppendErrorStatus(
      Answer(409, {{"x-oss-next-append-position", "3"}}, ErrorBody("PositionNotEqualToLength")),
      S3Dialect::kOss, "bkt", "logs/a", 7);
  EXPECT_EQ(oss.code(), ErrorCode::kPositionMismatch);
  EXPECT_TRUE(Mentions(oss, "length is 3")) << oss.message();

  // RGW's EEXIST when another append committed first (a killed writer's
  // last request finishing while the resumed writer appends).
  Status raced = AppendErrorStatus(Answer(409, {}, ErrorBody("BucketAlreadyExists")),
                                   S3Dialect::kRgw, "bkt", "logs/a", 7);
  EXPECT_EQ(raced.code(), ErrorCode::kPositionMismatch);
  EXPECT_TRUE(Mentions(raced, "another append")) << raced.message();
  EXPECT_TRUE(Mentions(raced, "'logs/a'")) << raced.message();

  Status normal = AppendErrorStatus(Answer(409, {}, ErrorBody("ObjectNotAppendable")),
                                    S3Dialect::kRgw, "bkt", "plain", 0);
  EXPECT_EQ(normal.code(), ErrorCode::kNotAppendable);
  EXPECT_TRUE(Mentions(normal, "'plain'")) << normal.message();
}

TEST(S3Append, ServersWithoutAppendAnswerUnsupported) {
  const HttpResponse refusals[] = {
      Answer(501, {}, ErrorBody("NotImplemented")),   Answer(501),
      Answer(405, {}, ErrorBody("MethodNotAllowed")), Answer(400, {}, ErrorBody("InvalidArgument")),
      Answer(400, {}, ErrorBody("InvalidRequest")),   Answer(400),
  };
  for (const HttpResponse& refusal : refusals) {
    Status s = AppendErrorStatus(refusal, S3Dialect::kRgw, "bkt", "k", 0);
    EXPECT_EQ(s.code(), ErrorCode::kUnsupported) << refusal.status << " " << refusal.body;
    EXPECT_TRUE(Mentions(s, "does not support appendable objects")) << s.message();
    EXPECT_EQ(s.http_status(), refusal.status);
  }
}

TEST(S3Append, OtherErrorsKeepTheirMeaning) {
  EXPECT_EQ(
      AppendErrorStatus(Answer(404, {}, ErrorBody("NoSuchBucket")), S3Dialect::kRgw, "bkt", "k", 0)
          .code(),
      ErrorCode::kNoSuchBucket);
  EXPECT_EQ(AppendErrorStatus(Answer(400, {}, ErrorBody("AuthorizationHeaderMalformed")),
                              S3Dialect::kRgw, "bkt", "k", 0)
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      AppendErrorStatus(Answer(403, {}, ErrorBody("AccessDenied")), S3Dialect::kOss, "bkt", "k", 0)
          .code(),
      ErrorCode::kAccessDenied);
}

}  // namespace
}  // namespace shoal
