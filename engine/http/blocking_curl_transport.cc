#include "engine/http/blocking_curl_transport.h"

#include "engine/http/curl_easy.h"

namespace shoal {

BlockingCurlTransport::BlockingCurlTransport(TransportOptions options)
    : options_(std::move(options)) {
  EnsureCurlInitialised();
}

BlockingCurlTransport::~BlockingCurlTransport() = default;

BlockingCurlTransport::EasyHandle BlockingCurlTransport::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      EasyHandle h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  return EasyHandle(curl_easy_init());
}

void BlockingCurlTransport::Release(EasyHandle handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(handle));
}

void BlockingCurlTransport::Submit(HttpRequest request, HttpCallback done) {
  EasyHandle easy = Acquire();
  if (!easy) {
    done(Status(ErrorCode::kInternal, "curl_easy_init failed (out of memory?)"));
    return;
  }
  Result<HttpResponse> result = [&] {
    CurlExchange exchange(easy.get(), std::move(request), options_);
    return exchange.Finish(curl_easy_perform(easy.get()));
  }();
  Release(std::move(easy));
  done(std::move(result));
}

}  // namespace shoal
