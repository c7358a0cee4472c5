// Plain HTTP request and response values.
//
// These are what the S3 request builder produces and what transports carry;
// they hold no sockets or handles, so building and parsing stay testable
// without a network and independent of how the bytes are moved.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal {

using HttpHeader = std::pair<std::string, std::string>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;                  // complete, already encoded
  std::vector<HttpHeader> headers;  // sent exactly as given
  std::string body;                 // sent for PUT and POST
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;  // names as the server sent them
  std::string body;

  // Case-insensitive lookup of the first header with this name.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Case-insensitive ASCII comparison of header names.
bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace shoal
