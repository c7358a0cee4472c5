// Fuzz target: every S3 XML response parser (engine/store/s3/s3_xml.h) on
// the same body: ListObjectsV2, Error, CreateMultipartUpload,
// CompleteMultipartUpload, CopyObject, UploadPartCopy, ListMultipartUploads,
// and the two date parsers. A server (or whatever answers in its place)
// controls these bodies completely.
//
// Invariants: a failure is kProtocolError, or kServerError for an <Error>
// inside a 200; what succeeds has the fields its callers rely on (an
// UploadId, a CopyPart ETag, an error Code), and no text field carries a
// NUL. The input's lines also serve as part ETags for the request body
// CompleteMultipartXml writes, which must parse back to the same ETags.
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "engine/store/s3/s3_xml.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using shoal::ErrorCode;
using shoal::fuzz::Require;

void RequireText(const std::string& s) { Require(s.find('\0') == std::string::npos); }

template <typename T>
void RequireParseFailure(const shoal::Result<T>& result) {
  if (result.ok()) return;
  const ErrorCode code = result.status().code();
  Require(code == ErrorCode::kProtocolError || code == ErrorCode::kServerError);
}

void CheckPutResult(const shoal::Result<shoal::PutResult>& result) {
  RequireParseFailure(result);
  if (result.ok()) RequireText(result->etag);
}

void CheckResponses(std::string_view body) {
  shoal::S3ErrorBody error;
  if (shoal::ParseErrorXml(body, &error)) Require(!error.code.empty());
  RequireText(error.code), RequireText(error.message), RequireText(error.request_id);

  const auto list = shoal::ParseListObjectsV2Xml(body);
  RequireParseFailure(list);
  if (list.ok()) {
    for (const shoal::ObjectInfo& object : list->objects) {
      RequireText(object.key), RequireText(object.etag);
      Require(!object.key.empty() && object.size <= (uint64_t{1} << 50));
    }
    for (const std::string& prefix : list->common_prefixes) RequireText(prefix);
    RequireText(list->next_continuation_token);
  }

  const auto upload_id = shoal::ParseInitiateMultipartXml(body);
  RequireParseFailure(upload_id);
  if (upload_id.ok()) Require(!upload_id->empty() && upload_id->find('\0') == std::string::npos);

  CheckPutResult(shoal::ParseCompleteMultipartXml(body));
  CheckPutResult(shoal::ParseCopyObjectXml(body));
  const auto part = shoal::ParseCopyPartXml(body);
  CheckPutResult(part);
  if (part.ok()) Require(!part->etag.empty());

  const auto uploads = shoal::ParseListMultipartUploadsXml(body);
  RequireParseFailure(uploads);
  if (uploads.ok()) {
    for (const shoal::PendingUpload& u : uploads->uploads) {
      RequireText(u.key), RequireText(u.upload_id);
    }
    RequireText(uploads->next_key_marker), RequireText(uploads->next_upload_id_marker);
  }

  (void)shoal::ParseIso8601(body);
  (void)shoal::ParseHttpDate(body);
}

// The request body must carry each ETag exactly, whatever bytes it holds
// (pugixml escapes markup and control bytes). NUL cannot be carried and
// '\r' is normalised by any XML parser, so those lines are left out.
void CheckCompleteRequest(std::string_view input) {
  std::vector<shoal::CompletedPart> parts;
  for (std::string_view line : shoal::fuzz::Lines(input, 64)) {
    if (line.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos) continue;
    parts.push_back({static_cast<int>(parts.size()) + 1, std::string(line)});
  }
  const std::string xml = shoal::CompleteMultipartXml(parts);
  pugi::xml_document doc;
  Require(static_cast<bool>(doc.load_buffer(xml.data(), xml.size())));
  size_t i = 0;
  for (pugi::xml_node part : doc.child("CompleteMultipartUpload").children("Part")) {
    Require(i < parts.size());
    Require(part.child("PartNumber").text().as_int() == parts[i].part_number);
    Require(part.child("ETag").text().as_string() == "\"" + parts[i].etag + "\"");
    ++i;
  }
  Require(i == parts.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = shoal::fuzz::AsText(data, size);
  CheckResponses(input);
  CheckCompleteRequest(input);
  return 0;
}
