// Writes the seed corpus of the manifest fuzz target: a few small manifests
// made by the real builder, so that the fuzzer starts from files that pass
// every check and mutates from there. A manifest's bytes depend on the
// builder, so they are generated rather than checked in (scripts/fuzz runs
// this before the target).
//
//   make_manifest_seeds DIR     writes DIR/tree.manifest, DIR/renamed.manifest
//                               and DIR/compressed.manifest
#include <cstdio>
#include <string>
#include <vector>

#include "index/manifest_builder.h"
#include "index/manifest_file.h"

namespace {

using shoal::ManifestBuilder;
using shoal::ObjectInfo;

struct Seed {
  std::string file;
  shoal::ManifestSource source;
  std::vector<ObjectInfo> objects;
  bool compress;
};

std::vector<Seed> Seeds() {
  const std::string md5 = "9b2cf535f27731c974343645a3985328";
  return {
      {"tree.manifest",
       {"https://s3.example.com", "bucket", "data/", 1700000000},
       {{"data/a.txt", 3, md5, 1700000001},
        {"data/dir/b.bin", 4096, md5 + "-2", 1700000002},
        {"data/dir/sub/c", 0, "", 1700000003},
        {"data/empty/", 0, "", 1700000004}},
       false},
      {"renamed.manifest",
       {"", "/srv/root", "", 1700000000},
       {{"/leading", 1, "", 0},
        {"a//b", 2, md5, 0},
        {std::string("ctl\x01name", 8), 3, "", 0},
        {"bad\xff utf8", 4, "not-an-md5", 0},
        {std::string(300, 'L'), 5, "9B2CF535F27731C974343645A3985328", 0},
        {"conflict", 6, "", 0},
        {"conflict/inner", 7, "", 0},
        {"skip/../me", 8, "", 0}},
       false},
      {"compressed.manifest",
       {"http://127.0.0.1:7480", "b", "p/", 1},
       {{"p/x/1", 1, md5, 1}, {"p/x/2", 2, md5, 2}, {"p/y", 3, md5 + "-10000", 3}},
       true},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  for (Seed& seed : Seeds()) {
    ManifestBuilder builder(seed.source);
    for (const ObjectInfo& object : seed.objects) builder.Add(object);
    const std::string path = std::string(argv[1]) + "/" + seed.file;
    shoal::Status written = shoal::WriteFileAtomically(
        path, shoal::EncodeManifestContainer(builder.Finish(), seed.compress));
    if (!written.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), written.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
