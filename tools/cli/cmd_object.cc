// `shoal stat URI KEY` and `shoal cat URI KEY`: one object's metadata or
// bytes. KEY is relative to the URI's prefix.
#include <cstdio>
#include <memory>

#include "engine/base/printable.h"
#include "engine/store/await.h"
#include "tools/cli/commands.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct ObjectArgs {
  std::string uri;
  std::string key;
  StoreFlags store;
};

std::string FullKey(const StoreUri& location, const std::string& key) {
  if (location.prefix.empty()) return key;
  if (location.prefix.back() == '/') return location.prefix + key;
  return location.prefix + "/" + key;
}

int RunStat(const ObjectArgs& args) {
  StoreUri location;
  std::unique_ptr<OpenedStore> opened = OpenOrReport(args.uri, args.store, &location);
  if (!opened) return kExitFailed;
  const std::string key = FullKey(location, args.key);
  Result<ObjectInfo> info = Await<ObjectInfo>([&](auto done) { opened->store().Head(key, done); });
  if (!info.ok()) return Fail(info.status());
  std::printf("key: %s\nsize: %llu\netag: %s\nmtime: %lld\n", Printable(info->key).c_str(),
              static_cast<unsigned long long>(info->size), info->etag.c_str(),
              static_cast<long long>(info->mtime_seconds));
  return kExitOk;
}

int RunCat(const ObjectArgs& args) {
  StoreUri location;
  std::unique_ptr<OpenedStore> opened = OpenOrReport(args.uri, args.store, &location);
  if (!opened) return kExitFailed;
  const std::string key = FullKey(location, args.key);
  Result<GetResult> got = Await<GetResult>([&](auto done) {
    opened->store().Get(GetRequest{key, {}, {}}, done);
  });
  if (!got.ok()) return Fail(got.status());
  if (std::fwrite(got->data.data(), 1, got->data.size(), stdout) != got->data.size() ||
      std::fflush(stdout) != 0) {
    return Fail(Status(ErrorCode::kIoError, "cannot write to standard output"));
  }
  return kExitOk;
}

void AddObjectCommand(CLI::App& app, const char* name, const char* help,
                      int (*run)(const ObjectArgs&), int& exit_code) {
  auto args = std::make_shared<ObjectArgs>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("uri", args->uri, "s3://bucket[/prefix] or file:///dir")->required();
  cmd->add_option("key", args->key, "object key, relative to the prefix")->required();
  AddStoreFlags(*cmd, args->store);
  cmd->callback([args, run, &exit_code] { exit_code = run(*args); });
}

}  // namespace

void AddObjectCommands(CLI::App& app, int& exit_code) {
  AddObjectCommand(app, "stat", "Print an object's size, ETag and modification time", RunStat,
                   exit_code);
  AddObjectCommand(app, "cat", "Write an object's bytes to standard output", RunCat, exit_code);
}

}  // namespace shoal::cli
