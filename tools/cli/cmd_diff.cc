// `shoal diff OLD NEW`: which files two manifests disagree on. A file is
// "changed" when its ETag or its size differs.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/printable.h"
#include "index/manifest_diff.h"
#include "tools/cli/commands.h"
#include "tools/cli/manifest_cli.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct DiffArgs {
  std::string old_file;
  std::string new_file;
  bool summary = false;
  bool json = false;
};

void PrintJsonArray(const char* name, const std::vector<std::string>& paths, bool last) {
  std::printf("\"%s\":[", name);
  for (size_t i = 0; i < paths.size(); ++i) {
    std::printf("%s%s", i ? "," : "", JsonString(paths[i]).c_str());
  }
  std::printf("]%s", last ? "" : ",");
}

int RunDiff(const DiffArgs& args) {
  std::shared_ptr<const Manifest> old_m = OpenManifestOrReport(args.old_file);
  if (!old_m) return kExitFailed;
  std::shared_ptr<const Manifest> new_m = OpenManifestOrReport(args.new_file);
  if (!new_m) return kExitFailed;

  ManifestDiff diff = DiffManifests(*old_m, *new_m);
  const auto& [added, removed, changed] = diff;
  if (args.json) {
    std::printf(R"({"added_count":%zu,"removed_count":%zu,"changed_count":%zu,)", added.size(),
                removed.size(), changed.size());
    PrintJsonArray("added", args.summary ? std::vector<std::string>{} : added, false);
    PrintJsonArray("removed", args.summary ? std::vector<std::string>{} : removed, false);
    PrintJsonArray("changed", args.summary ? std::vector<std::string>{} : changed, true);
    std::printf("}\n");
    return kExitOk;
  }
  if (!args.summary) {
    for (const auto& p : added) std::printf("+ %s\n", Printable(p).c_str());
    for (const auto& p : removed) std::printf("- %s\n", Printable(p).c_str());
    for (const auto& p : changed) std::printf("~ %s\n", Printable(p).c_str());
  }
  std::printf("%zu added, %zu removed, %zu changed\n", added.size(), removed.size(),
              changed.size());
  return kExitOk;
}

}  // namespace

void AddDiffCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd =
      app.add_subcommand("diff", "Files added, removed or changed between two manifests");
  cmd->add_option("old", args->old_file, "the older manifest")->required();
  cmd->add_option("new", args->new_file, "the newer manifest")->required();
  cmd->add_flag("--summary", args->summary, "counts only");
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args, &exit_code] { exit_code = RunDiff(*args); });
}

}  // namespace shoal::cli
