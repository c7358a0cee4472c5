#include "engine/store/s3/s3_xml.h"

#include <gtest/gtest.h>

#include "engine/store/s3/s3_errors.h"

namespace shoal {
namespace {

TEST(S3Xml, ParsesListObjectsV2) {
  const char* body = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>d/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextContinuationToken>tok+/=</NextContinuationToken>
  <Contents><Key>d/a &amp; b.txt</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;0123abcd&quot;</ETag><Size>42</Size></Contents>
  <CommonPrefixes><Prefix>d/sub/</Prefix></CommonPrefixes>
</ListBucketResult>)";
  Result<ListPage> page = ParseListObjectsV2Xml(body);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].key, "d/a & b.txt");
  EXPECT_EQ(page->objects[0].size, 42u);
  EXPECT_EQ(page->objects[0].etag, "0123abcd");
  EXPECT_EQ(page->objects[0].mtime_seconds, 1704164645);
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"d/sub/"});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "tok+/=");
}

TEST(S3Xml, RejectsGarbageWithoutCrashing) {
  for (const char* body : {"", "<", "not xml", "<Other/>", "<ListBucketResult><Contents>"}) {
    Result<ListPage> page = ParseListObjectsV2Xml(body);
    if (!page.ok()) {
      EXPECT_EQ(page.status().code(), ErrorCode::kProtocolError);
    }
  }
  EXPECT_FALSE(ParseInitiateMultipartXml("<Nope/>").ok());
  EXPECT_FALSE(ParseCompleteMultipartXml("").ok());
}

// A truncated page with nowhere to go on would make a lister loop forever.
TEST(S3Xml, TruncatedPageWithoutAContinuationIsAnError) {
  Result<ListPage> page = ParseListObjectsV2Xml(
      "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a</Key><Size>1</Size>"
      "</Contents>"
      "</ListBucketResult>");
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), ErrorCode::kProtocolError);
  EXPECT_NE(page.status().message().find("NextContinuationToken"), std::string::npos);
  Result<ListUploadsPage> uploads = ParseListMultipartUploadsXml(
      "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated></ListMultipartUploadsResult>");
  EXPECT_FALSE(uploads.ok());
}

// A listed size becomes a file's size in the manifest: "-1" must not wrap to
// 2^64-1, and a missing or non-numeric one must not read as an empty file.
TEST(S3Xml, AListedObjectNeedsAKeyAndAPlausibleSize) {
  auto listing = [](const std::string& contents) {
    return ParseListObjectsV2Xml("<ListBucketResult><Contents>" + contents +
                                 "</Contents></ListBucketResult>");
  };
  for (const char* size : {"", "-1", "12x", " 7", "18446744073709551615", "1125899906842625"}) {
    Result<ListPage> page = listing("<Key>k</Key><Size>" + std::string(size) + "</Size>");
    ASSERT_FALSE(page.ok()) << "size '" << size << "'";
    EXPECT_EQ(page.status().code(), ErrorCode::kProtocolError);
    EXPECT_NE(page.status().message().find("'k'"), std::string::npos) << page.status().ToString();
    EXPECT_NE(page.status().message().find("<Size>"), std::string::npos);
  }
  EXPECT_FALSE(listing("<Key>k</Key>").ok());
  EXPECT_FALSE(listing("<Size>3</Size>").ok());
  Result<ListPage> largest = listing("<Key>k</Key><Size>1125899906842624</Size>");
  ASSERT_TRUE(largest.ok()) << largest.status().ToString();
  EXPECT_EQ(largest->objects[0].size, uint64_t{1} << 50);
}

TEST(S3Xml, MultipartDocuments) {
  Result<std::string> id = ParseInitiateMultipartXml(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>2~abc</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "2~abc");

  Result<PutResult> done = ParseCompleteMultipartXml(
      "<CompleteMultipartUploadResult><ETag>\"ff-2\"</ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->etag, "ff-2");

  // S3 may answer 200 with an <Error> body for a failed completion.
  Result<PutResult> failed =
      ParseCompleteMultipartXml("<Error><Code>InternalError</Code><Message>boom</Message></Error>");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("InternalError"), std::string::npos);

  Result<ListUploadsPage> uploads = ParseListMultipartUploadsXml(
      "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>"
      "<Upload><Key>a</Key><UploadId>1</UploadId></Upload>"
      "<Upload><Key>b</Key><UploadId>2</UploadId></Upload></ListMultipartUploadsResult>");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->uploads.size(), 2u);
  EXPECT_EQ(uploads->uploads[1].key, "b");
  EXPECT_EQ(uploads->uploads[1].upload_id, "2");
}

TEST(S3Xml, CopyPartResult) {
  Result<PutResult> part = ParseCopyPartXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<CopyPartResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <LastModified>2024-01-02T03:04:05.000Z</LastModified>
  <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
</CopyPartResult>)");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->etag, "9b2cf535f27731c974343645a3985328");

  // A copy can fail after the 200 status line went out: the body is an <Error>.
  Result<PutResult> failed = ParseCopyPartXml(
      "<Error><Code>InternalError</Code><Message>We encountered an internal error."
      "</Message><RequestId>rid-2</RequestId></Error>");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kServerError);
  EXPECT_NE(failed.status().message().find("UploadPartCopy"), std::string::npos);
  EXPECT_NE(failed.status().message().find("InternalError"), std::string::npos);

  for (const char* body :
       {"", "<CopyPartResult/>", "<CopyObjectResult><ETag>x</ETag></CopyObjectResult>"}) {
    EXPECT_EQ(ParseCopyPartXml(body).status().code(), ErrorCode::kProtocolError) << body;
  }
}

TEST(S3Xml, CompleteBodyEscapesEtags) {
  std::string xml = CompleteMultipartXml({{1, "aa"}, {2, "bb"}});
  EXPECT_EQ(xml,
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"aa\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"bb\"</ETag></Part></CompleteMultipartUpload>");
}

TEST(S3Xml, Dates) {
  EXPECT_EQ(ParseIso8601("2024-01-02T03:04:05.000Z"), 1704164645);
  EXPECT_EQ(ParseHttpDate("Tue, 02 Jan 2024 03:04:05 GMT"), 1704164645);
  EXPECT_EQ(ParseIso8601("garbage"), 0);
}

HttpResponse ErrorResponse(int status, const std::string& code) {
  HttpResponse r;
  r.status = status;
  r.body = "<Error><Code>" + code +
           "</Code><Message>server says</Message>"
           "<RequestId>rid-1</RequestId></Error>";
  return r;
}

TEST(S3Errors, TypedAndActionable) {
  struct Case {
    int status;
    ErrorCode expected;
    const char* code;
    const char* hint;
  } cases[] = {
      {404, ErrorCode::kNotFound, "NoSuchKey", "does not exist"},
      {404, ErrorCode::kNoSuchBucket, "NoSuchBucket", "bucket 'bkt'"},
      {403, ErrorCode::kAccessDenied, "AccessDenied", "permission"},
      {403, ErrorCode::kInvalidAccessKeyId, "InvalidAccessKeyId", "AWS_ACCESS_KEY_ID"},
      {403, ErrorCode::kSignatureDoesNotMatch, "SignatureDoesNotMatch", "secret key"},
      {400, ErrorCode::kAccessDenied, "ExpiredToken", "--credentials-file"},
      {412, ErrorCode::kPreconditionFailed, "PreconditionFailed", "changed"},
      {416, ErrorCode::kInvalidRange, "InvalidRange", "range"},
      {503, ErrorCode::kSlowDown, "SlowDown", "slow down"},
      {404, ErrorCode::kNoSuchUpload, "NoSuchUpload", "multipart"},
      {500, ErrorCode::kServerError, "InternalError", "HTTP 500"},
      {409, ErrorCode::kPositionMismatch, "PositionNotEqualToLength", "length of object 'k'"},
      {409, ErrorCode::kNotAppendable, "ObjectNotAppendable", "not created by appending"},
      {501, ErrorCode::kUnsupported, "NotImplemented", "does not implement"},
  };
  for (const Case& c : cases) {
    Status s = S3ErrorStatus(ErrorResponse(c.status, c.code), "GetObject", "bkt", "k");
    EXPECT_EQ(s.code(), c.expected) << c.code;
    EXPECT_NE(s.message().find(c.hint), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("rid-1"), std::string::npos) << s.message();
    EXPECT_EQ(s.http_status(), c.status);
  }
  // A HEAD answer has no body: the status alone decides.
  HttpResponse head;
  head.status = 404;
  EXPECT_EQ(S3ErrorStatus(head, "HeadObject", "b", "k").code(), ErrorCode::kNotFound);
  head.status = 403;
  Status refused = S3ErrorStatus(head, "HeadObject", "b", "k");
  EXPECT_EQ(refused.code(), ErrorCode::kAccessDenied);
  // It cannot tell a wrong secret from a missing permission, so it names both.
  EXPECT_NE(refused.message().find("secret key"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("permission"), std::string::npos) << refused.message();
  EXPECT_EQ(refused.message().find("credentials are valid"), std::string::npos)
      << refused.message();
  head.status = 501;
  EXPECT_EQ(S3ErrorStatus(head, "HeadObject", "b", "k").code(), ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace shoal
