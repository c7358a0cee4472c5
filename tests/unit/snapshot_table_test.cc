// SnapshotTable: inode numbering across refreshes, lookup counts, which
// snapshots stay loaded, and that Install waits for replies in progress.
#include "fuse/snapshot_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "index/manifest_builder.h"
#include "index/manifest_file.h"

namespace shoal {
namespace {

std::shared_ptr<const Snapshot> SnapshotOf(const std::vector<std::string>& keys,
                                           uint32_t generation) {
  ManifestBuilder builder({"e", "b", "", 1});
  for (const std::string& key : keys) {
    builder.Add(ObjectInfo{key, 1, "0123456789abcdef0123456789abcdef", 1700000000});
  }
  auto manifest = Manifest::FromBytes(EncodeManifestContainer(builder.Finish(), false), "test");
  EXPECT_TRUE(manifest.ok());
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->manifest = *manifest;
  snapshot->catalog = std::make_shared<ManifestCatalog>(*manifest);
  snapshot->generation = generation;
  return snapshot;
}

uint64_t InodeOfPath(const Snapshot& snapshot, const std::string& path) {
  return SnapshotTable::InodeOf(snapshot, *snapshot.manifest->Resolve(path));
}

TEST(SnapshotTable, RootAlwaysResolvesToTheCurrentSnapshot) {
  auto first = SnapshotOf({"a", "d/b"}, 0);
  SnapshotTable table(first);
  std::shared_ptr<const Snapshot> got;
  uint32_t entry = 0;
  ASSERT_TRUE(table.Resolve(kRootInode, &got, &entry));
  EXPECT_EQ(got, first);
  EXPECT_EQ(entry, Manifest::kRoot);
  table.Install(SnapshotOf({"c"}, 1));
  ASSERT_TRUE(table.Resolve(kRootInode, &got, &entry));
  EXPECT_EQ(got->generation, 1u);
  EXPECT_FALSE(table.IsCurrent(*first));
}

TEST(SnapshotTable, ReferencedOldInodesStayResolvableAndAreReportedForInvalidation) {
  auto first = SnapshotOf({"a", "d/b"}, 0);
  SnapshotTable table(first);
  const uint64_t a = InodeOfPath(*first, "a");
  const uint64_t d = InodeOfPath(*first, "d");
  table.Remember(first, a);
  table.Remember(first, d, 2);
  std::vector<SnapshotTable::CachedName> cached = table.Install(SnapshotOf({"c"}, 1));
  ASSERT_EQ(cached.size(), 2u);
  for (const auto& name : cached) {
    EXPECT_EQ(name.parent, kRootInode);
    EXPECT_EQ(name.is_dir, name.name == "d");
  }
  EXPECT_EQ(table.loaded_snapshots(), 2u);
  std::shared_ptr<const Snapshot> got;
  uint32_t entry = 0;
  EXPECT_TRUE(table.Resolve(a, &got, &entry));
  EXPECT_EQ(got, first);

  table.Forget(a, 1);
  table.Forget(d, 1);
  EXPECT_EQ(table.loaded_snapshots(), 2u);  // d still holds one reference
  table.Forget(d, 1);
  EXPECT_EQ(table.loaded_snapshots(), 1u);
  EXPECT_FALSE(table.Resolve(a, &got, &entry));  // ESTALE at the edge
}

TEST(SnapshotTable, RememberReloadsASnapshotAConcurrentForgetDropped) {
  auto first = SnapshotOf({"a", "b"}, 0);
  SnapshotTable table(first);
  table.Install(SnapshotOf({"c"}, 1));
  EXPECT_EQ(table.loaded_snapshots(), 1u);
  // A lookup that resolved under `first` before the drop still hands out
  // its inode: the snapshot must come back with it.
  const uint64_t b = InodeOfPath(*first, "b");
  table.Remember(first, b);
  EXPECT_EQ(table.loaded_snapshots(), 2u);
  std::shared_ptr<const Snapshot> got;
  uint32_t entry = 0;
  EXPECT_TRUE(table.Resolve(b, &got, &entry));
  table.Forget(b, 1);
  EXPECT_EQ(table.loaded_snapshots(), 1u);
}

TEST(SnapshotTable, InstallWaitsForRepliesInProgress) {
  auto first = SnapshotOf({"a"}, 0);
  SnapshotTable table(first);
  std::atomic<bool> installed{false};
  std::vector<SnapshotTable::CachedName> cached;
  std::thread refresh;
  {
    auto hold = table.HoldOffInstall();
    refresh = std::thread([&] {
      cached = table.Install(SnapshotOf({"b"}, 1));
      installed = true;
    });
    // A lookup in progress: it resolves and hands out an inode of the old
    // snapshot, which the refresh must then see.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(installed);
    EXPECT_TRUE(table.IsCurrent(*first));
    table.Remember(first, InodeOfPath(*first, "a"));
  }
  refresh.join();
  EXPECT_TRUE(installed);
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].name, "a");
}

}  // namespace
}  // namespace shoal
