// One HTTP exchange on a libcurl easy handle: configuring the handle from an
// HttpRequest and turning the outcome into Result<HttpResponse>.
//
// Both the blocking transport (curl_easy_perform) and the engine's multi
// transport use this, so option setting and error mapping exist once.
// An Exchange must outlive the transfer; it is not thread-safe.
#pragma once

#include <curl/curl.h>

#include "engine/base/result.h"
#include "engine/http/http_message.h"
#include "engine/http/http_transport.h"

namespace shoal {

class CurlExchange {
 public:
  // Configures `easy` (after curl_easy_reset, which keeps its connection) for
  // `request`. The exchange keeps pointers into itself in the handle.
  CurlExchange(CURL* easy, HttpRequest request, const TransportOptions& options);
  ~CurlExchange();
  CurlExchange(const CurlExchange&) = delete;
  CurlExchange& operator=(const CurlExchange&) = delete;

  // Builds the result once the transfer has finished with `code`.
  Result<HttpResponse> Finish(CURLcode code);

  const HttpRequest& request() const { return request_; }

 private:
  static size_t OnBody(char* data, size_t size, size_t count, void* self);
  static size_t OnHeader(char* data, size_t size, size_t count, void* self);
  static size_t OnUpload(char* buffer, size_t size, size_t count, void* self);

  CURL* easy_;
  HttpRequest request_;
  HttpResponse response_;
  curl_slist* header_list_ = nullptr;
  size_t upload_offset_ = 0;
  // The most OnBody reserves for the announced body (see curl_easy.cc).
  size_t reserve_limit_ = 0;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

// Status for a failed transfer, e.g. kTimeout for CURLE_OPERATION_TIMEDOUT.
Status StatusFromCurl(CURLcode code, const HttpRequest& request, const char* detail);

// Process-wide libcurl initialisation, done once on first use (thread-safe).
void EnsureCurlInitialised();

}  // namespace shoal
