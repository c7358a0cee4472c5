#include "tools/bench/fault_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "tools/bench/fault_control.h"
#include "tools/bench/fault_effects.h"
#include "tools/bench/http_framing.h"
#include "tools/bench/loopback_socket.h"

namespace shoal::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kReadSize = size_t{64} * 1024;
constexpr size_t kMaxHead = 1 << 20;
constexpr size_t kMaxControlBody = 1 << 20;
constexpr std::chrono::milliseconds kLinger(2000);

// A socket and the bytes read from it that nothing has used yet.
struct Peer {
  UniqueFd fd;
  std::string pending;

  void Close() {
    fd.reset();
    pending.clear();
  }
};

// Appends what the socket has to `pending`; false at EOF or on an error.
bool ReadMore(Peer& peer) {
  char buffer[kReadSize];
  while (true) {
    const ssize_t n = ::recv(peer.fd.get(), buffer, sizeof(buffer), 0);
    if (n > 0) {
      peer.pending.append(buffer, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// Reads until `pending` starts with a whole head; its size, or 0 if the
// peer closed first (or sent a head too large to be one).
size_t ReadHead(Peer& peer) {
  while (true) {
    const size_t end = FindHeadEnd(peer.pending);
    if (end != std::string::npos) return end;
    if (peer.pending.size() > kMaxHead || !ReadMore(peer)) return 0;
  }
}

std::string TakeHead(Peer& peer, size_t size) {
  std::string head = peer.pending.substr(0, size);
  peer.pending.erase(0, size);
  return head;
}

using Sink = std::function<bool(std::string_view)>;

bool Discard(std::string_view) { return true; }

// Passes a body's bytes to `sink` as they arrive from `from`. True once the
// body is complete; false if the peer closed early, the chunked framing is
// broken or the sink refused more.
bool PumpBody(Peer& from, BodyTracker& body, const Sink& sink) {
  while (true) {
    if (!from.pending.empty() && !body.done()) {
      const size_t n = body.Consume(from.pending);
      if (body.failed()) return false;
      const bool ok = n == 0 || sink(std::string_view(from.pending).substr(0, n));
      from.pending.erase(0, n);
      if (!ok) return false;
    }
    if (body.done()) return true;
    if (!ReadMore(from)) return body.until_close();
  }
}

// Ends a connection so that a client still sending sees the last answer: a
// close with unread input sends a reset, which can destroy that answer in
// flight, so a FIN goes first and what still arrives is dropped for a while.
void CloseGently(Peer& peer) {
  ::shutdown(peer.fd.get(), SHUT_WR);
  const Clock::time_point deadline = Clock::now() + kLinger;
  char buffer[kReadSize];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd readable{peer.fd.get(), POLLIN, 0};
    if (left <= 0 || ::poll(&readable, 1, static_cast<int>(left)) <= 0) break;
    if (::recv(peer.fd.get(), buffer, sizeof(buffer), 0) <= 0) break;
  }
  peer.Close();
}

// Sends at most `bps` bytes a second (0: no limit), a tenth of a second's
// worth at a time.
class Pacer {
 public:
  explicit Pacer(int64_t bps) : bps_(static_cast<uint64_t>(std::max<int64_t>(bps, 0))) {}

  bool Send(int fd, std::string_view data) {
    if (bps_ == 0) return SendAll(fd, data);
    const size_t slice = static_cast<size_t>(std::max<uint64_t>(1, bps_ / 10));
    while (!data.empty()) {
      std::this_thread::sleep_until(start_ + std::chrono::microseconds(sent_ * 1'000'000 / bps_));
      const size_t n = std::min(slice, data.size());
      if (!SendAll(fd, data.substr(0, n))) return false;
      sent_ += n;
      data.remove_prefix(n);
    }
    return true;
  }

 private:
  const uint64_t bps_;
  const Clock::time_point start_ = Clock::now();
  uint64_t sent_ = 0;
};

class Connection {
 public:
  Connection(UniqueFd client, const ProxyOptions& options, FaultRules& rules)
      : options_(options), rules_(rules) {
    client_.fd = std::move(client);
  }

  void Serve() {
    while (Exchange()) {
    }
    upstream_.Close();
    if (client_.fd.valid()) CloseGently(client_);
  }

 private:
  // Each serves (part of) one request and says whether the connection goes on.
  bool Exchange();
  bool Control(const RequestHead& request);
  bool AnswerError(const RequestHead& request, FaultKind kind);
  bool Forward(const RequestHead& request, const std::string& head, const FaultRule* fault);
  bool ForwardResponse(const RequestHead& request, const FaultRule* fault);
  bool Deliver(const RequestHead& request, std::string head, const ResponseHead& response,
               const FaultRule* fault);

  bool UpstreamReady();
  void Reset() {
    ResetOnClose(client_.fd.get());
    client_.Close();
  }
  // NOLINTNEXTLINE(readability-make-member-function-const): it writes to the client
  bool ToClient(std::string_view data) { return SendAll(client_.fd.get(), data); }

  const ProxyOptions& options_;
  FaultRules& rules_;
  Peer client_;
  Peer upstream_;  // connected on first use, again after the server closes it
};

bool Connection::Exchange() {
  const size_t size = ReadHead(client_);
  if (size == 0) return false;
  const std::string head = TakeHead(client_, size);
  const Result<RequestHead> request = ParseRequestHead(head);
  if (!request.ok()) {
    ToClient(BuildResponse(400, "text/plain", request.status().message() + "\n", false, true));
    return false;
  }
  if (IsControlTarget(request->target)) return Control(*request);

  const std::optional<FaultChoice> choice = rules_.Choose(request->method, request->target);
  const FaultRule* fault = nullptr;
  if (choice && choice->rule.kind != FaultKind::kOff) {
    fault = &choice->rule;
    if (options_.verbose) {
      std::fprintf(stderr, "shoal-fault-proxy: rule %zu (%s): %s %s\n", choice->index + 1,
                   FormatRule(*fault).c_str(), request->method.c_str(), request->target.c_str());
    }
    if (fault->at == FaultStage::kRequest) {
      if (fault->kind == FaultKind::kReset) {
        Reset();
        return false;
      }
      if (fault->kind == FaultKind::kInternalError || fault->kind == FaultKind::kSlowDown) {
        return AnswerError(*request, fault->kind);
      }
    }
  }
  return Forward(*request, head, fault);
}

bool Connection::Control(const RequestHead& request) {
  if (request.expect_continue && !ToClient("HTTP/1.1 100 Continue\r\n\r\n")) return false;
  std::string raw;
  BodyTracker body(request.body);
  const bool read = PumpBody(client_, body, [&](std::string_view data) {
    raw.append(data);
    return raw.size() <= kMaxControlBody;
  });
  if (!read) return false;
  std::string payload;
  BodyTracker(request.body).Consume(raw, &payload);  // drops chunk framing
  const ControlReply reply = HandleControl(rules_, request.method, request.target, payload);
  return ToClient(BuildResponse(reply.status, "text/plain", reply.body, request.method == "HEAD",
                                request.close)) &&
         !request.close;
}

bool Connection::AnswerError(const RequestHead& request, FaultKind kind) {
  // A client that waits for 100 Continue may or may not send its body after
  // an error, so its connection ends; any other body is read and dropped.
  const bool close = request.close || request.expect_continue;
  if (!close) {
    BodyTracker body(request.body);
    if (!PumpBody(client_, body, Discard)) return false;
  }
  return ToClient(S3ErrorResponse(kind, request.method, request.target, close)) && !close;
}

bool Connection::UpstreamReady() {
  if (upstream_.fd.valid()) {
    // An idle upstream connection with something to read has been closed
    // (or broken) by the server: a fresh one will not lose the request.
    pollfd readable{upstream_.fd.get(), POLLIN, 0};
    if (upstream_.pending.empty() && ::poll(&readable, 1, 0) == 0) return true;
    upstream_.Close();
  }
  Result<UniqueFd> fd = ConnectLoopback(options_.upstream_port);
  if (!fd.ok()) {
    if (options_.verbose) {
      std::fprintf(stderr, "shoal-fault-proxy: %s\n", fd.status().message().c_str());
    }
    return false;
  }
  upstream_.fd = std::move(*fd);
  return true;
}

bool Connection::Forward(const RequestHead& request, const std::string& head,
                         const FaultRule* fault) {
  if (!UpstreamReady()) {
    ToClient(BuildResponse(502, "text/plain", "shoal-fault-proxy: no upstream server\n",
                           request.method == "HEAD", true));
    return false;
  }
  if (!SendAll(upstream_.fd.get(), head)) return false;
  BodyTracker body(request.body);
  if (request.expect_continue && !body.done() && client_.pending.empty()) {
    // The client waits for 100 Continue before it sends the body, and the
    // server may answer at once instead: go on with whichever speaks first.
    pollfd fds[2] = {{client_.fd.get(), POLLIN, 0}, {upstream_.fd.get(), POLLIN, 0}};
    int ready = 0;
    do {
      ready = ::poll(fds, 2, -1);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return false;
    if (fds[1].revents != 0) {
      const size_t size = ReadHead(upstream_);
      if (size == 0) return false;
      const Result<ResponseHead> response =
          ParseResponseHead(std::string_view(upstream_.pending).substr(0, size), request.method);
      if (!response.ok()) return false;
      if (response->status >= 200) {
        // A final answer before the body: whether the client still sends the
        // body is its choice, so nothing after this answer can be trusted.
        ForwardResponse(request, fault);
        return false;
      }
      if (!ToClient(TakeHead(upstream_, size))) return false;
    }
  }
  const bool sent = PumpBody(
      client_, body, [this](std::string_view data) { return SendAll(upstream_.fd.get(), data); });
  return sent && ForwardResponse(request, fault);
}

bool Connection::ForwardResponse(const RequestHead& request, const FaultRule* fault) {
  while (true) {
    const size_t size = ReadHead(upstream_);
    if (size == 0) return false;  // the server closed without an answer: so does the proxy
    std::string head = TakeHead(upstream_, size);
    const Result<ResponseHead> response = ParseResponseHead(head, request.method);
    if (!response.ok()) return false;
    if (response->status >= 200) return Deliver(request, std::move(head), *response, fault);
    if (!ToClient(head)) return false;  // 100 Continue and other interim answers
  }
}

bool Connection::Deliver(const RequestHead& request, std::string head, const ResponseHead& response,
                         const FaultRule* fault) {
  const FaultKind kind = fault ? fault->kind : FaultKind::kOff;
  const bool reusable = !response.close && response.body.kind != BodyFraming::Kind::kUntilClose;
  BodyTracker body(response.body);

  if (fault && fault->at == FaultStage::kResponse) {
    // 500, 503 or reset after the server has handled the request: its answer is lost.
    if (!PumpBody(upstream_, body, Discard) || !reusable) upstream_.Close();
    if (kind == FaultKind::kReset) {
      Reset();
      return false;
    }
    return ToClient(S3ErrorResponse(kind, request.method, request.target, request.close)) &&
           !request.close;
  }

  const bool sized = response.body.kind == BodyFraming::Kind::kLength;
  const uint64_t length = response.body.length;
  std::optional<uint64_t> cut;  // truncate: the body bytes sent before closing
  bool flip = false;
  bool close = !reusable;
  switch (kind) {
    case FaultKind::kStall:
      std::this_thread::sleep_for(std::chrono::milliseconds(fault->ms));
      break;
    case FaultKind::kTruncate:
      if (sized && length > 0) {
        cut = TruncatedLength(*fault, length);
        close = true;
      }
      break;
    case FaultKind::kBadLength:
      if (sized) {
        ReplaceHeaderValue(head, "Content-Length", std::to_string(BadLength(*fault, length)));
        close = true;
      }
      break;
    case FaultKind::kWrongObject:
      if (sized && length > 0 && request.method == "GET" && response.status / 100 == 2) {
        flip = true;
        if (const std::optional<std::string_view> etag = HeaderValue(head, "ETag")) {
          ReplaceHeaderValue(head, "ETag", WrongEtag(*etag));
        }
      }
      break;
    default:
      break;
  }
  if (!ToClient(head)) return false;

  Pacer pacer(kind == FaultKind::kTrickle ? fault->bps : 0);
  uint64_t sent = 0;
  std::string flipped;
  const bool complete = PumpBody(upstream_, body, [&](std::string_view data) {
    if (cut) {
      data = data.substr(0, static_cast<size_t>(std::min<uint64_t>(data.size(), *cut - sent)));
    }
    if (flip) {
      flipped.assign(data);
      FlipBytes(flipped);
      data = flipped;
    }
    sent += data.size();
    return pacer.Send(client_.fd.get(), data) && !(cut && sent >= *cut);
  });
  if (!complete || !reusable) upstream_.Close();
  return complete && !close;
}

}  // namespace

void ServeConnection(UniqueFd client, const ProxyOptions& options, FaultRules& rules) {
  Connection(std::move(client), options, rules).Serve();
}

}  // namespace shoal::bench
