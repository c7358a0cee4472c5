#include "tests/support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace shoal::testing {
namespace {

void SetTimeouts(int fd) {
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one HTTP request (headers plus Content-Length body) into `out`.
// `buffer` keeps bytes that arrived beyond it.
bool ReadRequest(int fd, std::string& buffer, std::string* out) {
  char chunk[65536];
  size_t header_end = 0;
  while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  size_t body_length = 0;
  std::string headers = buffer.substr(0, header_end);
  for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t cl = headers.find("\r\ncontent-length:");
  if (cl != std::string::npos) body_length = std::strtoull(headers.c_str() + cl + 17, nullptr, 10);
  const size_t total = header_end + 4 + body_length;
  while (buffer.size() < total) {
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  *out = buffer.substr(0, total);
  buffer.erase(0, total);
  return true;
}

// Makes the upstream close after one response, so "read to EOF" delimits it.
std::string WithConnectionClose(const std::string& request) {
  size_t line_end = request.find("\r\n");
  return request.substr(0, line_end) + "\r\nConnection: close" + request.substr(line_end);
}

std::string FaultResponse(int status) {
  std::string body;
  std::string reason = "Error";
  if (status == 503) {
    reason = "Slow Down";
    body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
        "<Message>injected by FaultProxy</Message></Error>";
  } else if (status == 500) {
    reason = "Internal Server Error";
    body = "<Error><Code>InternalError</Code><Message>injected</Message></Error>";
  }
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

FaultProxy::FaultProxy(int upstream_port)
    : upstream_port_(upstream_port), listen_fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error(std::string("FaultProxy cannot listen: ") + std::strerror(errno));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

void FaultProxy::FailNext(int count, int status) {
  std::lock_guard lock(mu_);
  faults_left_ = count;
  fault_status_ = status;
}

bool FaultProxy::TakeFault(int* status) {
  std::lock_guard lock(mu_);
  if (faults_left_ <= 0) return false;
  --faults_left_;
  *status = fault_status_;
  return true;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    SetTimeouts(fd);
    std::lock_guard lock(mu_);
    client_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void FaultProxy::Serve(int client_fd) {
  std::string buffer;
  std::string request;
  while (!stopping_ && ReadRequest(client_fd, buffer, &request)) {
    requests_seen_.fetch_add(1);
    int status = 0;
    if (TakeFault(&status)) {
      faults_injected_.fetch_add(1);
      if (!SendAll(client_fd, FaultResponse(status))) break;
      continue;  // keep-alive: the client may send the retry here
    }
    int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    SetTimeouts(up);
    bool ok = ::connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
              SendAll(up, WithConnectionClose(request));
    char chunk[65536];
    ssize_t n = 0;
    while (ok && (n = ::recv(up, chunk, sizeof(chunk), 0)) > 0) {
      ok = SendAll(client_fd, std::string(chunk, static_cast<size_t>(n)));
    }
    ::close(up);
    break;  // the upstream answered "Connection: close"; so do we
  }
  std::lock_guard lock(mu_);
  std::erase(client_fds_, client_fd);
  ::close(client_fd);
}

}  // namespace shoal::testing
