// Every case of the key policy (index/key_policy.h), through the builder, so
// that what is tested is what a manifest ends up holding.
#include "index/key_policy.h"

#include <gtest/gtest.h>

#include "index/manifest.h"
#include "index/manifest_builder.h"
#include "index/manifest_file.h"

namespace shoal {
namespace {

struct Built {
  std::shared_ptr<const Manifest> manifest;
  KeyReport report;
};

Built Build(const std::vector<std::string>& keys) {
  ManifestBuilder builder({"e", "b", "", 1});
  for (const auto& k : keys) builder.Add(ObjectInfo{k, k.size(), "", 1});
  Built out;
  std::string payload = builder.Finish().ToString();
  out.report = builder.report();
  auto m = Manifest::FromBytes(EncodeManifestContainer(payload, false), "test");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  out.manifest = *m;
  return out;
}

std::vector<std::string> AllPaths(const Manifest& m) {
  std::vector<std::string> out;
  for (uint32_t e = 1; e < m.entry_count(); ++e) out.push_back(m.Path(e) + (m.IsDir(e) ? "/" : ""));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(KeyPolicy, LeadingSlashAndEmptySegments) {
  Built b = Build({"/abs/file", "a//b///c"});
  EXPECT_EQ(AllPaths(*b.manifest),
            (std::vector<std::string>{"a/", "a/b/", "a/b/c", "abs/", "abs/file"}));
  EXPECT_EQ(b.report.count(KeyIssue::kLeadingSlash), 1u);
  EXPECT_EQ(b.report.count(KeyIssue::kEmptySegment), 1u);
  // The original key is still what a read fetches.
  EXPECT_EQ(b.manifest->ObjectKey(*b.manifest->Resolve("a/b/c")), "a//b///c");
  EXPECT_EQ(b.manifest->ObjectKey(*b.manifest->Resolve("abs/file")), "/abs/file");
}

TEST(KeyPolicy, DotSegmentsAreSkipped) {
  Built b = Build({"../../etc/passwd", "a/./b", "a/../b", "..", ".", "ok"});
  EXPECT_EQ(AllPaths(*b.manifest), std::vector<std::string>{"ok"});
  EXPECT_EQ(b.report.count(KeyIssue::kDotSegment), 5u);
  EXPECT_EQ(b.report.skipped(), 5u);
  EXPECT_NE(b.report.Summary().find("../../etc/passwd"), std::string::npos);
}

TEST(KeyPolicy, ControlBytesAndNulAreEscaped) {
  Built b = Build({std::string("new\nline", 8), std::string("nul\0byte", 8), "tab\there\x7f"});
  EXPECT_EQ(AllPaths(*b.manifest),
            (std::vector<std::string>{"new%0Aline", "nul%00byte", "tab%09here%7F"}));
  EXPECT_EQ(b.report.count(KeyIssue::kControlByte), 3u);
  EXPECT_EQ(b.manifest->ObjectKey(*b.manifest->Resolve("nul%00byte")), std::string("nul\0byte", 8));
  // Samples shown to people are escaped too: one issue, one line, no NUL.
  const std::string summary = b.report.Summary();
  EXPECT_EQ(summary.find('\n'), summary.size() - 1) << summary;
  EXPECT_EQ(summary.find('\0'), std::string::npos) << summary;
}

TEST(KeyPolicy, InvalidUtf8IsEscaped) {
  Built b = Build({"bad\xff\xfename", "ok-\xc3\xbc", "overlong\xc0\xaf", "surrogate\xed\xa0\x80"});
  std::vector<std::string> paths = AllPaths(*b.manifest);
  EXPECT_EQ(paths, (std::vector<std::string>{"bad%FF%FEname", "ok-\xc3\xbc", "overlong%C0%AF",
                                             "surrogate%ED%A0%80"}));
  EXPECT_EQ(b.report.count(KeyIssue::kInvalidUtf8), 3u);
}

TEST(KeyPolicy, LongNamesAreShortenedUniquely) {
  std::string a(300, 'a'), b2 = std::string(299, 'a') + "b";
  Built b = Build({"d/" + a, "d/" + b2, std::string(4096, 'x')});
  std::vector<std::string> paths = AllPaths(*b.manifest);
  ASSERT_EQ(paths.size(), 4u);
  for (uint32_t e = 1; e < b.manifest->entry_count(); ++e) {
    EXPECT_LE(b.manifest->Name(e).size(), 255u);
  }
  EXPECT_NE(paths[1], paths[2]);
  EXPECT_EQ(b.report.count(KeyIssue::kLongName), 3u);
}

TEST(KeyPolicy, PathsOverTheStoreKeyLimitAreSkipped) {
  std::string deep, at_limit;
  while (deep.size() < 4096) deep += std::string(200, 'd') + "/";
  deep += "file";
  while (at_limit.size() + 201 <= kMaxPathBytes) at_limit += std::string(200, 'k') + "/";
  at_limit += std::string(kMaxPathBytes - at_limit.size(), 'f');
  // Escaping counts: five names of 80 newlines, a 404-byte key, become
  // 1204 bytes of "%0A" and slashes.
  std::string escaped_over = std::string(80, '\n');
  for (int i = 0; i < 4; ++i) escaped_over += "/" + std::string(80, '\n');
  Built b = Build({deep, at_limit, escaped_over, "ok"});
  EXPECT_EQ(b.report.count(KeyIssue::kLongPath), 2u);
  EXPECT_EQ(b.report.skipped(), 2u);
  EXPECT_EQ(b.report.count(KeyIssue::kControlByte), 0u);  // skipped, so not also renamed
  ASSERT_TRUE(b.manifest->Resolve(at_limit));
  EXPECT_FALSE(b.manifest->Resolve(deep.substr(0, 200) + "/" + deep.substr(201, 200)));
  EXPECT_NE(b.report.Summary().find("path over 1024 bytes: key skipped, e.g. 'ddd"),
            std::string::npos)
      << b.report.Summary();
}

TEST(KeyPolicy, FileAndDirectoryWithOneName) {
  Built b = Build({"a", "a/b", "m/", "m", "z/q"});
  EXPECT_EQ(AllPaths(*b.manifest),
            (std::vector<std::string>{"a.~file", "a/", "a/b", "m.~file", "m/", "z/", "z/q"}));
  EXPECT_EQ(b.report.count(KeyIssue::kFileDirConflict), 2u);
  EXPECT_EQ(b.manifest->ObjectKey(*b.manifest->Resolve("a.~file")), "a");
  EXPECT_EQ(b.manifest->ObjectKey(*b.manifest->Resolve("m.~file")), "m");
  EXPECT_EQ(b.manifest->GetAttr(*b.manifest->Resolve("a.~file")).size, 1u);
}

// A directory marker, a file of the same name and a key inside the
// directory: one directory, the file renamed beside it, and a manifest that
// opens (the fuzzer found two directories "m" here).
TEST(KeyPolicy, MarkerFileAndChildOfOneNameMakeOneDirectory) {
  for (const std::vector<std::string>& keys :
       {std::vector<std::string>{"m/", "m", "m/x"}, std::vector<std::string>{"m/x", "m", "m/"},
        std::vector<std::string>{"m", "m/"}}) {
    Built b = Build(keys);
    std::vector<std::string> want = {"m.~file", "m/"};
    if (keys.size() == 3) want.emplace_back("m/x");
    EXPECT_EQ(AllPaths(*b.manifest), want);
    EXPECT_EQ(b.report.count(KeyIssue::kFileDirConflict), 1u);
  }
}

TEST(KeyPolicy, CollisionsAfterRenamingKeepOne) {
  Built b = Build({"x%0A", "x\n", "y", "y", "a", "a/b", "a.~file"});
  std::vector<std::string> paths = AllPaths(*b.manifest);
  EXPECT_EQ(paths, (std::vector<std::string>{"a.~file", "a/", "a/b", "x%0A", "y"}));
  EXPECT_EQ(b.report.count(KeyIssue::kDuplicate), 2u);  // "x\n" and one "a.~file"
}

TEST(KeyPolicy, NoManifestPathEscapes) {
  Built b = Build({"../x", "/../y", "a/../../z", "./w", "//", "/", "v/.", "u/.."});
  for (uint32_t e = 1; e < b.manifest->entry_count(); ++e) {
    std::string_view name = b.manifest->Name(e);
    EXPECT_NE(name, "..");
    EXPECT_NE(name, ".");
    EXPECT_EQ(name.find('/'), std::string_view::npos);
  }
}

}  // namespace
}  // namespace shoal
