#include "tools/bench/http_framing.h"

#include <algorithm>
#include <charconv>

namespace shoal::bench {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Where the value of the first header `name` lies in `head`.
struct ValueSpan {
  size_t begin;
  size_t end;
};

std::optional<ValueSpan> FindHeader(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");  // skip the start line
  while (pos != std::string_view::npos) {
    const size_t line = pos + 2;
    size_t line_end = head.find("\r\n", line);
    if (line_end == std::string_view::npos) line_end = head.size();
    if (line_end == line) break;  // the blank line ending the head
    const std::string_view text = head.substr(line, line_end - line);
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos && EqualsIgnoreCase(text.substr(0, colon), name)) {
      const std::string_view raw = text.substr(colon + 1);
      const std::string_view value = Trim(raw);
      const size_t begin = line + colon + 1 + static_cast<size_t>(value.data() - raw.data());
      return ValueSpan{begin, begin + value.size()};
    }
    pos = line_end < head.size() ? line_end : std::string_view::npos;
  }
  return std::nullopt;
}

// Whether the comma-separated `list` holds `token` (any case).
bool HasToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (EqualsIgnoreCase(Trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Splits the start line "A B C..." into its first two words and the rest,
// which may be empty (a status line need not have a reason phrase).
bool SplitStartLine(std::string_view head, std::string_view parts[3]) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  const size_t first = line.find(' ');
  if (first == std::string_view::npos || first == 0) return false;
  parts[0] = line.substr(0, first);
  line.remove_prefix(first + 1);
  const size_t second = line.find(' ');
  parts[1] = line.substr(0, second);
  parts[2] = second == std::string_view::npos ? std::string_view() : line.substr(second + 1);
  return !parts[1].empty();
}

// Whether the peer that sent `head` (version `version`) closes after it.
bool Closes(std::string_view head, std::string_view version) {
  const std::optional<std::string_view> connection = HeaderValue(head, "Connection");
  if (version == "HTTP/1.0") return !connection || !HasToken(*connection, "keep-alive");
  return connection && HasToken(*connection, "close");
}

// The body framing that Transfer-Encoding and Content-Length announce;
// nullopt when neither is present.
Result<std::optional<BodyFraming>> AnnouncedBody(std::string_view head) {
  if (const auto encoding = HeaderValue(head, "Transfer-Encoding")) {
    std::string_view last = *encoding;
    if (const size_t comma = last.rfind(','); comma != std::string_view::npos) {
      last = last.substr(comma + 1);
    }
    if (!EqualsIgnoreCase(Trim(last), "chunked")) {
      return Status(ErrorCode::kProtocolError,
                    "unsupported Transfer-Encoding: " + std::string(*encoding));
    }
    return std::optional<BodyFraming>(BodyFraming{BodyFraming::Kind::kChunked, 0});
  }
  if (const auto length = HeaderValue(head, "Content-Length")) {
    uint64_t value = 0;
    const auto [end, error] =
        std::from_chars(length->data(), length->data() + length->size(), value);
    if (length->empty() || error != std::errc() || end != length->data() + length->size()) {
      return Status(ErrorCode::kProtocolError, "bad Content-Length: " + std::string(*length));
    }
    return std::optional<BodyFraming>(BodyFraming{BodyFraming::Kind::kLength, value});
  }
  return std::optional<BodyFraming>();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Slow Down";
    default:
      return "Error";
  }
}

}  // namespace

size_t FindHeadEnd(std::string_view buffer) {
  const size_t blank = buffer.find("\r\n\r\n");
  return blank == std::string_view::npos ? std::string_view::npos : blank + 4;
}

std::optional<std::string_view> HeaderValue(std::string_view head, std::string_view name) {
  const std::optional<ValueSpan> span = FindHeader(head, name);
  if (!span) return std::nullopt;
  return head.substr(span->begin, span->end - span->begin);
}

bool ReplaceHeaderValue(std::string& head, std::string_view name, std::string_view value) {
  const std::optional<ValueSpan> span = FindHeader(head, name);
  if (!span) return false;
  head.replace(span->begin, span->end - span->begin, value);
  return true;
}

Result<RequestHead> ParseRequestHead(std::string_view head) {
  std::string_view parts[3];
  if (!SplitStartLine(head, parts) || !parts[2].starts_with("HTTP/1.")) {
    return Status(ErrorCode::kProtocolError, "not an HTTP/1.x request line");
  }
  RequestHead request;
  request.method = std::string(parts[0]);
  request.target = std::string(parts[1]);
  request.close = Closes(head, parts[2]);
  const std::optional<std::string_view> expect = HeaderValue(head, "Expect");
  request.expect_continue = expect && EqualsIgnoreCase(*expect, "100-continue");
  Result<std::optional<BodyFraming>> body = AnnouncedBody(head);
  if (!body.ok()) return body.status();
  if (*body) request.body = **body;
  return request;
}

Result<ResponseHead> ParseResponseHead(std::string_view head, std::string_view request_method) {
  std::string_view parts[3];
  const bool split = SplitStartLine(head, parts);
  int status = 0;
  if (split && parts[1].size() == 3) {
    const auto [end, error] = std::from_chars(parts[1].data(), parts[1].data() + 3, status);
    if (error != std::errc() || end != parts[1].data() + 3) status = 0;
  }
  if (!split || !parts[0].starts_with("HTTP/1.") || status < 100) {
    return Status(ErrorCode::kProtocolError, "not an HTTP/1.x status line");
  }
  ResponseHead response;
  response.status = status;
  response.close = Closes(head, parts[0]);
  if (request_method == "HEAD" || status < 200 || status == 204 || status == 304) return response;
  Result<std::optional<BodyFraming>> body = AnnouncedBody(head);
  if (!body.ok()) {
    // A transfer coding we cannot follow still ends when the server closes.
    response.body.kind = BodyFraming::Kind::kUntilClose;
    return response;
  }
  response.body = body->value_or(BodyFraming{BodyFraming::Kind::kUntilClose, 0});
  return response;
}

BodyTracker::BodyTracker(BodyFraming framing) {
  switch (framing.kind) {
    case BodyFraming::Kind::kNone:
      break;
    case BodyFraming::Kind::kLength:
      remaining_ = framing.length;
      if (remaining_ > 0) state_ = State::kLength;
      break;
    case BodyFraming::Kind::kChunked:
      state_ = State::kSize;
      break;
    case BodyFraming::Kind::kUntilClose:
      until_close_ = true;
      state_ = State::kLength;
      break;
  }
}

size_t BodyTracker::Consume(std::string_view data, std::string* payload) {
  if (until_close_) {
    if (payload) payload->append(data);
    return data.size();
  }
  if (state_ == State::kDone || state_ == State::kFailed) return 0;
  if (state_ != State::kLength) return ConsumeChunked(data, payload);
  const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
  if (payload) payload->append(data.substr(0, n));
  remaining_ -= n;
  if (remaining_ == 0) state_ = State::kDone;
  return n;
}

size_t BodyTracker::ConsumeChunked(std::string_view data, std::string* payload) {
  size_t i = 0;
  // Moves to `next` if the byte at i is `expected`, else fails.
  auto expect = [&](char expected, State next) {
    state_ = data[i] == expected ? next : State::kFailed;
    if (state_ != State::kFailed) ++i;
  };
  while (i < data.size() && state_ != State::kDone && state_ != State::kFailed) {
    const char c = data[i];
    switch (state_) {
      case State::kSize:
        if (const int digit = HexDigit(c); digit >= 0) {
          if (remaining_ > (UINT64_MAX >> 4)) {
            state_ = State::kFailed;
            break;
          }
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(digit);
          size_digits_ = true;
          ++i;
        } else if (size_digits_ && c == '\r') {
          expect('\r', State::kSizeLf);
        } else if (size_digits_ && (c == ';' || c == ' ' || c == '\t')) {
          state_ = State::kExtension;
          ++i;
        } else {
          state_ = State::kFailed;  // no digits yet, or a byte that cannot follow them
        }
        break;
      case State::kExtension:
        if (c == '\r') state_ = State::kSizeLf;
        ++i;
        break;
      case State::kSizeLf:
        expect('\n', remaining_ == 0 ? State::kTrailer : State::kData);
        break;
      case State::kData: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size() - i));
        if (payload) payload->append(data.substr(i, n));
        i += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        expect('\r', State::kDataLf);
        break;
      case State::kDataLf:
        expect('\n', State::kSize);
        size_digits_ = false;
        break;
      case State::kTrailer:
        state_ = c == '\r' ? State::kFinalLf : State::kTrailerLine;
        ++i;
        break;
      case State::kTrailerLine:
        if (c == '\r') state_ = State::kTrailerLf;
        ++i;
        break;
      case State::kTrailerLf:
        expect('\n', State::kTrailer);
        break;
      case State::kFinalLf:
        expect('\n', State::kDone);
        break;
      case State::kLength:
      case State::kDone:
      case State::kFailed:
        break;
    }
  }
  return i;
}

std::string BuildResponse(int status, std::string_view content_type, std::string_view body,
                          bool head_only, bool close) {
  std::string response =
      "HTTP/1.1 " + std::to_string(status) + " " + std::string(Reason(status)) +
      "\r\nServer: shoal-fault-proxy\r\nContent-Type: " + std::string(content_type) +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (close) response += "Connection: close\r\n";
  response += "\r\n";
  if (!head_only) response += body;
  return response;
}

}  // namespace shoal::bench
