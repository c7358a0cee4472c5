#include "fuse/read_only_mount.h"

#include <sstream>

#include "engine/store/await.h"

namespace shoal {
namespace {

std::shared_ptr<const Snapshot> MakeSnapshot(std::shared_ptr<const Manifest> manifest,
                                             uint32_t generation, std::string origin) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->catalog = std::make_shared<ManifestCatalog>(manifest);
  snapshot->manifest = std::move(manifest);
  snapshot->generation = generation;
  snapshot->origin = std::move(origin);
  return snapshot;
}

}  // namespace

Result<std::unique_ptr<ReadOnlyMount>> ReadOnlyMount::Start(ReadOnlyMountConfig config,
                                                            LogSink& log) {
  std::unique_ptr<ReadOnlyMount> mount(new ReadOnlyMount(std::move(config), log));
  ReadOnlyMountConfig& c = mount->config_;
  std::shared_ptr<const Snapshot> first = MakeSnapshot(c.manifest, 0, c.origin);
  mount->snapshots_ = std::make_unique<SnapshotTable>(first);
  if (c.stack.engine.log == nullptr) c.stack.engine.log = &log;
  // The kernel's page cache keeps what was read (keep_cache): the engine
  // keeps only a little of it, and spends its budget on what comes next.
  // (At most half the budget, so a small budget still bounds it.)
  c.stack.engine.retain_read_bytes =
      std::min(c.stack.engine.memory_budget / 2,
               std::max(c.stack.engine.memory_budget / 8, 4 * c.stack.engine.part_size));
  Result<std::unique_ptr<ReadStack>> stack =
      ReadStack::Open(c.location, c.stack, first->catalog, ProcessEnvironment());
  if (!stack.ok()) return stack.status();
  mount->stack_ = std::move(*stack);

  // One request proves the credentials, the endpoint and the bucket.
  ListRequest probe;
  probe.prefix = std::string(c.manifest->prefix());
  probe.max_keys = 1;
  Result<ListPage> listed =
      Await<ListPage>([&](auto done) { mount->stack_->store().List(probe, done); });
  if (!listed.ok()) return listed.status().WithContext("checking the bucket");

  mount->fs_ =
      std::make_unique<ReadOnlyFs>(*mount->snapshots_, mount->stack_->engine(), c.view, log);
  Result<std::unique_ptr<FuseMount>> fuse =
      FuseMount::Mount(c.mountpoint, ReadOnlyFs::Operations(), mount->fs_.get(), c.fuse);
  if (!fuse.ok()) return fuse.status();
  mount->fuse_ = std::move(*fuse);
  // Control requests touch the session, so they are served only from here
  // on; a failure unmounts again (the FuseMount destructor).
  Result<std::unique_ptr<ControlServer>> control = ControlServer::Start(
      c.mountpoint, [m = mount.get()](const std::string& command, const std::string& body) {
        return m->Control(command, body);
      });
  if (!control.ok()) return control.status();
  mount->control_ = std::move(*control);
  return mount;
}

ReadOnlyMount::~ReadOnlyMount() {
  control_.reset();
  stack_.reset();  // reads in flight are answered while the session exists
  fuse_.reset();   // unmounts
}

Status ReadOnlyMount::Run() { return fuse_->Run(); }

Result<std::string> ReadOnlyMount::Control(const std::string& command, const std::string& body) {
  if (command == "stats") return stack_->MetricsText();
  if (command == "refresh") return Refresh(body);
  if (command == "prefetch") return Prefetch(body);
  return Status(ErrorCode::kInvalidArgument, "unknown control command '" + command + "'");
}

Result<std::string> ReadOnlyMount::Refresh(const std::string& manifest_path) {
  std::lock_guard lock(refresh_mu_);
  Result<std::shared_ptr<const Manifest>> next = Manifest::Open(manifest_path);
  if (!next.ok()) return next.status();
  std::shared_ptr<const Snapshot> current = snapshots_->Current();
  const Manifest& old = *current->manifest;
  const Manifest& fresh = **next;
  if (fresh.bucket() != old.bucket() || fresh.prefix() != old.prefix() ||
      fresh.endpoint() != old.endpoint()) {
    return Status(ErrorCode::kInvalidArgument,
                  "manifest " + manifest_path + " describes another bucket or prefix (" +
                      std::string(fresh.bucket()) + "/" + std::string(fresh.prefix()) +
                      ") than this mount (" + std::string(old.bucket()) + "/" +
                      std::string(old.prefix()) + ")");
  }
  std::shared_ptr<const Snapshot> snapshot =
      MakeSnapshot(*next, current->generation + 1, manifest_path);
  stack_->engine().SwapCatalog(snapshot->catalog);
  std::vector<SnapshotTable::CachedName> cached = snapshots_->Install(snapshot);
  // The kernel may cache names, attributes and listings of the old
  // snapshot for a day: drop them, the names first and then the root's
  // listing. Errors (ENOENT: already forgotten) are harmless. Lookups and
  // listings replied to after Install already show the new snapshot, or
  // carry zero timeouts.
  fuse_session* session = fuse_->session();
  for (const SnapshotTable::CachedName& name : cached) {
    fuse_lowlevel_notify_inval_entry(session, name.parent, name.name.c_str(), name.name.size());
    if (name.is_dir) fuse_lowlevel_notify_inval_inode(session, name.ino, 0, 0);
  }
  // The root keeps its inode across snapshots, so misses cached under it
  // (negative entries) would hide names the new snapshot adds there.
  for (uint32_t e = fresh.FirstChild(Manifest::kRoot);
       e < fresh.FirstChild(Manifest::kRoot) + fresh.ChildCount(Manifest::kRoot); ++e) {
    const std::string_view name = fresh.Name(e);
    if (old.Lookup(Manifest::kRoot, name)) continue;
    fuse_lowlevel_notify_inval_entry(session, kRootInode, name.data(), name.size());
  }
  fuse_lowlevel_notify_inval_inode(session, kRootInode, 0, 0);
  log_.Write(LogLevel::kInfo, "switched to snapshot " + std::to_string(snapshot->generation) +
                                  " from " + manifest_path);
  std::ostringstream out;
  out << "snapshot " << snapshot->generation << ": " << fresh.file_count() << " files, "
      << fresh.directory_count() << " directories; " << cached.size()
      << " cached names invalidated\n";
  return out.str();
}

Result<std::string> ReadOnlyMount::Prefetch(const std::string& paths) {
  std::shared_ptr<const Snapshot> current = snapshots_->Current();
  std::vector<uint32_t> entries;
  size_t missing = 0;
  std::istringstream in(paths);
  std::string path;
  while (std::getline(in, path)) {
    if (path.empty()) continue;
    std::optional<uint32_t> entry = current->manifest->Resolve(path);
    if (!entry || current->manifest->IsDir(*entry)) {
      ++missing;
      continue;
    }
    entries.push_back(*entry);
  }
  const size_t hinted = entries.size();
  stack_->engine().Hint(std::move(entries));
  return "prefetching " + std::to_string(hinted) + " files in the given order" +
         (missing > 0 ? "; " + std::to_string(missing) + " paths are not files of the snapshot"
                      : std::string()) +
         "\n";
}

}  // namespace shoal
