// The read engine's command-line flags, shared by `bench-read` and `mount`,
// and the step from them (plus the store flags) to a ReadStack's options.
// Sizes accept suffixes: 512M, 1G, 64KiB.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "engine/read/read_stack.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {

struct EngineFlags {
  uint64_t cache_size = 0;  // 0: DefaultMemoryBudget()
  std::string cache_dir;    // empty: no disk cache
  uint64_t cache_dir_size = 10ull << 30;
  int max_in_flight = 128;
  int connections_per_host = 64;
  uint64_t part_size = 8ull << 20;
  bool direct = false;
};

void AddEngineFlags(CLI::App& command, EngineFlags& flags);

ReadStackOptions ToReadStackOptions(const EngineFlags& engine, const StoreFlags& store);

}  // namespace shoal::cli
