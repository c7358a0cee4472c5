// HTTP/1.1 framing for shoal-fault-proxy: where a head ends, what it says
// about the body after it, and where that body ends.
//
// The proxy forwards requests exactly as they arrived (SigV4 signs the
// headers, so not one byte may change), so the parsers only read a head and
// the body tracker only counts how many of the bytes it is shown still belong
// to the body; they never rebuild a message. That is all keep-alive needs on
// either side. Pure functions, so unit tests can split bodies at every byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/result.h"

namespace shoal::bench {

// Offset just past the blank line that ends the head at the start of
// `buffer`, or npos while the head is incomplete.
size_t FindHeadEnd(std::string_view buffer);

// The trimmed value of the first header called `name` (any case) in `head`.
std::optional<std::string_view> HeaderValue(std::string_view head, std::string_view name);

// Replaces the value of the first header called `name`; false if there is none.
bool ReplaceHeaderValue(std::string& head, std::string_view name, std::string_view value);

struct BodyFraming {
  enum class Kind { kNone, kLength, kChunked, kUntilClose };
  Kind kind = Kind::kNone;
  uint64_t length = 0;  // kLength only
};

struct RequestHead {
  std::string method;
  std::string target;  // as sent: path and query
  BodyFraming body;    // never kUntilClose
  bool expect_continue = false;
  bool close = false;  // the client closes after this request
};
Result<RequestHead> ParseRequestHead(std::string_view head);

struct ResponseHead {
  int status = 0;
  BodyFraming body;    // none for HEAD requests, 1xx, 204 and 304
  bool close = false;  // the server closes after this response
};
Result<ResponseHead> ParseResponseHead(std::string_view head, std::string_view request_method);

// Follows one body through the bytes that arrive after its head.
class BodyTracker {
 public:
  explicit BodyTracker(BodyFraming framing);

  // How many leading bytes of `data` belong to the body; the rest belong to
  // whatever follows it. Appends the payload (chunk framing removed) to
  // `payload` when given.
  size_t Consume(std::string_view data, std::string* payload = nullptr);

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  // The body ends only when the peer closes.
  bool until_close() const { return until_close_; }

 private:
  enum class State {
    kLength,       // counting down `remaining_`
    kSize,         // chunk size digits
    kExtension,    // ";name=value" after the size
    kSizeLf,       // "\n" ending the size line
    kData,         // chunk data, `remaining_` left
    kDataCr,       // "\r\n" after the data
    kDataLf,       //
    kTrailer,      // start of a trailer line, or of the final blank line
    kTrailerLine,  // inside a trailer line
    kTrailerLf,    // "\n" ending a trailer line
    kFinalLf,      // "\n" ending the body
    kDone,
    kFailed,
  };
  size_t ConsumeChunked(std::string_view data, std::string* payload);

  State state_ = State::kDone;
  uint64_t remaining_ = 0;
  bool size_digits_ = false;
  bool until_close_ = false;
};

// A complete response the proxy writes itself. HEAD answers keep the
// Content-Length of `body` but leave it out.
std::string BuildResponse(int status, std::string_view content_type, std::string_view body,
                          bool head_only, bool close);

}  // namespace shoal::bench
