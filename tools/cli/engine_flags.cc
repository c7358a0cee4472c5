#include "tools/cli/engine_flags.h"

namespace shoal::cli {

void AddEngineFlags(CLI::App& command, EngineFlags& flags) {
  command
      .add_option("--cache-size", flags.cache_size,
                  "memory for cached and prefetched data (default min(1G, RAM/4); RAM is the "
                  "cgroup memory limit when lower, as in a container)")
      ->transform(CLI::AsSizeValue(false));
  command.add_option("--cache-dir", flags.cache_dir,
                     "directory for an on-disk cache that survives remounts (default: none)");
  command
      .add_option("--cache-dir-size", flags.cache_dir_size,
                  "size limit of --cache-dir (default 10G)")
      ->transform(CLI::AsSizeValue(false));
  command
      .add_option("--max-in-flight", flags.max_in_flight, "object requests in flight (default 128)")
      ->check(CLI::Range(1, 4096));
  command
      .add_option("--connections-per-host", flags.connections_per_host,
                  "connections to the endpoint (default 64)")
      ->check(CLI::Range(1, 4096));
  command
      .add_option("--part-size", flags.part_size,
                  "objects up to this size are fetched whole; larger ones in parts of it "
                  "(default 8M)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(uint64_t{64} << 10, uint64_t{1} << 30));
  command.add_flag("--direct", flags.direct, "no cache and no prefetch (random access)");
}

ReadStackOptions ToReadStackOptions(const EngineFlags& engine, const StoreFlags& store) {
  ReadStackOptions options;
  options.store = ToStoreOptions(store);
  options.max_in_flight = engine.max_in_flight;
  options.connections_per_host = engine.connections_per_host;
  options.engine.memory_budget = engine.cache_size != 0 ? engine.cache_size : DefaultMemoryBudget();
  options.engine.part_size = engine.part_size;
  options.engine.direct = engine.direct;
  options.cache_dir = engine.cache_dir;
  options.cache_dir_bytes = engine.cache_dir_size;
  return options;
}

}  // namespace shoal::cli
