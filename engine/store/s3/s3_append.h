// Appendable objects on S3-compatible servers: what the answer to an append
// means, for each dialect.
//
// Ceph RGW takes PUT ?append&position=N and Alibaba OSS takes POST
// ?append&position=N; both report the object's new length in a header
// (x-rgw- or x-oss-next-append-position). RGW's ETag header is the MD5 of
// the appended chunk (the object's ETag becomes "<hash>-<appends>"), so
// AppendResult carries an ETag only for OSS. Both refuse with 409:
// PositionNotEqualToLength (kPositionMismatch; the length header then holds
// the object's length) when N is not the object's length, and
// ObjectNotAppendable (kNotAppendable) when the object was made by a plain
// PUT. A server without appendable objects shows it in one of these ways,
// all mapped to kUnsupported:
//   - 501 or <Code>NotImplemented</Code> (as for any request, s3_errors);
//   - 405, or 400 with a code no more specific than InvalidArgument or
//     InvalidRequest: the server did not accept ?append on this method;
//   - a 2xx answer without the next-position header: the server ignored
//     ?append and stored the data as a plain object (AWS S3 does this,
//     replacing what the key held).
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/base/result.h"
#include "engine/http/http_message.h"
#include "engine/store/object_store.h"
#include "engine/store/s3/s3_config.h"

namespace shoal {

// The response header that carries the next append position.
std::string_view NextAppendPositionHeader(S3Dialect dialect);

// The result of a 2xx answer to an append of `key`.
Result<AppendResult> ParseAppendResponse(const HttpResponse& response, S3Dialect dialect,
                                         std::string_view key);

// The Status of a non-2xx answer to an append of `key` at `position`.
Status AppendErrorStatus(const HttpResponse& response, S3Dialect dialect, std::string_view bucket,
                         std::string_view key, uint64_t position);

}  // namespace shoal
