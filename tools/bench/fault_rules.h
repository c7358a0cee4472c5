// Fault rules for shoal-fault-proxy: which requests get which fault.
//
// A rule is one line of name=value words, e.g.
//   fault=503 method=GET key=class-1/ percent=50
// so the same text works as a command-line argument, a line of a rules file
// and a line of the control endpoint's PUT body, and the control endpoint's
// GET prints rules back in a form it accepts again. Rules are tried in order:
// a rule whose method and key match rolls its percent, and the first rule
// that fires decides the request (fault=off forwards it untouched); a rule
// that does not fire lets the next one try.
//
// Whether a rule fires for its n-th matching request is a hash of (seed,
// rule position, n) rather than a draw from a shared generator, so the same
// seed and the same requests in the same order give the same faults. Nothing
// here touches a socket: parsing and choosing are unit-tested on their own.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"

namespace shoal::bench {

enum class FaultKind {
  kOff,            // forward untouched
  kInternalError,  // 500 InternalError
  kSlowDown,       // 503 SlowDown
  kReset,          // RST the client connection instead of answering
  kStall,          // hold the response for `ms`
  kTrickle,        // send the response body at `bps`
  kTruncate,       // send `bytes` of the body, then close
  kBadLength,      // announce Content-Length + `delta`, send the real body, close
  kWrongObject,    // another ETag and flipped body bytes for a GET
};

// Where a 500, 503 or reset happens: before the request reaches the server,
// or after the server has handled it (the answer is lost).
enum class FaultStage { kRequest, kResponse };

struct FaultRule {
  FaultKind kind = FaultKind::kOff;
  std::string method;  // upper case; empty matches every method
  std::string key;     // substring of the raw request target; empty matches all
  int percent = 100;
  int64_t limit = 0;                     // fires at most this often; 0: no limit
  int64_t ms = 1000;                     // stall
  int64_t bps = 4096;                    // trickle
  int64_t bytes = -1;                    // truncate: body bytes sent; -1: half the body
  int64_t delta = 1;                     // bad-length: added to the true Content-Length
  FaultStage at = FaultStage::kRequest;  // 500, 503 and reset
};

// The name fault= takes for `kind`, e.g. "bad-length".
std::string_view FaultName(FaultKind kind);

// One rule line; the error says what is wrong, not where.
Result<FaultRule> ParseRule(std::string_view line);

// Rule lines, one a line; blank lines and words from '#' on are ignored.
// Errors name `origin`, the line number and the line.
Result<std::vector<FaultRule>> ParseRules(std::string_view text, std::string_view origin);

// The canonical line for `rule`, which ParseRule turns back into it.
std::string FormatRule(const FaultRule& rule);

struct FaultChoice {
  size_t index = 0;  // position of the rule, from 0
  FaultRule rule;
};

// The active rules with their counters; thread-safe.
class FaultRules {
 public:
  explicit FaultRules(uint64_t seed) : seed_(seed) {}

  // Replaces every rule and resets every counter.
  void Replace(std::vector<FaultRule> rules);

  // The rule that decides a request, if any fires.
  std::optional<FaultChoice> Choose(std::string_view method, std::string_view target);

  // A header comment with the totals, then one rule a line with its counters
  // as a trailing comment.
  std::string Describe() const;

 private:
  struct Entry {
    FaultRule rule;
    uint64_t matched = 0;  // method and key matched
    uint64_t hits = 0;     // fired
  };

  const uint64_t seed_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_
  uint64_t requests_ = 0;       // guarded by mu_
  uint64_t hits_ = 0;           // guarded by mu_
};

}  // namespace shoal::bench
