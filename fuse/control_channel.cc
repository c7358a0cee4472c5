#include "fuse/control_channel.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "engine/auth/crypto.h"

namespace shoal {
namespace {

constexpr size_t kMaxRequest = 64u << 20;  // a prefetch list of a few hundred thousand paths

Status Errno(const std::string& what) {
  return Status(ErrorCode::kIoError, what + ": " + std::strerror(errno));
}

sockaddr_un AddressOf(const std::string& name, socklen_t* length) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // Abstract namespace: a leading NUL, then the name (not NUL-terminated).
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  *length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  return address;
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool ReadToEnd(int fd, std::string* out, size_t limit) {
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buffer, static_cast<size_t>(n));
    if (out->size() > limit) return false;
  }
}

}  // namespace

std::string ControlSocketName(const std::string& mountpoint_realpath) {
  return "shoal-control-" + HexLower(Sha256(mountpoint_realpath)).substr(0, 32);
}

Result<std::unique_ptr<ControlServer>> ControlServer::Start(const std::string& mountpoint_realpath,
                                                            Handler handler) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("control socket");
  socklen_t length = 0;
  sockaddr_un address = AddressOf(ControlSocketName(mountpoint_realpath), &length);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EADDRINUSE) {
      return Status(ErrorCode::kInvalidArgument,
                    mountpoint_realpath + " is already served by another shoal process");
    }
    errno = err;
    return Errno("binding the control socket");
  }
  if (::listen(fd, 16) != 0) {
    ::close(fd);
    return Errno("listening on the control socket");
  }
  int stop = ::eventfd(0, EFD_CLOEXEC);
  if (stop < 0) {
    ::close(fd);
    return Errno("eventfd");
  }
  return std::unique_ptr<ControlServer>(new ControlServer(fd, stop, std::move(handler)));
}

ControlServer::ControlServer(int listen_fd, int stop_fd, Handler handler)
    : listen_fd_(listen_fd), stop_fd_(stop_fd), handler_(std::move(handler)) {
  thread_ = std::thread([this] { Serve(); });
}

ControlServer::~ControlServer() {
  uint64_t one = 1;
  ssize_t n = ::write(stop_fd_, &one, sizeof(one));
  (void)n;
  thread_.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
}

void ControlServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    Answer(client);
    ::close(client);
  }
}

void ControlServer::Answer(int fd) {
  ucred peer{};
  socklen_t length = sizeof(peer);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
      (peer.uid != 0 && peer.uid != ::geteuid())) {
    WriteAll(fd, "error\nonly root and the user who mounted may control this mount\n");
    return;
  }
  // A client that never finishes its request must not block the channel.
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string request;
  if (!ReadToEnd(fd, &request, kMaxRequest)) {
    WriteAll(fd, "error\nthe request was cut short or too large\n");
    return;
  }
  const size_t newline = request.find('\n');
  const std::string command = request.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : request.substr(newline + 1);
  Result<std::string> answer = handler_(command, body);
  if (answer.ok()) {
    WriteAll(fd, "ok\n" + *answer);
  } else {
    WriteAll(fd, "error\n" + answer.status().ToString() + "\n");
  }
}

Result<std::string> SendControlRequest(const std::string& mountpoint, const std::string& command,
                                       const std::string& body) {
  char resolved[PATH_MAX];
  if (::realpath(mountpoint.c_str(), resolved) == nullptr) {
    return Status(ErrorCode::kNotFound, "mountpoint " + mountpoint + ": " + std::strerror(errno));
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("control socket");
  socklen_t length = 0;
  sockaddr_un address = AddressOf(ControlSocketName(resolved), &length);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    ::close(fd);
    return Status(ErrorCode::kNotFound,
                  std::string(resolved) + " is not a shoal mount served by this machine");
  }
  // Abstract names carry no permissions: make sure the server is root or
  // this user, not another user squatting on the name.
  ucred peer{};
  socklen_t peer_length = sizeof(peer);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0 ||
      (peer.uid != 0 && peer.uid != ::geteuid())) {
    ::close(fd);
    return Status(ErrorCode::kPermission, "the control channel of " + std::string(resolved) +
                                              " is served by another user; refusing to use it");
  }
  std::string answer;
  const bool sent = WriteAll(fd, command + "\n" + body);
  ::shutdown(fd, SHUT_WR);
  const bool read = sent && ReadToEnd(fd, &answer, kMaxRequest);
  ::close(fd);
  if (!read) return Status(ErrorCode::kIoError, "the mount's control channel failed");
  if (answer.rfind("ok\n", 0) == 0) return answer.substr(3);
  if (answer.rfind("error\n", 0) == 0) {
    std::string message = answer.substr(6);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status(ErrorCode::kInvalidArgument, message);
  }
  return Status(ErrorCode::kProtocolError, "unexpected answer from the mount's control channel");
}

}  // namespace shoal
