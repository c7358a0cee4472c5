// CheckWritableKey: whether a key that shoal is about to create would read
// back under the same name.
//
// The key policy (key_policy.h) protects readers: an index skips keys with
// '.' or '..' segments and renames those with a leading '/', an empty
// segment, a control byte, invalid UTF-8 or a name over 255 bytes. A writer
// that created such a key would make an object the next index hides or
// shows under another name. So the writers (`shoal put`, the write mount,
// `shoal ingest`) refuse it before the first byte is sent, and the message
// names the problem. The test is the key policy itself, so the two sides
// cannot drift apart. Keys over S3's limit of 1024 bytes are refused too.
#pragma once

#include <string_view>

#include "engine/base/status.h"

namespace shoal {

inline constexpr size_t kMaxKeyBytes = 1024;

// OK, or kInvalidArgument (or kNameTooLong for length) with a message that
// shows the key printably and says what is wrong with it.
Status CheckWritableKey(std::string_view key);

}  // namespace shoal
