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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  int client = -1;
  int server = -1;
  // When the latest request started; 0 when its response has begun.
  std::atomic<int64_t> request_at_ns{0};
  ~Connection() {
    ::close(client);
    ::close(server);
  }
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void Pump(std::shared_ptr<Connection> c, bool to_server, std::chrono::milliseconds delay) {
  char buffer[65536];
  const int from = to_server ? c->client : c->server;
  const int to = to_server ? c->server : c->client;
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
    if (!SendAll(to, buffer, static_cast<size_t>(n))) break;
  }
  ::shutdown(to, SHUT_WR);
  ::shutdown(from, SHUT_RD);
}

int Listen(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, 512) != 0) {
    std::perror("shoal-latency-proxy: listen");
    std::exit(1);
  }
  return fd;
}

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: shoal-latency-proxy LISTEN_PORT UPSTREAM_PORT DELAY_MS\n");
    return 2;
  }
  const int listen_port = std::atoi(argv[1]);
  const int upstream_port = std::atoi(argv[2]);
  const std::chrono::milliseconds delay(std::atoi(argv[3]));
  const int listener = Listen(listen_port);
  while (true) {
    int client = ::accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_shared<Connection>();
    c->client = client;
    c->server = Connect(upstream_port);
    if (c->server < 0) continue;  // the connection closes with `c`
    std::thread(Pump, c, true, delay).detach();
    std::thread(Pump, c, false, delay).detach();
  }
}
