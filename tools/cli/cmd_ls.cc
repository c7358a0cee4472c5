// `shoal ls URI`: list a bucket prefix, one level or recursively, or just
// summarise it (objects, bytes, pages, objects/s).
#include <chrono>
#include <cstdio>
#include <memory>

#include "engine/base/printable.h"
#include "engine/store/await.h"
#include "tools/cli/commands.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct LsArgs {
  std::string uri;
  bool recursive = false;
  bool summary = false;
  StoreFlags store;
};

int RunLs(const LsArgs& args) {
  StoreUri location;
  std::unique_ptr<OpenedStore> opened = OpenOrReport(args.uri, args.store, &location);
  if (!opened) return kExitFailed;
  ObjectStore& store = opened->store();

  ListRequest request;
  request.prefix = location.prefix;
  if (!request.prefix.empty() && request.prefix.back() != '/' && !args.recursive) {
    request.prefix.push_back('/');
  }
  if (!args.recursive) request.delimiter = "/";

  const auto start = std::chrono::steady_clock::now();
  uint64_t objects = 0, bytes = 0, pages = 0;
  while (true) {
    Result<ListPage> page = Await<ListPage>([&](auto done) { store.List(request, done); });
    if (!page.ok()) return Fail(page.status());
    ++pages;
    if (!args.summary) {
      // Keys are shown printably (engine/base/printable.h): a newline in
      // one must not pose as a second line.
      for (const auto& p : page->common_prefixes) {
        std::printf("%12s  %s\n", "DIR", Printable(p).c_str());
      }
      for (const auto& o : page->objects) {
        std::printf("%12llu  %s\n", static_cast<unsigned long long>(o.size),
                    Printable(o.key).c_str());
      }
    }
    for (const auto& o : page->objects) bytes += o.size;
    objects += page->objects.size();
    if (!page->truncated) break;
    request.continuation_token = page->next_continuation_token;
  }
  if (args.summary) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %llu objects, %llu bytes, %llu pages, %.3f s (%.0f objects/s)\n",
                store.Describe().c_str(), static_cast<unsigned long long>(objects),
                static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(pages),
                seconds, seconds > 0 ? static_cast<double>(objects) / seconds : 0.0);
  }
  return kExitOk;
}

}  // namespace

void AddLsCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<LsArgs>();
  CLI::App* ls = app.add_subcommand("ls", "List objects under s3://bucket/prefix or file:///dir");
  ls->add_option("uri", args->uri, "s3://bucket[/prefix] or file:///dir")->required();
  ls->add_flag("-r,--recursive", args->recursive, "list every key below the prefix");
  ls->add_flag("--summary", args->summary, "print only counts, bytes and listing speed");
  AddStoreFlags(*ls, args->store);
  ls->callback([args, &exit_code] { exit_code = RunLs(*args); });
}

}  // namespace shoal::cli
