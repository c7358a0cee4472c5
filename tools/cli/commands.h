// Each `shoal` subcommand registers itself on the app; the callback it sets
// stores the exit code in `exit_code`. One file per command.
#pragma once

#include <CLI/CLI.hpp>

namespace shoal::cli {

void AddLsCommand(CLI::App& app, int& exit_code);
void AddObjectCommands(CLI::App& app, int& exit_code);  // stat, cat
void AddPutCommand(CLI::App& app, int& exit_code);
void AddGenerateCommand(CLI::App& app, int& exit_code);
void AddIndexCommand(CLI::App& app, int& exit_code);
void AddInspectCommand(CLI::App& app, int& exit_code);
void AddDiffCommand(CLI::App& app, int& exit_code);
void AddBenchReadCommand(CLI::App& app, int& exit_code);
void AddMountCommand(CLI::App& app, int& exit_code);
void AddControlCommands(CLI::App& app, int& exit_code);  // stats, refresh, prefetch
void AddRecoverCommand(CLI::App& app, int& exit_code);
void AddIngestCommand(CLI::App& app, int& exit_code);

}  // namespace shoal::cli
