// What shoal-fault-proxy's faults do to an answer, as plain functions of the
// bytes: the connection code only decides when to apply them, and the unit
// tests check them without a server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/bench/fault_rules.h"

namespace shoal::bench {

// The whole response for an injected 500 (InternalError) or 503 (SlowDown),
// with the S3 XML error body that names the request's path.
std::string S3ErrorResponse(FaultKind kind, std::string_view method, std::string_view target,
                            bool close);

// Another ETag of the same shape: every hex digit replaced by its complement.
std::string WrongEtag(std::string_view etag);

// Every byte inverted: the same length, none of the content.
void FlipBytes(std::string& bytes);

// How much of a `length`-byte body a truncate rule sends: `bytes`, or half
// the body, and always less than all of it. Callers skip empty bodies.
uint64_t TruncatedLength(const FaultRule& rule, uint64_t length);

// The Content-Length a bad-length rule announces for a `length`-byte body.
uint64_t BadLength(const FaultRule& rule, uint64_t length);

}  // namespace shoal::bench
