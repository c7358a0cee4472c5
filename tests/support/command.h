// Running the shoal binary (and other commands) from tests, capturing
// what they print, and finding the process that serves a mount.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace shoal::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh -c; `env` entries ("NAME=value") are added.
CommandResult RunCommand(const std::string& command, const std::vector<std::string>& env = {});

// Single-quotes `text` for /bin/sh.
std::string ShellQuote(const std::string& text);

// The pid of a process whose command line contains every one of `parts`,
// or -1.
pid_t FindProcess(const std::vector<std::string>& parts);

}  // namespace shoal::testing
