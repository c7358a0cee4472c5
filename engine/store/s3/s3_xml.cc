#include "engine/store/s3/s3_xml.h"

#include <charconv>
#include <ctime>
#include <iomanip>
#include <optional>
#include <pugixml.hpp>
#include <sstream>

namespace shoal {
namespace {

Status Malformed(std::string_view what) {
  return Status(ErrorCode::kProtocolError,
                "the server's " + std::string(what) + " response is not valid S3 XML");
}

bool Load(pugi::xml_document& doc, std::string_view body) {
  return static_cast<bool>(
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8));
}

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

// An <Error> inside a 200 response: S3 reports some failures this way.
Status ErrorInside(const pugi::xml_document& doc, std::string_view what) {
  pugi::xml_node error = doc.child("Error");
  return Status(ErrorCode::kServerError, std::string(what) + " failed: " + Text(error, "Code") +
                                             ": " + Text(error, "Message"));
}

// A result document whose payload is an <ETag>; S3 may instead answer 200
// with an <Error> body when the operation failed late.
Result<PutResult> ParseEtagResult(std::string_view body, const char* root_name,
                                  std::string_view what) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed(what);
  if (doc.child("Error")) return ErrorInside(doc, what);
  pugi::xml_node root = doc.child(root_name);
  if (!root) return Malformed(what);
  return PutResult{UnquoteEtag(Text(root, "ETag"))};
}

// S3 caps an object at 5 TiB and OSS at 48.8 TiB; 1 PiB leaves room for
// any store while keeping offsets far from overflow. A <Size> that is
// missing, negative ("-1" would wrap to 2^64-1) or not a number is refused
// rather than read as a file of 0 or 2^64-1 bytes.
constexpr uint64_t kMaxListedObjectSize = uint64_t{1} << 50;

std::optional<uint64_t> ParseObjectSize(std::string_view text) {
  uint64_t size = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      size > kMaxListedObjectSize) {
    return std::nullopt;
  }
  return size;
}

int64_t TimeGm(std::tm& tm) { return static_cast<int64_t>(timegm(&tm)); }

}  // namespace

std::string UnquoteEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  // Some servers send &quot; escaped quotes that pugixml already decoded; the
  // above handles both forms.
  return std::string(etag);
}

int64_t ParseIso8601(std::string_view text) {
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return 0;
  return TimeGm(tm);
}

int64_t ParseHttpDate(std::string_view text) {
  std::tm tm{};
  std::istringstream in{std::string(text)};
  in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
  if (in.fail()) return 0;
  return TimeGm(tm);
}

bool ParseErrorXml(std::string_view body, S3ErrorBody* out) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return false;
  pugi::xml_node error = doc.child("Error");
  if (!error) return false;
  out->code = Text(error, "Code");
  out->message = Text(error, "Message");
  out->request_id = Text(error, "RequestId");
  return !out->code.empty();
}

Result<ListPage> ParseListObjectsV2Xml(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("ListObjectsV2");
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return Malformed("ListObjectsV2");
  ListPage page;
  for (pugi::xml_node c : root.children("Contents")) {
    ObjectInfo info;
    info.key = Text(c, "Key");
    if (info.key.empty()) {
      return Status(ErrorCode::kProtocolError, "ListObjectsV2 lists an object without a <Key>");
    }
    const std::string size_text = Text(c, "Size");
    std::optional<uint64_t> size = ParseObjectSize(size_text);
    if (!size) {
      return Status(ErrorCode::kProtocolError, "ListObjectsV2 lists object '" + info.key +
                                                   "' with an invalid <Size> '" + size_text + "'");
    }
    info.size = *size;
    info.etag = UnquoteEtag(Text(c, "ETag"));
    info.mtime_seconds = ParseIso8601(Text(c, "LastModified"));
    page.objects.push_back(std::move(info));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes")) {
    page.common_prefixes.push_back(Text(p, "Prefix"));
  }
  page.truncated = root.child("IsTruncated").text().as_bool();
  page.next_continuation_token = Text(root, "NextContinuationToken");
  // A truncated page must say where to go on; without that a lister would
  // ask for the first page again, forever.
  if (page.truncated && page.next_continuation_token.empty()) {
    return Status(ErrorCode::kProtocolError,
                  "ListObjectsV2 response is truncated but has no NextContinuationToken");
  }
  return page;
}

Result<std::string> ParseInitiateMultipartXml(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("CreateMultipartUpload");
  std::string id = Text(doc.child("InitiateMultipartUploadResult"), "UploadId");
  if (id.empty()) return Malformed("CreateMultipartUpload");
  return id;
}

Result<PutResult> ParseCompleteMultipartXml(std::string_view body) {
  return ParseEtagResult(body, "CompleteMultipartUploadResult", "CompleteMultipartUpload");
}

Result<PutResult> ParseCopyObjectXml(std::string_view body) {
  return ParseEtagResult(body, "CopyObjectResult", "CopyObject");
}

Result<PutResult> ParseCopyPartXml(std::string_view body) {
  Result<PutResult> part = ParseEtagResult(body, "CopyPartResult", "UploadPartCopy");
  // CompleteMultipartUpload needs every part's ETag.
  if (part.ok() && part->etag.empty()) return Malformed("UploadPartCopy");
  return part;
}

Result<ListUploadsPage> ParseListMultipartUploadsXml(std::string_view body) {
  pugi::xml_document doc;
  if (!Load(doc, body)) return Malformed("ListMultipartUploads");
  pugi::xml_node root = doc.child("ListMultipartUploadsResult");
  if (!root) return Malformed("ListMultipartUploads");
  ListUploadsPage page;
  for (pugi::xml_node u : root.children("Upload")) {
    page.uploads.push_back(PendingUpload{Text(u, "Key"), Text(u, "UploadId")});
  }
  page.truncated = root.child("IsTruncated").text().as_bool();
  page.next_key_marker = Text(root, "NextKeyMarker");
  page.next_upload_id_marker = Text(root, "NextUploadIdMarker");
  if (page.truncated && page.next_key_marker.empty() && page.next_upload_id_marker.empty()) {
    return Status(ErrorCode::kProtocolError,
                  "ListMultipartUploads response is truncated but has no next marker");
  }
  return page;
}

std::string CompleteMultipartXml(const std::vector<CompletedPart>& parts) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  for (const CompletedPart& part : parts) {
    pugi::xml_node p = root.append_child("Part");
    p.append_child("PartNumber").text().set(part.part_number);
    p.append_child("ETag").text().set(("\"" + part.etag + "\"").c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace shoal
