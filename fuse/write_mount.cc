#include "fuse/write_mount.h"

#include "engine/stats/engine_metrics.h"
#include "engine/store/await.h"
#include "engine/write/recovery.h"

namespace shoal {

Result<std::unique_ptr<WriteMount>> WriteMount::Start(WriteMountConfig config, LogSink& log) {
  std::unique_ptr<WriteMount> mount(new WriteMount(std::move(config), log));
  WriteMountConfig& c = mount->config_;
  Result<std::unique_ptr<StoreStack>> stack =
      StoreStack::Open(c.location, c.stack, ProcessEnvironment());
  if (!stack.ok()) return stack.status();
  mount->stack_ = std::move(*stack);
  ObjectStore& store = mount->stack_->store();

  ListRequest probe;  // proves the credentials, the endpoint and the bucket
  probe.prefix = c.location.prefix;
  probe.max_keys = 1;
  Result<ListPage> listed = Await<ListPage>([&](auto done) { store.List(probe, done); });
  if (!listed.ok()) return listed.status().WithContext("checking the bucket");

  if (!c.spool_dir.empty()) {
    Result<std::unique_ptr<Spool>> spool = Spool::Open(mount->stack_->loop(), {c.spool_dir, true});
    if (!spool.ok()) return spool.status();
    mount->spool_ = std::move(*spool);
    RecoveryReport report =
        RecoverSpool(store, *mount->spool_, c.fs.writer, c.fs.append, c.location.prefix, log);
    if (!report.ok()) {
      std::string why = "the spool " + c.spool_dir + " holds data that could not be committed:";
      for (const std::string& problem : report.problems) why += "\n  " + problem;
      return Status(ErrorCode::kIoError, why);
    }
    if (report.recovered > 0) {
      log.Write(LogLevel::kInfo,
                "recovered " + std::to_string(report.recovered) + " objects from the spool");
    }
  }
  c.fs.spool = mount->spool_.get();
  mount->fs_ = std::make_unique<WriteFs>(store, c.location.prefix, c.fs, log);
  c.fuse.read_only = false;
  Result<std::unique_ptr<FuseMount>> fuse =
      FuseMount::Mount(c.mountpoint, WriteFs::Operations(), mount->fs_.get(), c.fuse);
  if (!fuse.ok()) return fuse.status();
  mount->fuse_ = std::move(*fuse);
  Result<std::unique_ptr<ControlServer>> control = ControlServer::Start(
      c.mountpoint,
      [m = mount.get()](const std::string& command, const std::string&) -> Result<std::string> {
        if (command != "stats") {
          return Status(ErrorCode::kInvalidArgument,
                        "'" + command + "' is not a command of a write mount");
        }
        MetricSources sources;
        sources.store = &m->stack_->metrics();
        sources.retries = m->stack_->retries();
        return RenderMetrics(sources);
      });
  if (!control.ok()) return control.status();
  mount->control_ = std::move(*control);
  return mount;
}

// Run() has returned, so no FUSE operation runs any more, but the session
// stays until reads still in flight have been answered.
WriteMount::~WriteMount() {
  control_.reset();
  fs_.reset();  // files still open lose their sessions (uploads aborted); bytes stay spooled
  if (stack_) stack_->StopTransport();  // reads in flight are answered now
  fuse_.reset();                        // unmounts
  spool_.reset();
  stack_.reset();
}

Status WriteMount::Run() { return fuse_->Run(); }

}  // namespace shoal
