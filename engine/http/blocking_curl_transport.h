// BlockingCurlTransport: runs each exchange on the calling thread with
// curl_easy_perform and calls the callback before Submit returns.
//
// It keeps a small pool of easy handles so that kept-alive connections are
// reused across requests and threads; handles are taken from the pool for
// the duration of one exchange, so concurrent callers never share one.
// Used by the CLI, the indexer's listing threads and the tests.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <vector>

#include "engine/http/http_transport.h"

namespace shoal {

class BlockingCurlTransport final : public HttpTransport {
 public:
  explicit BlockingCurlTransport(TransportOptions options = {});
  ~BlockingCurlTransport() override;
  BlockingCurlTransport(const BlockingCurlTransport&) = delete;
  BlockingCurlTransport& operator=(const BlockingCurlTransport&) = delete;

  void Submit(HttpRequest request, HttpCallback done) override;

 private:
  struct EasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
  };
  using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

  EasyHandle Acquire();
  void Release(EasyHandle handle);

  const TransportOptions options_;
  std::mutex mu_;
  std::vector<EasyHandle> idle_;  // guarded by mu_
};

}  // namespace shoal
