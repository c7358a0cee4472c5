// The command-line flags every command that talks to a bucket shares, and
// the step from parsed flags to an opened store. Secrets are never flags:
// they come from the environment or a credentials file, so they cannot show
// up in `ps` output or shell history.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "engine/store/open_store.h"

namespace shoal::cli {

struct StoreFlags {
  std::string endpoint;
  std::string region;
  std::string addressing = "auto";
  std::string credentials_file;
  std::string profile = "default";
  bool anonymous = false;
  int connect_timeout_ms = 5000;
  int timeout_ms = 60000;
  int max_attempts = 5;
};

void AddStoreFlags(CLI::App& command, StoreFlags& flags);

// The client options the flags describe.
StoreOptions ToStoreOptions(const StoreFlags& flags);

// Parses `uri` and opens it; on failure prints the reason and returns null.
std::unique_ptr<OpenedStore> OpenOrReport(const std::string& uri, const StoreFlags& flags,
                                          StoreUri* parsed);

// Exit codes, documented in README.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;  // `put` after SIGINT/SIGTERM

// Prints "shoal: <status>" to stderr and returns kExitFailed.
int Fail(const Status& status);

}  // namespace shoal::cli
