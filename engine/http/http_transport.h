// HttpTransport: the seam between "what to send" and "how it is sent".
//
// Submit() hands over a complete request and returns at once or after the
// exchange, depending on the implementation; the callback runs exactly once,
// on a thread chosen by the transport, with either a response (any HTTP
// status, including errors) or a transport-level Status (kNetwork, kTimeout).
// Implementations: BlockingCurlTransport (runs on the caller's thread) and
// UringCurlTransport (libcurl multi driven by the engine's io_uring loop).
#pragma once

#include <chrono>
#include <functional>

#include "engine/base/result.h"
#include "engine/http/http_message.h"

namespace shoal {

using HttpCallback = std::function<void(Result<HttpResponse>)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Thread-safe. `done` is called exactly once.
  virtual void Submit(HttpRequest request, HttpCallback done) = 0;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{60000};
  // A transfer slower than this for low_speed_window is treated as stalled.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_window{15};
  // Path of a CA bundle for https; empty uses the system default.
  std::string ca_bundle;
  bool verify_tls = true;
};

}  // namespace shoal
