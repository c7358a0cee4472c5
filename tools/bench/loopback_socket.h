// Blocking TCP on 127.0.0.1 for the benchmark proxies (shoal-latency-proxy,
// shoal-fault-proxy). They only ever listen on and connect to loopback, so
// the helpers take a port and nothing else: no address can reach the network.
#pragma once

#include <string_view>

#include "engine/base/result.h"
#include "engine/base/unique_fd.h"

namespace shoal::bench {

// A listening socket on 127.0.0.1:port; port 0 lets the kernel choose.
Result<UniqueFd> ListenLoopback(int port);

// The port a listening socket is bound to, or -1.
int BoundPort(int fd);

// A connected socket to 127.0.0.1:port, with Nagle off.
Result<UniqueFd> ConnectLoopback(int port);

// Turns Nagle off: the proxies pass small heads that should not wait.
void SetNoDelay(int fd);

// Sends all of `data`; false once the peer is gone. Never raises SIGPIPE.
bool SendAll(int fd, std::string_view data);

// Makes the next close send a TCP reset (SO_LINGER 0) instead of a FIN.
void ResetOnClose(int fd);

}  // namespace shoal::bench
