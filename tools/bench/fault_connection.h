// One client connection of shoal-fault-proxy, served on its own thread with
// its own blocking upstream connection.
//
// Requests go upstream byte for byte (SigV4 signs the headers, Host
// included), one at a time, and each response is followed to its end so
// both sides stay kept alive. A fault chosen for a request either replaces
// the exchange (500, 503, reset, before or after the server saw the request)
// or changes how the response travels (stall, trickle, truncate, bad-length,
// wrong-object). Blocking sockets and a thread per client keep every step in
// program order, which is what makes the faults easy to reason about.
#pragma once

#include "engine/base/unique_fd.h"
#include "tools/bench/fault_rules.h"

namespace shoal::bench {

struct ProxyOptions {
  int upstream_port = 0;
  bool verbose = false;  // one stderr line per injected fault
};

// Serves `client` until either side closes; closes it on return.
void ServeConnection(UniqueFd client, const ProxyOptions& options, FaultRules& rules);

}  // namespace shoal::bench
