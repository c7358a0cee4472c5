#include "engine/http/curl_easy.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace shoal {
namespace {

// A body without a Range is reserved up to this much; past it, it grows.
constexpr size_t kUnrangedReserveLimit = 16 << 20;

// The length "Range: bytes=FIRST-LAST" asks for, or 0 if it is not that form.
size_t RangeLength(std::string_view value) {
  if (value.rfind("bytes=", 0) != 0) return 0;
  value.remove_prefix(6);
  const size_t dash = value.find('-');
  uint64_t first = 0, last = 0;
  if (dash == std::string_view::npos ||
      std::from_chars(value.data(), value.data() + dash, first).ptr != value.data() + dash ||
      std::from_chars(value.data() + dash + 1, value.data() + value.size(), last).ptr !=
          value.data() + value.size() ||
      last < first) {
    return 0;
  }
  return static_cast<size_t>(last - first + 1);
}

}  // namespace

void EnsureCurlInitialised() {
  // libcurl requires one global init before any handle exists; a function
  // local static makes that happen exactly once, thread-safely.
  static const bool initialised = [] { return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK; }();
  (void)initialised;
}

CurlExchange::CurlExchange(CURL* easy, HttpRequest request, const TransportOptions& options)
    : easy_(easy), request_(std::move(request)) {
  curl_easy_reset(easy_);
  curl_easy_setopt(easy_, CURLOPT_URL, request_.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  // Keys may contain "." and ".." segments; send them exactly as encoded.
  curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes_per_second);
  curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options.low_speed_window.count()));
  if (!options.ca_bundle.empty())
    curl_easy_setopt(easy_, CURLOPT_CAINFO, options.ca_bundle.c_str());
  if (!options.verify_tls) {
    curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &CurlExchange::OnBody);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &CurlExchange::OnHeader);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);

  const std::string& m = request_.method;
  if (m == "GET") {
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else if (m == "PUT") {
    curl_easy_setopt(easy_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy_, CURLOPT_READFUNCTION, &CurlExchange::OnUpload);
    curl_easy_setopt(easy_, CURLOPT_READDATA, this);
    curl_easy_setopt(easy_, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request_.body.size()));
  } else if (m == "POST") {
    curl_easy_setopt(easy_, CURLOPT_POST, 1L);
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, request_.body.data());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request_.body.size()));
  } else {
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  bool has_content_type = false;
  reserve_limit_ = kUnrangedReserveLimit;
  for (const auto& [name, value] : request_.headers) {
    has_content_type = has_content_type || HeaderNameEquals(name, "content-type");
    if (HeaderNameEquals(name, "range")) reserve_limit_ = RangeLength(value);
    std::string line = name;
    line += value.empty() ? ";" : ": ";
    line += value;
    header_list_ = curl_slist_append(header_list_, line.c_str());
  }
  // No "Expect: 100-continue" round trip, and no form content type on POST.
  header_list_ = curl_slist_append(header_list_, "Expect:");
  if (!has_content_type) header_list_ = curl_slist_append(header_list_, "Content-Type:");
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, header_list_);
}

CurlExchange::~CurlExchange() {
  // Detach our pointers from the handle before they dangle; the handle itself
  // (and its kept-alive connection) belongs to the transport.
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(header_list_);
}

size_t CurlExchange::OnBody(char* data, size_t size, size_t count, void* self) {
  auto* ex = static_cast<CurlExchange*>(self);
  // The whole body at once when the answer announces its length: appended
  // piece by piece, the string doubles as it grows and ends with up to
  // twice its size in capacity, which the read engine's budget (counting
  // size) never sees. A Content-Length larger than the Range asked for is
  // not believed (the body is checked against the request afterwards).
  if (ex->response_.body.empty()) {
    curl_off_t length = -1;
    if (curl_easy_getinfo(ex->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
        length > 0) {
      ex->response_.body.reserve(std::min(static_cast<size_t>(length), ex->reserve_limit_));
    }
  }
  ex->response_.body.append(data, size * count);
  return size * count;
}

size_t CurlExchange::OnHeader(char* data, size_t size, size_t count, void* self) {
  auto* ex = static_cast<CurlExchange*>(self);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->response_.headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    ex->response_.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * count;
}

size_t CurlExchange::OnUpload(char* buffer, size_t size, size_t count, void* self) {
  auto* ex = static_cast<CurlExchange*>(self);
  size_t n = std::min(size * count, ex->request_.body.size() - ex->upload_offset_);
  ex->request_.body.copy(buffer, n, ex->upload_offset_);
  ex->upload_offset_ += n;
  return n;
}

Result<HttpResponse> CurlExchange::Finish(CURLcode code) {
  if (code != CURLE_OK) return StatusFromCurl(code, request_, error_buffer_);
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  response_.status = static_cast<int>(status);
  return std::move(response_);
}

Status StatusFromCurl(CURLcode code, const HttpRequest& request, const char* detail) {
  std::string what = request.method + " " + request.url + ": ";
  what += (detail != nullptr && detail[0] != '\0') ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status(ErrorCode::kTimeout, what + " (timed out)");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      // Configuration mistakes, not transient faults: these are never retried.
      return Status(ErrorCode::kInvalidArgument, what + " (check the endpoint host name)");
    case CURLE_COULDNT_CONNECT:
      return Status(ErrorCode::kNetwork, what + " (is the server running at that endpoint?)");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
      return Status(ErrorCode::kInvalidArgument, what + " (TLS problem: check the CA bundle)");
    default:
      return Status(ErrorCode::kNetwork, what);
  }
}

}  // namespace shoal
