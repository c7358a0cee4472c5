// FaultProxy: a loopback HTTP proxy that sits in front of a real server and
// injects faults, so retry handling is tested against the real RGW.
//
// It listens on 127.0.0.1 (an ephemeral port) and forwards each request
// verbatim (the Host header included, so SigV4 signatures stay valid) over a
// fresh upstream connection. Faults are armed with FailNext(); while armed,
// requests are answered by the proxy itself instead of being forwarded.
// Every socket has a receive timeout, so a broken peer can never hang a test.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace shoal::testing {

class FaultProxy {
 public:
  // `upstream_port` is a TCP port on 127.0.0.1.
  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next `count` requests get `status` (503 answers carry an S3 SlowDown
  // error body) instead of being forwarded.
  void FailNext(int count, int status = 503);

  int requests_seen() const { return requests_seen_.load(); }
  int faults_injected() const { return faults_injected_.load(); }

 private:
  void AcceptLoop();
  void Serve(int client_fd);
  bool TakeFault(int* status);

  const int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_seen_{0};
  std::atomic<int> faults_injected_{0};
  std::mutex mu_;
  int faults_left_ = 0;               // guarded by mu_
  int fault_status_ = 503;            // guarded by mu_
  std::vector<int> client_fds_;       // guarded by mu_
  std::vector<std::thread> workers_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace shoal::testing
