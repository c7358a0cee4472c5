// The `shoal` command: a thin dispatcher over the subcommands in cli/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "tools/cli/commands.h"
#include "tools/cli/store_flags.h"

namespace {

int Run(int argc, char** argv) {
  CLI::App app{"shoal: a streaming volume for datasets of many small objects"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "shoal 0.1.0");
  int exit_code = shoal::cli::kExitOk;
  shoal::cli::AddLsCommand(app, exit_code);
  shoal::cli::AddObjectCommands(app, exit_code);
  shoal::cli::AddPutCommand(app, exit_code);
  shoal::cli::AddGenerateCommand(app, exit_code);
  shoal::cli::AddIndexCommand(app, exit_code);
  shoal::cli::AddInspectCommand(app, exit_code);
  shoal::cli::AddDiffCommand(app, exit_code);
  shoal::cli::AddBenchReadCommand(app, exit_code);
  shoal::cli::AddMountCommand(app, exit_code);
  shoal::cli::AddControlCommands(app, exit_code);
  shoal::cli::AddRecoverCommand(app, exit_code);
  shoal::cli::AddIngestCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? shoal::cli::kExitOk : shoal::cli::kExitUsage;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // out of memory or threads, say
    std::fprintf(stderr, "shoal: %s\n", e.what());
    return shoal::cli::kExitFailed;
  }
}
