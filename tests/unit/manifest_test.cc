// Manifest round trip and corruption handling.
#include "index/manifest.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include <xxhash.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "index/manifest_builder.h"
#include "index/manifest_file.h"
#include "index/manifest_format.h"
#include "index/manifest_generated.h"

namespace shoal {
namespace {

ObjectInfo Obj(std::string key, uint64_t size,
               std::string etag = "0123456789abcdef0123456789abcdef", int64_t mtime = 1700000000) {
  return ObjectInfo{std::move(key), size, std::move(etag), mtime};
}

std::shared_ptr<const Manifest> BuildAndLoad(ManifestBuilder& builder, bool compress) {
  std::string bytes = EncodeManifestContainer(builder.Finish(), compress);
  auto m = Manifest::FromBytes(bytes, "test");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

TEST(Manifest, RoundTripEveryEntry) {
  // A tree of 3 levels with files at each level, in shuffled order.
  std::map<std::string, uint64_t> files;
  for (uint64_t d = 0; d < 7; ++d) {
    for (uint64_t s = 0; s < 5; ++s) {
      for (uint64_t f = 0; f < 11; ++f) {
        files["data/d" + std::to_string(d) + "/s" + std::to_string(s) + "/f" + std::to_string(f)] =
            d * 1000 + s * 100 + f;
      }
    }
    files["data/d" + std::to_string(d) + "/top.txt"] = 7;
  }
  files["data/root.bin"] = 99;
  std::vector<ObjectInfo> listing;
  listing.reserve(files.size() + 2);
  for (const auto& [k, size] : files) listing.push_back(Obj(k, size));
  listing.push_back(Obj("data/empty-dir/", 0));
  listing.push_back(Obj("outside/ignored", 5));
  // NOLINTNEXTLINE(cert-msc51-cpp): a fixed seed, so a failure reproduces
  std::shuffle(listing.begin(), listing.end(), std::mt19937(7));

  for (bool compress : {false, true}) {
    ManifestBuilder builder({"http://h", "bkt", "data/", 1234});
    for (const auto& o : listing) builder.Add(o);
    auto m = BuildAndLoad(builder, compress);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->file_count(), files.size());
    EXPECT_EQ(m->directory_count(), 1u + 7 + 7 * 5 + 1);  // root, d*, s*, empty-dir
    EXPECT_EQ(m->created_unix(), 1234);
    EXPECT_EQ(m->bucket(), "bkt");
    EXPECT_EQ(m->prefix(), "data/");
    uint64_t total = 0;
    for (const auto& [k, size] : files) {
      total += size;
      std::string rel = k.substr(5);
      std::optional<uint32_t> e = m->Resolve(rel);
      ASSERT_TRUE(e) << rel;
      EntryAttr a = m->GetAttr(*e);
      EXPECT_FALSE(a.is_dir);
      EXPECT_EQ(a.size, size);
      EXPECT_EQ(a.mtime, 1700000000);
      EXPECT_EQ(m->Etag(*e), "0123456789abcdef0123456789abcdef");
      EXPECT_EQ(m->Path(*e), rel);
      EXPECT_EQ(m->ObjectKey(*e), k);
      // lookup by parent + name agrees with resolve
      EXPECT_EQ(m->Lookup(m->Parent(*e), m->Name(*e)), e);
    }
    EXPECT_EQ(m->total_bytes(), total);
    // readdir: every directory's children are sorted and point back at it.
    for (uint32_t d = 0; d < m->entry_count(); ++d) {
      if (!m->IsDir(d)) continue;
      for (uint32_t c = m->FirstChild(d); c < m->FirstChild(d) + m->ChildCount(d); ++c) {
        EXPECT_EQ(m->Parent(c), d);
        if (c > m->FirstChild(d)) {
          EXPECT_LT(m->Name(c - 1), m->Name(c));
        }
      }
    }
    auto empty = m->Resolve("empty-dir");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(m->IsDir(*empty));
    EXPECT_EQ(m->ChildCount(*empty), 0u);
    EXPECT_FALSE(m->Resolve("d0/nope"));
    EXPECT_FALSE(m->Lookup(*m->Resolve("root.bin"), "x"));  // a file has no children
    EXPECT_EQ(m->compressed(), compress);
  }
}

TEST(Manifest, OrderOfPagesDoesNotMatter) {
  std::vector<ObjectInfo> listing;
  listing.reserve(500);
  for (int i = 0; i < 500; ++i)
    listing.push_back(Obj("k/" + std::to_string(i % 17) + "/" + std::to_string(i), i));
  std::string first, second;
  for (std::string* out : {&first, &second}) {
    std::shuffle(listing.begin(), listing.end(), std::mt19937(out == &first ? 1 : 2));
    ManifestBuilder builder({"e", "b", "k/", 42});
    for (const auto& o : listing) builder.Add(o);
    *out = EncodeManifestContainer(builder.Finish(), true);
  }
  EXPECT_EQ(first, second);
}

TEST(Manifest, EtagForms) {
  ManifestBuilder builder({"e", "b", "", 1});
  builder.Add(Obj("plain", 1, "d41d8cd98f00b204e9800998ecf8427e"));
  builder.Add(Obj("multi", 1, "d41d8cd98f00b204e9800998ecf8427e-12"));
  builder.Add(Obj("upper", 1, "D41D8CD98F00B204E9800998ECF8427E"));
  builder.Add(Obj("odd", 1, "not-an-md5"));
  builder.Add(Obj("none", 1, ""));
  auto m = BuildAndLoad(builder, false);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Etag(*m->Resolve("plain")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(m->Etag(*m->Resolve("multi")), "d41d8cd98f00b204e9800998ecf8427e-12");
  EXPECT_EQ(m->Etag(*m->Resolve("upper")), "D41D8CD98F00B204E9800998ECF8427E");
  EXPECT_EQ(m->Etag(*m->Resolve("odd")), "not-an-md5");
  EXPECT_EQ(m->Etag(*m->Resolve("none")), "");
}

class ManifestFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ManifestBuilder builder({"e", "b", "", 1});
    for (int i = 0; i < 100; ++i)
      builder.Add(Obj("dir" + std::to_string(i % 5) + "/f" + std::to_string(i), i));
    payload_ = builder.Finish().ToString();
    char tmpl[] = "/tmp/shoal-manifest-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Status OpenModified(bool compress, const std::function<void(std::string&)>& modify) {
    std::string bytes = EncodeManifestContainer(payload_, compress);
    modify(bytes);
    const std::string path = dir_ + "/m.shoal";
    std::ofstream(path, std::ios::binary) << bytes;
    return Manifest::Open(path).status();
  }

  std::string payload_;
  std::string dir_;
};

TEST_F(ManifestFileTest, OpensFromDisk) {
  for (bool compress : {false, true}) {
    EXPECT_TRUE(OpenModified(compress, [](std::string&) {}).ok());
  }
}

TEST_F(ManifestFileTest, EveryFlippedByteIsCaught) {
  for (bool compress : {false, true}) {
    const size_t size = EncodeManifestContainer(payload_, compress).size();
    for (size_t at = 0; at < size; at += std::max<size_t>(1, size / 300)) {
      Status s = OpenModified(compress, [at](std::string& b) { b[at] ^= 0x5A; });
      ASSERT_FALSE(s.ok()) << "byte " << at << " compress=" << compress;
      EXPECT_TRUE(s.code() == ErrorCode::kCorrupt || s.code() == ErrorCode::kUnsupported)
          << s.ToString();
      EXPECT_NE(s.message().find("m.shoal"), std::string::npos);
    }
  }
}

TEST_F(ManifestFileTest, TruncationIsCaught) {
  const size_t size = EncodeManifestContainer(payload_, false).size();
  for (size_t keep : {size_t{0}, size_t{4}, size_t{20}, kManifestHeaderSize, size / 2, size - 1}) {
    Status s = OpenModified(false, [keep](std::string& b) { b.resize(keep); });
    ASSERT_FALSE(s.ok()) << keep;
    EXPECT_EQ(s.code(), ErrorCode::kCorrupt);
  }
  Status s = OpenModified(false, [](std::string& b) { b.resize(b.size() - 10); });
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.ToString();
}

TEST_F(ManifestFileTest, WrongMagicAndFutureVersion) {
  Status magic = OpenModified(false, [](std::string& b) { b[0] = 'X'; });
  EXPECT_NE(magic.message().find("not a shoal manifest"), std::string::npos) << magic.ToString();
  Status future = OpenModified(false, [](std::string& b) { b[8] = 2; });
  EXPECT_EQ(future.code(), ErrorCode::kUnsupported);
  EXPECT_NE(future.message().find("newer"), std::string::npos) << future.ToString();
  Status missing = Manifest::Open(dir_ + "/none.shoal").status();
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
}

// A header that promises gigabytes from a small compressed payload, with a
// checksum made to match: refused before anything is allocated.
TEST_F(ManifestFileTest, ImplausibleDecompressedSizeIsRefused) {
  Status s = OpenModified(true, [](std::string& b) {
    const uint64_t promised = 8ull << 30;
    for (int i = 0; i < 8; ++i) b[24 + i] = static_cast<char>(promised >> (8 * i));
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, b.data(), 32);
    XXH3_64bits_update(state, b.data() + 40, b.size() - 40);
    const uint64_t sum = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    for (int i = 0; i < 8; ++i) b[32 + i] = static_cast<char>(sum >> (8 * i));
  });
  EXPECT_EQ(s.code(), ErrorCode::kCorrupt) << s.ToString();
  EXPECT_NE(s.message().find("implausible decompressed size"), std::string::npos) << s.ToString();
}

TEST_F(ManifestFileTest, ValidChecksumButHostileTreeIsRejected) {
  // A payload that passes the checksum (re-encoded) but breaks the tree's
  // invariants: entry 1 claims to be its own parent's parent.
  std::string bad = payload_;
  auto* root = fb::GetMutableManifest(bad.data());
  auto* entries = root->mutable_entries();
  ASSERT_GT(entries->size(), 3u);
  entries->GetMutableObject(0)->mutate_first_child(0);
  auto m = Manifest::FromBytes(EncodeManifestContainer(bad, false), "hostile");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kCorrupt);

  bad = payload_;
  root = fb::GetMutableManifest(bad.data());
  root->mutable_entries()->GetMutableObject(2)->mutate_name_offset(0xFFFFFF00u);
  m = Manifest::FromBytes(EncodeManifestContainer(bad, false), "hostile");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("name"), std::string::npos);

  // A newline in a name: the indexer escapes these, so only a forged or
  // foreign manifest has one.
  bad = payload_;
  root = fb::GetMutableManifest(bad.data());
  const uint32_t at = root->entries()->Get(2)->name_offset();
  root->mutable_names()->Mutate(at, '\n');
  m = Manifest::FromBytes(EncodeManifestContainer(bad, false), "hostile");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kCorrupt);
  EXPECT_NE(m.status().message().find("control byte"), std::string::npos) << m.status().ToString();
}

}  // namespace
}  // namespace shoal

namespace shoal {
namespace {

TEST(Manifest, LookupEdgeCases) {
  ManifestBuilder builder({"e", "b", "", 1});
  for (const char* key :
       {"p/a", "p/ab", "p/abc", "p/abd", "p/b", "solo/only-child-name", "s/x1", "s/x2", "s/x10"}) {
    builder.Add(Obj(key, 1));
  }
  auto m = BuildAndLoad(builder, false);
  ASSERT_TRUE(m);
  for (const char* path :
       {"p/a", "p/ab", "p/abc", "p/abd", "p/b", "solo/only-child-name", "s/x1", "s/x10", "s/x2"}) {
    EXPECT_TRUE(m->Resolve(path)) << path;
  }
  for (const char* path :
       {"p/", "p/aa", "p/abcd", "p/c", "p/0", "solo/only-child", "solo/only-child-name2", "solo/x",
        "s/x", "s/x3", "s/y1", "s/", "nope"}) {
    std::optional<uint32_t> e = m->Resolve(path);
    if (std::string(path).back() == '/') {
      EXPECT_TRUE(e && m->IsDir(*e)) << path;
    } else {
      EXPECT_FALSE(e) << path;
    }
  }
  EXPECT_FALSE(m->Lookup(Manifest::kRoot, ""));
  EXPECT_FALSE(m->Lookup(Manifest::kRoot, std::string(300, 'x')));
}

}  // namespace
}  // namespace shoal
