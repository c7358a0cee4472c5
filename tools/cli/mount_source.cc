#include "tools/cli/mount_source.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "engine/store/await.h"
#include "index/manifest_file.h"
#include "tools/cli/list_prefix.h"

namespace shoal::cli {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

StoreUri LocationOf(const Manifest& manifest) {
  StoreUri location;
  location.kind = manifest.endpoint().empty() ? StoreUri::Kind::kFile : StoreUri::Kind::kS3;
  location.bucket = std::string(manifest.bucket());
  location.prefix = std::string(manifest.prefix());
  return location;
}

std::string DescribeLocation(const StoreUri& location) {
  std::string out = location.kind == StoreUri::Kind::kFile ? "file://" : "s3://";
  out += location.bucket;
  if (!location.prefix.empty()) {
    if (out.back() != '/') out += '/';
    out += location.prefix;
  }
  return out;
}

Result<MountSource> ResolveMountSource(const std::string& source, const StoreFlags& flags,
                                       int concurrency, bool progress) {
  MountSource out;
  out.origin = source;
  if (source.find("://") == std::string::npos) {
    Result<std::shared_ptr<const Manifest>> manifest = Manifest::Open(source);
    if (!manifest.ok()) return manifest.status();
    out.manifest = *manifest;
    out.location = LocationOf(**manifest);
    return out;
  }
  Result<StoreUri> uri = ParseStoreUri(source);
  if (!uri.ok()) return uri.status();
  Result<std::unique_ptr<OpenedStore>> opened =
      OpenStore(*uri, ToStoreOptions(flags), ProcessEnvironment());
  if (!opened.ok()) return opened.status();
  ObjectStore& store = (*opened)->store();
  if (EndsWith(uri->prefix, ".shoal")) {
    Result<GetResult> got = Await<GetResult>([&](auto done) {
      store.Get(GetRequest{uri->prefix, std::nullopt, ""}, done);
    });
    if (!got.ok()) return got.status().WithContext("fetching the manifest " + source);
    Result<std::shared_ptr<const Manifest>> manifest =
        Manifest::FromBytes(std::move(got->data), source);
    if (!manifest.ok()) return manifest.status();
    out.manifest = *manifest;
    out.location = LocationOf(**manifest);
    return out;
  }
  ListingCounters counters;
  const auto start = std::chrono::steady_clock::now();
  Result<IndexOutput> index =
      ListPrefix(store, *uri, (*opened)->endpoint(), concurrency, progress, counters);
  if (!index.ok()) return index.status().WithContext("indexing " + source);
  Result<std::shared_ptr<const Manifest>> manifest =
      Manifest::FromBytes(EncodeManifestContainer(index->payload, false), source);
  if (!manifest.ok()) return manifest.status();
  std::fprintf(stderr, "shoal: indexed %llu objects under %s in %.2f s\n",
               static_cast<unsigned long long>((*manifest)->file_count()), source.c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  out.manifest = *manifest;
  out.location = LocationOf(**manifest);
  return out;
}

}  // namespace shoal::cli
