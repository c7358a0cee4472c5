// The write path's command-line flags, shared by `mount --write` and
// `recover`, and the step from them to the write mount's options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/store/store_uri.h"
#include "engine/write/object_appender.h"
#include "engine/write/object_writer.h"

namespace shoal::cli {

struct WriteFlags {
  std::string spool;  // empty: the default for the location
  std::string durability = "spool";
  int upload_parts = 4;
  std::string append = "auto";
};

void AddWriteFlags(CLI::App& command, WriteFlags& flags);

// /var/tmp/shoal-spool-<hash of the location>: survives reboots, and two
// mounts of different prefixes never share one.
std::string DefaultSpoolDir(const StoreUri& location);
// The spool directory to use, or "" for durability "memory".
std::string SpoolDirOf(const WriteFlags& flags, const StoreUri& location);
// --spool DIR with --durability memory, which keeps no spool, is refused.
Status CheckSpoolChoice(const WriteFlags& flags);
// S3 refuses multipart parts under 5 MiB (but the last) and over 5 GiB.
Status CheckUploadPartSize(uint64_t part_size);

ObjectWriterOptions WriterOptionsOf(const WriteFlags& flags, uint64_t part_size);
AppendStrategy AppendStrategyOf(const WriteFlags& flags);  // checked by AddWriteFlags

}  // namespace shoal::cli
