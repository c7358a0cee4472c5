// The control endpoint of shoal-fault-proxy: requests for /__fault__/...
// are answered by the proxy and never forwarded, so a test can read the
// counters and swap the rules between steps without restarting the proxy.
//
//   GET    /__fault__/rules  the rules, one a line, with counters as comments
//   PUT    /__fault__/rules  replace every rule by the rule lines in the body
//                            (POST does the same); counters restart from 0
//   DELETE /__fault__/rules  remove every rule
//
// A plain function of the request, so it is unit-tested without sockets.
#pragma once

#include <string>
#include <string_view>

#include "tools/bench/fault_rules.h"

namespace shoal::bench {

inline constexpr std::string_view kControlPrefix = "/__fault__";

bool IsControlTarget(std::string_view target);

struct ControlReply {
  int status = 200;
  std::string body;  // text/plain
};

ControlReply HandleControl(FaultRules& rules, std::string_view method, std::string_view target,
                           std::string_view body);

}  // namespace shoal::bench
