// `shoal inspect FILE`: what a manifest holds (counts, depth, the largest
// directories, a size histogram), one directory's listing with --ls, and
// the same as JSON with --json.
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include "engine/base/printable.h"
#include "engine/base/utc_time.h"
#include "tools/cli/commands.h"
#include "tools/cli/manifest_cli.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct InspectArgs {
  std::string file;
  std::string ls;
  bool ls_given = false;
  bool json = false;
};

constexpr std::array<uint64_t, 10> kBucketLimits = {
    0,          1ull << 10, 4ull << 10,  16ull << 10, 64ull << 10, 256ull << 10,
    1ull << 20, 4ull << 20, 16ull << 20, 64ull << 20};
constexpr std::array<const char*, 11> kBucketNames = {
    "0 B",      "<= 1 KiB", "<= 4 KiB",  "<= 16 KiB", "<= 64 KiB", "<= 256 KiB",
    "<= 1 MiB", "<= 4 MiB", "<= 16 MiB", "<= 64 MiB", "> 64 MiB"};

struct Summary {
  uint32_t depth = 0;
  std::vector<uint32_t> largest_dirs;
  std::array<uint64_t, 11> histogram{};
};

Summary Summarise(const Manifest& m) {
  Summary s;
  std::vector<uint16_t> depth(m.entry_count(), 0);
  std::vector<uint32_t> dirs;
  for (uint32_t e = 1; e < m.entry_count(); ++e) {
    depth[e] = static_cast<uint16_t>(std::min<uint32_t>(depth[m.Parent(e)] + 1u, 65535));
    s.depth = std::max<uint32_t>(s.depth, depth[e]);
    if (m.IsDir(e)) continue;
    uint64_t size = m.GetAttr(e).size;
    size_t b = 0;
    while (b < kBucketLimits.size() && size > kBucketLimits[b]) ++b;
    ++s.histogram[b];
  }
  for (uint32_t e = 0; e < m.entry_count(); ++e) {
    if (m.IsDir(e)) dirs.push_back(e);
  }
  const auto top = static_cast<std::ptrdiff_t>(std::min<size_t>(5, dirs.size()));
  std::partial_sort(dirs.begin(), dirs.begin() + top, dirs.end(), [&](uint32_t a, uint32_t b) {
    return m.ChildCount(a) != m.ChildCount(b) ? m.ChildCount(a) > m.ChildCount(b) : a < b;
  });
  s.largest_dirs.assign(dirs.begin(), dirs.begin() + top);
  return s;
}

std::string ShownPath(const Manifest& m, uint32_t e) {
  return e == Manifest::kRoot ? "/" : "/" + m.Path(e);
}

std::string Iso(int64_t t) { return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); }

int PrintListing(const Manifest& m, const std::string& path, bool json) {
  std::optional<uint32_t> dir = m.Resolve(path);
  if (!dir || !m.IsDir(*dir)) {
    return Fail(
        Status(ErrorCode::kNotFound, "no directory '" + Printable(path) + "' in the manifest"));
  }
  uint32_t first = m.FirstChild(*dir), end = first + m.ChildCount(*dir);
  if (json) {
    std::printf(R"({"path":%s,"entries":[)", JsonString(ShownPath(m, *dir)).c_str());
    for (uint32_t c = first; c < end; ++c) {
      EntryAttr a = m.GetAttr(c);
      std::printf(R"(%s{"name":%s,"type":"%s","size":%llu,"mtime":%lld,"etag":%s})",
                  c == first ? "" : ",", JsonString(m.Name(c)).c_str(), a.is_dir ? "dir" : "file",
                  static_cast<unsigned long long>(a.size), static_cast<long long>(a.mtime),
                  JsonString(m.Etag(c)).c_str());
    }
    std::printf("]}\n");
    return kExitOk;
  }
  for (uint32_t c = first; c < end; ++c) {
    EntryAttr a = m.GetAttr(c);
    std::string name(m.Name(c));
    if (a.is_dir) name.push_back('/');
    std::printf("%12llu  %s  %s\n", static_cast<unsigned long long>(a.size), Iso(a.mtime).c_str(),
                Printable(name).c_str());
  }
  return kExitOk;
}

int RunInspect(const InspectArgs& args) {
  std::shared_ptr<const Manifest> m = OpenManifestOrReport(args.file);
  if (!m) return kExitFailed;
  if (args.ls_given) return PrintListing(*m, args.ls, args.json);
  Summary s = Summarise(*m);
  if (args.json) {
    std::printf(
        "{\"files\":%llu,\"directories\":%llu,\"bytes\":%llu,\"entries\":%u,\"depth\":%u,"
        "\"created_unix\":%lld,\"skipped_keys\":%llu,\"renamed_keys\":%llu,\"compressed\":%s,"
        "\"source\":{\"endpoint\":%s,\"bucket\":%s,\"prefix\":%s},\"largest_directories\":[",
        static_cast<unsigned long long>(m->file_count()),
        static_cast<unsigned long long>(m->directory_count()),
        static_cast<unsigned long long>(m->total_bytes()), m->entry_count(), s.depth,
        static_cast<long long>(m->created_unix()),
        static_cast<unsigned long long>(m->skipped_keys()),
        static_cast<unsigned long long>(m->renamed_keys()), m->compressed() ? "true" : "false",
        JsonString(m->endpoint()).c_str(), JsonString(m->bucket()).c_str(),
        JsonString(m->prefix()).c_str());
    for (size_t i = 0; i < s.largest_dirs.size(); ++i) {
      std::printf(R"(%s{"path":%s,"entries":%u})", i ? "," : "",
                  JsonString(ShownPath(*m, s.largest_dirs[i])).c_str(),
                  m->ChildCount(s.largest_dirs[i]));
    }
    std::printf(R"(],"size_histogram":[)");
    for (size_t b = 0; b < s.histogram.size(); ++b) {
      std::printf(R"(%s{"bucket":"%s","files":%llu})", b ? "," : "", kBucketNames[b],
                  static_cast<unsigned long long>(s.histogram[b]));
    }
    std::printf("]}\n");
    return kExitOk;
  }
  std::printf("manifest:    %s (%s)\n", args.file.c_str(),
              m->compressed() ? "zstd" : "uncompressed");
  std::printf("source:      %s%s%s%s\n", m->endpoint().empty() ? "file://" : "s3://",
              Printable(m->bucket()).c_str(), m->endpoint().empty() ? "" : "/",
              Printable(m->prefix()).c_str());
  if (!m->endpoint().empty()) std::printf("endpoint:    %s\n", Printable(m->endpoint()).c_str());
  std::printf("created:     %s\n", Iso(m->created_unix()).c_str());
  std::printf("entries:     %u (%llu files, %llu directories)\n", m->entry_count(),
              static_cast<unsigned long long>(m->file_count()),
              static_cast<unsigned long long>(m->directory_count()));
  std::printf("bytes:       %llu\n", static_cast<unsigned long long>(m->total_bytes()));
  std::printf("depth:       %u\n", s.depth);
  std::printf("key policy:  %llu skipped, %llu renamed\n",
              static_cast<unsigned long long>(m->skipped_keys()),
              static_cast<unsigned long long>(m->renamed_keys()));
  std::printf("largest directories:\n");
  for (uint32_t d : s.largest_dirs) {
    std::printf("  %10u  %s\n", m->ChildCount(d), Printable(ShownPath(*m, d)).c_str());
  }
  std::printf("file sizes:\n");
  for (size_t b = 0; b < s.histogram.size(); ++b) {
    if (s.histogram[b] != 0) {
      std::printf("  %-12s %10llu\n", kBucketNames[b],
                  static_cast<unsigned long long>(s.histogram[b]));
    }
  }
  return kExitOk;
}

}  // namespace

void AddInspectCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd =
      app.add_subcommand("inspect", "Summarise a manifest, or list one of its directories");
  cmd->add_option("file", args->file, "manifest file")->required();
  cmd->add_option("--ls", args->ls, "list this directory of the manifest (\"/\" for the root)")
      ->each([args](const std::string&) { args->ls_given = true; });
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args, &exit_code] { exit_code = RunInspect(*args); });
}

}  // namespace shoal::cli
