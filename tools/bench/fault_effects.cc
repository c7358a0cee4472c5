#include "tools/bench/fault_effects.h"

#include <algorithm>

#include "tools/bench/http_framing.h"

namespace shoal::bench {
namespace {

std::string XmlEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string S3ErrorResponse(FaultKind kind, std::string_view method, std::string_view target,
                            bool close) {
  const bool slow_down = kind == FaultKind::kSlowDown;
  const std::string body =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") +
      (slow_down ? "SlowDown" : "InternalError") + "</Code><Message>" +
      (slow_down ? "Please reduce your request rate."
                 : "We encountered an internal error. Please try again.") +
      " (injected by shoal-fault-proxy)</Message><Resource>" +
      XmlEscaped(target.substr(0, target.find('?'))) +
      "</Resource><RequestId>shoal-fault-proxy</RequestId></Error>";
  return BuildResponse(slow_down ? 503 : 500, "application/xml", body, method == "HEAD", close);
}

std::string WrongEtag(std::string_view etag) {
  std::string wrong(etag);
  bool changed = false;
  for (char& c : wrong) {
    if (c >= '0' && c <= '9') {
      c = "fedcba9876"[c - '0'];
    } else if (c >= 'a' && c <= 'f') {
      c = "543210"[c - 'a'];
    } else if (c >= 'A' && c <= 'F') {
      c = "543210"[c - 'A'];
    } else {
      continue;
    }
    changed = true;
  }
  return changed ? wrong : "\"wrong-object\"";
}

void FlipBytes(std::string& bytes) {
  for (char& c : bytes) c = static_cast<char>(~static_cast<unsigned char>(c));
}

uint64_t TruncatedLength(const FaultRule& rule, uint64_t length) {
  if (length == 0) return 0;
  const uint64_t wanted = rule.bytes < 0 ? length / 2 : static_cast<uint64_t>(rule.bytes);
  return std::min(wanted, length - 1);
}

uint64_t BadLength(const FaultRule& rule, uint64_t length) {
  if (rule.delta < 0 && static_cast<uint64_t>(-rule.delta) > length) return 0;
  return length + static_cast<uint64_t>(rule.delta);  // wraps back for negative deltas
}

}  // namespace shoal::bench
