// shoal-latency-proxy: a loopback TCP proxy that makes a fast local object
// store answer like a remote one, by delaying the first byte of every
// response by a fixed time.
//
// A real object store answers a small GET in 10-30 ms; RGW on loopback in
// 1-2 ms. Clients that keep many requests in flight hide that latency and
// clients that do one request at a time pay it in full, so benchmarks run
// with and without it. Bytes pass through unchanged (SigV4 stays valid);
// after the client sends a request, the next bytes from the server wait
// until the delay has passed since the request. Connections are kept alive
// as the client chooses. One thread per direction per connection: simple,
// and plenty for a few hundred connections.
//   shoal-latency-proxy LISTEN_PORT UPSTREAM_PORT DELAY_MS
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "engine/base/parse_decimal.h"
#include "tools/bench/loopback_socket.h"

namespace {

using Clock = std::chrono::steady_clock;
using shoal::UniqueFd;

struct Connection {
  UniqueFd client;
  UniqueFd server;
  // When the latest request started; 0 when its response has begun.
  std::atomic<int64_t> request_at_ns{0};
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

void Pump(const std::shared_ptr<Connection>& c, bool to_server, std::chrono::milliseconds delay) {
  char buffer[65536];
  const int from = to_server ? c->client.get() : c->server.get();
  const int to = to_server ? c->server.get() : c->client.get();
  while (true) {
    ssize_t n = ::recv(from, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    if (to_server) {
      int64_t expected = 0;
      c->request_at_ns.compare_exchange_strong(expected, NowNs());
    } else {
      const int64_t at = c->request_at_ns.exchange(0);
      if (at != 0) {
        const int64_t wait =
            at + std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count() - NowNs();
        if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
      }
    }
    if (!shoal::bench::SendAll(to, std::string_view(buffer, static_cast<size_t>(n)))) break;
  }
  ::shutdown(to, SHUT_WR);
  ::shutdown(from, SHUT_RD);
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<int> listen_port =
      argc == 4 ? shoal::ParseDecimal<int>(argv[1]) : std::nullopt;
  const std::optional<int> upstream_port =
      argc == 4 ? shoal::ParseDecimal<int>(argv[2]) : std::nullopt;
  const std::optional<int> delay_ms = argc == 4 ? shoal::ParseDecimal<int>(argv[3]) : std::nullopt;
  if (!listen_port || !upstream_port || !delay_ms) {
    std::fprintf(stderr, "usage: shoal-latency-proxy LISTEN_PORT UPSTREAM_PORT DELAY_MS\n");
    return 2;
  }
  const std::chrono::milliseconds delay(*delay_ms);
  shoal::Result<UniqueFd> listener = shoal::bench::ListenLoopback(*listen_port);
  if (!listener.ok()) {
    std::fprintf(stderr, "shoal-latency-proxy: %s\n", listener.status().message().c_str());
    return 1;
  }
  while (true) {
    UniqueFd client(::accept(listener->get(), nullptr, nullptr));
    if (!client.valid()) continue;
    shoal::bench::SetNoDelay(client.get());
    shoal::Result<UniqueFd> server = shoal::bench::ConnectLoopback(*upstream_port);
    if (!server.ok()) continue;  // the client's connection closes with `client`
    auto c = std::make_shared<Connection>();
    c->client = std::move(client);
    c->server = std::move(*server);
    std::thread(Pump, c, true, delay).detach();
    std::thread(Pump, c, false, delay).detach();
  }
}
