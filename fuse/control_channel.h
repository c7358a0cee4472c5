// ControlChannel: how `shoal stats|refresh|prefetch MOUNTPOINT` talk to the
// process serving that mount, without putting anything in the dataset's
// namespace.
//
// The channel is a unix stream socket in the abstract namespace, named from
// a hash of the mountpoint's real path, so no file appears anywhere and
// nothing needs cleaning up after a crash. One request per connection: the
// client sends "COMMAND\n" then a body and shuts down its write side; the
// server answers "ok\n" + payload or "error\n" + message and closes. Only
// root and the user who mounted may connect, and clients talk only to a
// server run by root or themselves (SO_PEERCRED both ways).
//
// ControlServer runs one thread that serves requests one at a time through
// a handler; destroying it stops the thread and closes the socket.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "engine/base/result.h"

namespace shoal {

// The abstract socket name for a mountpoint (real path).
std::string ControlSocketName(const std::string& mountpoint_realpath);

class ControlServer {
 public:
  // Returns the payload or an error to send back.
  using Handler =
      std::function<Result<std::string>(const std::string& command, const std::string& body)>;

  static Result<std::unique_ptr<ControlServer>> Start(const std::string& mountpoint_realpath,
                                                      Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

 private:
  ControlServer(int listen_fd, int stop_fd, Handler handler);
  void Serve();
  void Answer(int fd);

  const int listen_fd_;
  const int stop_fd_;  // eventfd: written to stop the thread
  Handler handler_;
  std::thread thread_;
};

// Sends one request to the mount at `mountpoint` (any path to it).
Result<std::string> SendControlRequest(const std::string& mountpoint, const std::string& command,
                                       const std::string& body);

}  // namespace shoal
