#include "engine/http/uring_curl_transport.h"

#include <poll.h>

#include <algorithm>

namespace shoal {
namespace {

// libcurl's global initialisation must come before its first handle.
CURLM* NewMultiHandle() {
  EnsureCurlInitialised();
  return curl_multi_init();
}

}  // namespace

UringCurlTransport::UringCurlTransport(EventLoop& loop, UringTransportOptions options)
    : loop_(loop), options_(std::move(options)), multi_(NewMultiHandle()) {
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &UringCurlTransport::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &UringCurlTransport::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.max_connections_per_host));
  running_limit_ =
      std::max(1, options_.max_connections_per_host > 0
                      ? std::min(options_.max_in_flight, options_.max_connections_per_host)
                      : options_.max_in_flight);
}

UringCurlTransport::~UringCurlTransport() {
  // Tear down on the loop thread while it runs; if it has already exited,
  // nothing else can touch this state, so do it here.
  if (!loop_.RunSync([this] { CancelAll(); })) CancelAll();
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi_);
}

void UringCurlTransport::CancelAll() {
  if (timer_ != 0) loop_.CancelTimer(timer_);
  timer_ = 0;
  for (auto& [fd, socket] : sockets_) {
    if (socket.poll != 0) loop_.CancelPoll(socket.poll);
  }
  sockets_.clear();
  auto running = std::move(running_);
  running_.clear();
  for (auto& [easy, transfer] : running) {
    curl_multi_remove_handle(multi_, easy);
    transfer->exchange.reset();
    idle_.push_back(easy);
    in_flight_.fetch_sub(1);
    transfer->done(
        Status(ErrorCode::kCancelled, "transport shut down during " + std::string("the transfer")));
  }
  auto queued = std::move(queued_);
  queued_.clear();
  for (auto& [request, done] : queued) {
    in_flight_.fetch_sub(1);
    done(Status(ErrorCode::kCancelled,
                request.method + " " + request.url + ": transport shut down before it started"));
  }
}

void UringCurlTransport::Submit(HttpRequest request, HttpCallback done) {
  in_flight_.fetch_add(1);
  if (loop_.InLoopThread()) {
    Start(std::move(request), std::move(done));
    return;
  }
  auto shared =
      std::make_shared<std::pair<HttpRequest, HttpCallback>>(std::move(request), std::move(done));
  if (!loop_.Post([this, shared] { Start(std::move(shared->first), std::move(shared->second)); })) {
    in_flight_.fetch_sub(1);
    shared->second(Status(ErrorCode::kCancelled, "the transport's event loop has stopped"));
  }
}

void UringCurlTransport::Start(HttpRequest request, HttpCallback done) {
  // Always through the queue: a request submitted from a completion
  // callback (the next prefetch) must not take the slot that completion
  // freed ahead of requests that have been waiting longer.
  queued_.emplace_back(std::move(request), std::move(done));
  LaunchQueued();
}

void UringCurlTransport::LaunchQueued() {
  while (!queued_.empty() && static_cast<int>(running_.size()) < running_limit_) {
    auto next = std::move(queued_.front());
    queued_.pop_front();
    Launch(std::move(next.first), std::move(next.second));
  }
}

void UringCurlTransport::Launch(HttpRequest request, HttpCallback done) {
  CURL* easy = nullptr;
  if (!idle_.empty()) {
    easy = idle_.back();
    idle_.pop_back();
  } else {
    easy = curl_easy_init();
  }
  auto transfer = std::make_unique<Transfer>();
  transfer->easy = easy;
  transfer->done = std::move(done);
  transfer->exchange = std::make_unique<CurlExchange>(easy, std::move(request), options_.transport);
  CURLMcode rc = curl_multi_add_handle(multi_, easy);
  if (rc != CURLM_OK) {
    Status failure(ErrorCode::kInternal,
                   std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc));
    transfer->exchange.reset();
    idle_.push_back(easy);
    in_flight_.fetch_sub(1);
    transfer->done(failure);
    return;
  }
  running_.emplace(easy, std::move(transfer));
}

int UringCurlTransport::OnSocket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* t = static_cast<UringCurlTransport*>(self);
  if (what == CURL_POLL_REMOVE) {
    auto it = t->sockets_.find(fd);
    if (it != t->sockets_.end()) {
      if (it->second.poll != 0) t->loop_.CancelPoll(it->second.poll);
      t->sockets_.erase(it);
    }
    return 0;
  }
  Socket& socket = t->sockets_[fd];
  socket.wanted = what;
  if (socket.poll != 0 && socket.armed_for != what) {
    t->loop_.CancelPoll(socket.poll);
    socket.poll = 0;
  }
  if (socket.poll == 0) t->Arm(fd);
  return 0;
}

int UringCurlTransport::OnTimer(CURLM*, long timeout_ms, void* self) {
  auto* t = static_cast<UringCurlTransport*>(self);
  if (t->timer_ != 0) t->loop_.CancelTimer(t->timer_);
  t->timer_ = 0;
  if (timeout_ms < 0) return 0;
  t->timer_ = t->loop_.AddTimer(std::chrono::milliseconds(timeout_ms), [t] {
    t->timer_ = 0;
    t->Drive(CURL_SOCKET_TIMEOUT, 0);
  });
  return 0;
}

void UringCurlTransport::Arm(curl_socket_t fd) {
  Socket& socket = sockets_[fd];
  uint32_t events = 0;
  if (socket.wanted & CURL_POLL_IN) events |= POLLIN;
  if (socket.wanted & CURL_POLL_OUT) events |= POLLOUT;
  socket.armed_for = socket.wanted;
  socket.poll = loop_.PollOnce(fd, events, [this, fd](int revents) { OnReady(fd, revents); });
}

void UringCurlTransport::OnReady(curl_socket_t fd, int revents) {
  auto it = sockets_.find(fd);
  if (it != sockets_.end()) it->second.poll = 0;
  int bitmask = 0;
  if (revents < 0) {
    bitmask = CURL_CSELECT_ERR;
  } else {
    if (revents & (POLLIN | POLLHUP)) bitmask |= CURL_CSELECT_IN;
    if (revents & POLLOUT) bitmask |= CURL_CSELECT_OUT;
    if (revents & POLLERR) bitmask |= CURL_CSELECT_ERR;
  }
  Drive(fd, bitmask);
  // Still wanted and not re-armed by a socket callback: wait again.
  it = sockets_.find(fd);
  if (it != sockets_.end() && it->second.poll == 0) Arm(fd);
}

void UringCurlTransport::Drive(curl_socket_t fd, int bitmask) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, bitmask, &running);
  CollectFinished();
}

void UringCurlTransport::CollectFinished() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    auto it = running_.find(easy);
    if (it == running_.end()) continue;
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    running_.erase(it);
    long new_connections = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections);
    connections_opened_ += new_connections;
    curl_multi_remove_handle(multi_, easy);
    Result<HttpResponse> result = transfer->exchange->Finish(code);
    transfer->exchange.reset();
    idle_.push_back(easy);
    in_flight_.fetch_sub(1);
    transfer->done(std::move(result));
  }
  LaunchQueued();
}

}  // namespace shoal
