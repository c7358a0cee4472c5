// UringCurlTransport: libcurl's multi interface driven by the engine's
// io_uring EventLoop. Many transfers share one thread and one ring.
//
// CURLMOPT_SOCKETFUNCTION becomes one-shot io_uring polls, re-armed after
// each readiness event (one-shot polls are level-triggered, which is what
// curl_multi_socket_action expects); CURLMOPT_TIMERFUNCTION becomes a loop
// timer. Each transfer is a CurlExchange, exactly as in the blocking
// transport, so request setup and error mapping exist once.
//
// Submit() is thread-safe; callbacks run on the loop thread and must not
// block. At most min(`max_in_flight`, `max_connections_per_host`) transfers
// run at once; the rest queue here, in submission order. (Handing curl more
// than it has connections for would park the extra ones in curl's own
// pending list, which does not keep that order: under a long queue of
// prefetches the oldest request, the one a reader waits on, could starve.)
// Destroying the transport completes queued and running transfers with
// kCancelled.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/http/curl_easy.h"
#include "engine/http/http_transport.h"
#include "engine/loop/event_loop.h"

namespace shoal {

struct UringTransportOptions {
  TransportOptions transport;
  int max_in_flight = 128;
  int max_connections_per_host = 64;
};

class UringCurlTransport final : public HttpTransport {
 public:
  // `loop` must be started and must outlive this transport.
  UringCurlTransport(EventLoop& loop, UringTransportOptions options);
  ~UringCurlTransport() override;
  UringCurlTransport(const UringCurlTransport&) = delete;
  UringCurlTransport& operator=(const UringCurlTransport&) = delete;

  void Submit(HttpRequest request, HttpCallback done) override;

  // Transfers running or queued (any thread; approximate).
  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Connections opened so far (loop thread only; for tests).
  long connections_opened() const { return connections_opened_; }

 private:
  struct Transfer {
    CURL* easy = nullptr;
    std::unique_ptr<CurlExchange> exchange;
    HttpCallback done;
  };
  struct Socket {
    int wanted = 0;              // CURL_POLL_IN / OUT / INOUT
    EventLoop::PollId poll = 0;  // armed poll, 0 if none
    int armed_for = 0;           // the `wanted` the armed poll waits for
  };

  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int OnTimer(CURLM* multi, long timeout_ms, void* self);

  void Start(HttpRequest request, HttpCallback done);  // queue it, then launch what fits
  void LaunchQueued();  // oldest first, while fewer than running_limit_ run
  void Launch(HttpRequest request, HttpCallback done);
  void Arm(curl_socket_t fd);
  void OnReady(curl_socket_t fd, int revents);
  void Drive(curl_socket_t fd, int bitmask);
  void CollectFinished();
  void CancelAll();

  EventLoop& loop_;
  const UringTransportOptions options_;
  CURLM* multi_ = nullptr;
  std::atomic<size_t> in_flight_{0};

  // Loop-thread state.
  std::unordered_map<curl_socket_t, Socket> sockets_;
  EventLoop::TimerId timer_ = 0;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running_;
  int running_limit_ = 0;  // min(max_in_flight, max_connections_per_host)
  std::deque<std::pair<HttpRequest, HttpCallback>> queued_;
  std::vector<CURL*> idle_;
  long connections_opened_ = 0;
};

}  // namespace shoal
