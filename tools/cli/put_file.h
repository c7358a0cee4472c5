// PutFile: one local file up to one object, read in chunks and streamed
// through an ObjectWriter, so a file of any size costs at most the writer's
// bounded buffers plus one read chunk.
//
// For a known file size, the part size is raised if needed so the file fits
// in S3's 10,000 parts. Runs on the calling thread (one of `put`'s jobs);
// `on_bytes` is called on that thread after each chunk is handed on.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "engine/write/object_writer.h"
#include "tools/cli/put_sources.h"

namespace shoal::cli {

// The part size to use for a file of `size` bytes: at least `wanted`, and
// large enough (whole MiB) that the file needs at most kMaxUploadParts.
uint64_t PartSizeFor(uint64_t size, uint64_t wanted);

// Uploads `item`; returns the bytes sent. Gives up with kCancelled between
// chunks once `cancel` is set. On failure nothing is left pending.
Result<uint64_t> PutFile(ObjectStore& store, const PutItem& item, ObjectWriterOptions options,
                         const std::function<void(uint64_t)>& on_bytes,
                         const std::atomic<bool>& cancel);

}  // namespace shoal::cli
