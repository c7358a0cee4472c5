// Aborting a key's pending multipart uploads.
//
// Why this exists: CreateMultipartUpload is not idempotent. When its answer
// is lost (the connection resets, or a 500 comes back after the server did
// the work), the retry creates a second upload and the first one's id never
// reaches shoal. That upload holds no bytes anyone acknowledged, but it
// stays in the bucket (and is billed) until a lifecycle rule expires it.
// Two callers clean such uploads up: recovery, before it uploads a spooled
// object again, and ObjectWriter, right after it completed an object.
//
// Only uploads of exactly `key` are touched (the listing is by prefix, so
// "a.bin.tmp" is skipped when cleaning "a.bin"). An upload that is already
// gone (NoSuchUpload) counts as aborted.
//
// Blocking: never call on a store's event-loop thread.
#pragma once

#include <string>

#include "engine/base/result.h"
#include "engine/store/object_store.h"

namespace shoal {

// How many uploads of `key` were aborted; the first failure otherwise.
Result<int> AbortPendingUploads(ObjectStore& store, const std::string& key);

}  // namespace shoal
