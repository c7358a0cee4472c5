// The read-only view, really mounted with FUSE over a dataset on RGW: the
// tree, the bytes, du, zero requests for metadata, EROFS for mutations,
// ownership and permissions, refresh, unmount under load, and clean
// failures. CI runs as root with /dev/fuse; elsewhere these tests skip.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "engine/store/await.h"
#include "tests/support/command.h"
#include "tests/support/put_all.h"
#include "tests/support/rgw_env.h"

namespace shoal {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::ShellQuote;

constexpr int kFiles = 5000;

std::string Key(int i) {
  return "ds/set-" + std::to_string(i % 10) + "/part-" + std::to_string((i / 10) % 5) + "/item-" +
         std::to_string(100000 + i) + ".bin";
}

std::string Body(int i, int version = 0) {
  std::string s(static_cast<size_t>(512 + (i * 7919) % 3500), '\0');
  for (size_t k = 0; k < s.size(); ++k)
    s[k] = static_cast<char>(
        (k * 131 + static_cast<size_t>(i) * 17 + static_cast<size_t>(version) * 7) & 0xFF);
  return s;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Names from up to `calls` getdents64 calls with a buffer of about one
// entry, so a listing can be split across an event.
std::vector<std::string> ReadDirents(int fd, int calls) {
  std::vector<std::string> names;
  alignas(8) char buffer[64];
  for (int call = 0; call < calls; ++call) {
    const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
      names.emplace_back(entry->d_name);
      at += entry->d_reclen;
    }
  }
  return names;
}

class MountTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = testing::LoadRgwEnv();
    if (!env_ || ::geteuid() != 0 || ::access("/dev/fuse", R_OK | W_OK) != 0) return;
    bucket_ = new testing::TestBucket(*env_);
    testing::ObjectList objects;
    for (int i = 0; i < kFiles; ++i) objects.emplace_back(Key(i), Body(i));
    ASSERT_TRUE(testing::PutAll(bucket_->store(), objects, 16).ok());
    work_ = new fs::path(fs::temp_directory_path() / ("shoal-mount-" + std::to_string(::getpid())));
    fs::create_directories(*work_);
    testing::CommandResult indexed = Shoal("index s3://" + bucket_->name() + "/ds/ -o " +
                                           ShellQuote(*work_ / "ds.shoal") + " -q");
    ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  }
  static void TearDownTestSuite() {
    if (work_ != nullptr) {
      fs::remove_all(*work_);
      delete work_;
      work_ = nullptr;
    }
    delete bucket_;
    bucket_ = nullptr;
  }
  void SetUp() override {
    if (!env_) GTEST_SKIP() << "SHOAL_TEST_RGW_DIR is not set; run through ctest";
    if (bucket_ == nullptr) GTEST_SKIP() << "mount tests need root and /dev/fuse";
    mountpoint_ =
        *work_ /
        ("mnt-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(mountpoint_);
  }
  void TearDown() override {
    if (!mountpoint_.empty()) Unmount();
  }

  static std::vector<std::string> Env() {
    return {"AWS_ACCESS_KEY_ID=" + env_->access_key, "AWS_SECRET_ACCESS_KEY=" + env_->secret_key,
            "AWS_REGION=" + env_->region, "AWS_ENDPOINT_URL=" + env_->endpoint};
  }
  static testing::CommandResult Shoal(const std::string& args, std::vector<std::string> env = {}) {
    if (env.empty()) env = Env();
    return RunCommand(std::string(SHOAL_BINARY) + " " + args, env);
  }
  void Mount(const std::string& extra = "", const std::string& manifest = "") {
    const std::string source = manifest.empty() ? (*work_ / "ds.shoal").string() : manifest;
    testing::CommandResult mounted =
        Shoal("mount " + ShellQuote(source) + " " + ShellQuote(mountpoint_) + " --log-file " +
              ShellQuote(*work_ / "mount.log") + " " + extra);
    ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  }
  void Unmount() {
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (RunCommand("fusermount3 -u " + ShellQuote(mountpoint_)).exit_code == 0) break;
      if (!IsMounted()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  bool IsMounted() {
    return RunCommand("grep -q " + ShellQuote(" " + mountpoint_.string() + " ") +
                      " /proc/self/mounts")
               .exit_code == 0;
  }
  // Total object-store requests the mount has made.
  uint64_t Requests() {
    testing::CommandResult stats = Shoal("stats " + ShellQuote(mountpoint_));
    EXPECT_EQ(stats.exit_code, 0) << stats.err;
    uint64_t total = 0;
    std::istringstream in(stats.out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("shoal_object_requests_total{", 0) == 0) {
        total += std::stoull(line.substr(line.rfind(' ') + 1));
      }
    }
    return total;
  }

  static inline std::optional<testing::RgwEnv> env_;
  static inline testing::TestBucket* bucket_ = nullptr;
  static inline fs::path* work_ = nullptr;
  fs::path mountpoint_;
};

TEST_F(MountTest, TreeAndSizesMatchTheSourceWithZeroRequests) {
  Mount();
  const uint64_t before = Requests();
  std::map<std::string, uint64_t> expected, seen;
  uint64_t total = 0;
  for (int i = 0; i < kFiles; ++i) {
    expected[Key(i).substr(3)] = Body(i).size();
    total += Body(i).size();
  }
  for (const auto& entry : fs::recursive_directory_iterator(mountpoint_)) {
    if (entry.is_regular_file()) {
      seen[fs::relative(entry.path(), mountpoint_).string()] = entry.file_size();
    }
  }
  EXPECT_EQ(seen, expected);
  // find and stat, as users run them.
  testing::CommandResult found =
      RunCommand("find " + ShellQuote(mountpoint_) + " -type f -exec stat -c '%s %n' {} + | wc -l");
  EXPECT_EQ(std::stoi(found.out), kFiles);
  testing::CommandResult du = RunCommand("du -sb " + ShellQuote(mountpoint_) + " | cut -f1");
  EXPECT_EQ(std::stoull(du.out), total);
  // Metadata came from the manifest alone.
  EXPECT_EQ(Requests(), before);
  // The view says what it is.
  testing::CommandResult mounts =
      RunCommand("grep " + ShellQuote(mountpoint_.string()) + " /proc/self/mounts");
  EXPECT_NE(mounts.out.find("s3://" + bucket_->name() + "/ds/"), std::string::npos) << mounts.out;
  EXPECT_NE(mounts.out.find("fuse.shoal"), std::string::npos) << mounts.out;
}

TEST_F(MountTest, EveryFileReadsBackByteForByte) {
  Mount("--cache-size 8M");
  std::atomic<int> matched{0}, mismatched{0};
  std::vector<std::thread> readers;
  readers.reserve(8);
  for (int r = 0; r < 8; ++r) {
    readers.emplace_back([&, r] {
      for (int i = r; i < kFiles; i += 8) {
        (ReadFile(mountpoint_ / Key(i).substr(3)) == Body(i) ? matched : mismatched)++;
      }
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(matched.load(), kFiles);
  EXPECT_EQ(mismatched.load(), 0);
  // The object's identity is readable as xattrs.
  const fs::path file = mountpoint_ / Key(42).substr(3);
  char value[256];
  ssize_t n = ::getxattr(file.c_str(), "user.shoal.key", value, sizeof(value));
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(value, static_cast<size_t>(n)), Key(42));
  n = ::getxattr(file.c_str(), "user.shoal.etag", value, sizeof(value));
  EXPECT_EQ(n, 32);  // an MD5 in hex
}

TEST_F(MountTest, EveryMutationIsRefusedWithErofs) {
  Mount();
  const fs::path file = mountpoint_ / Key(7).substr(3);
  const fs::path dir = file.parent_path();
  auto expect_erofs = [](int rc, const char* what) {
    EXPECT_EQ(rc, -1) << what;
    EXPECT_EQ(errno, EROFS) << what << ": " << std::strerror(errno);
  };
  expect_erofs(::open(file.c_str(), O_WRONLY), "open for writing");
  expect_erofs(::open(file.c_str(), O_RDONLY | O_TRUNC), "open with O_TRUNC");
  expect_erofs(::open((dir / "new").c_str(), O_CREAT | O_WRONLY, 0644), "create");
  expect_erofs(::mknod((dir / "node").c_str(), S_IFREG | 0644, 0), "mknod");
  expect_erofs(::mkdir((dir / "newdir").c_str(), 0755), "mkdir");
  expect_erofs(::unlink(file.c_str()), "unlink");
  expect_erofs(::rmdir(dir.c_str()), "rmdir");
  expect_erofs(::rename(file.c_str(), (dir / "moved").c_str()), "rename");
  expect_erofs(::link(file.c_str(), (dir / "hard").c_str()), "link");
  expect_erofs(::symlink("target", (dir / "soft").c_str()), "symlink");
  expect_erofs(::truncate(file.c_str(), 0), "truncate");
  expect_erofs(::chmod(file.c_str(), 0600), "chmod");
  expect_erofs(::chown(file.c_str(), 1, 1), "chown");
  expect_erofs(::utimensat(AT_FDCWD, file.c_str(), nullptr, 0), "utimensat");
  expect_erofs(::setxattr(file.c_str(), "user.x", "v", 1, 0), "setxattr");
  expect_erofs(::removexattr(file.c_str(), "user.shoal.etag"), "removexattr");
  // And the data is intact.
  EXPECT_EQ(ReadFile(file), Body(7));
}

TEST_F(MountTest, OwnershipUmaskAndAllowOther) {
  Mount("--uid 1234 --gid 2345 --umask 027 --allow-other");
  struct stat st {};
  ASSERT_EQ(::stat((mountpoint_ / Key(3).substr(3)).c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_gid, 2345u);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat((mountpoint_ / "set-3").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  EXPECT_TRUE(S_ISDIR(st.st_mode));

  // Another user (nobody) may see the mount only with allow_other.
  auto stat_as_nobody = [&]() {
    const pid_t child = ::fork();
    if (child == 0) {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
      struct stat s {};
      ::_exit(::stat(mountpoint_.c_str(), &s) == 0 ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WEXITSTATUS(status);
  };
  ::chmod(work_->c_str(), 0755);  // nobody must be able to reach the mountpoint
  EXPECT_EQ(stat_as_nobody(), 0);
  Unmount();
  Mount();  // without --allow-other
  EXPECT_EQ(stat_as_nobody(), 1);
}

TEST_F(MountTest, RefreshShowsTheNewTreeWhileOpenFilesKeepTheirBytes) {
  Mount();
  const fs::path changed = mountpoint_ / Key(11).substr(3);
  const fs::path removed = mountpoint_ / Key(12).substr(3);
  int old_fd = ::open(changed.c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);
  char first[16];
  ASSERT_EQ(::pread(old_fd, first, sizeof(first), 0), 16);  // the old version is now cached
  ASSERT_TRUE(fs::exists(removed));
  ASSERT_FALSE(fs::exists(mountpoint_ / "set-0/added.bin"));  // a cached negative entry
  ASSERT_FALSE(fs::exists(mountpoint_ / "top.bin"));          // one under the root
  // A root listing that starts before the refresh and ends after it.
  int dir_fd = ::open(mountpoint_.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir_fd, 0);
  std::vector<std::string> listed = ReadDirents(dir_fd, 1);

  // The bucket changes: one object rewritten, one deleted, one added.
  S3Store& store = bucket_->store();
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({Key(11), Body(11, 1)}, d); }).ok());
  ASSERT_TRUE(Await<Done>([&](auto d) { store.Delete(Key(12), d); }).ok());
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({"ds/set-0/added.bin", "new"}, d); }).ok());
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({"ds/top.bin", "top"}, d); }).ok());
  const std::string next = (*work_ / "ds-2.shoal").string();
  testing::CommandResult indexed =
      Shoal("index s3://" + bucket_->name() + "/ds/ -o " + ShellQuote(next) + " -q");
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  testing::CommandResult refreshed = Shoal("refresh " + ShellQuote(mountpoint_) + " " + next);
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_NE(refreshed.out.find("snapshot 1"), std::string::npos) << refreshed.out;

  // The listing finishes in the snapshot it started in; a new one sees the new root.
  for (const std::string& name : ReadDirents(dir_fd, 1000)) listed.push_back(name);
  ::close(dir_fd);
  EXPECT_EQ(listed.size(), 12u);  // ".", "..", set-0 .. set-9
  EXPECT_EQ(std::count(listed.begin(), listed.end(), "top.bin"), 0);
  int fresh_fd = ::open(mountpoint_.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fresh_fd, 0);
  std::vector<std::string> fresh = ReadDirents(fresh_fd, 1000);
  ::close(fresh_fd);
  EXPECT_EQ(std::count(fresh.begin(), fresh.end(), "top.bin"), 1);

  EXPECT_EQ(ReadFile(mountpoint_ / "set-0/added.bin"), "new");
  EXPECT_EQ(ReadFile(mountpoint_ / "top.bin"), "top");
  EXPECT_FALSE(fs::exists(removed));
  EXPECT_EQ(ReadFile(changed), Body(11, 1));
  // The handle opened before the refresh still reads the old version.
  std::string old_bytes(Body(11).size(), '\0');
  EXPECT_EQ(::pread(old_fd, old_bytes.data(), old_bytes.size(), 0),
            static_cast<ssize_t>(old_bytes.size()));
  EXPECT_EQ(old_bytes, Body(11));
  ::close(old_fd);

  // Restore the bucket for the other tests.
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({Key(11), Body(11)}, d); }).ok());
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({Key(12), Body(12)}, d); }).ok());
  ASSERT_TRUE(Await<Done>([&](auto d) { store.Delete("ds/set-0/added.bin", d); }).ok());
  ASSERT_TRUE(Await<Done>([&](auto d) { store.Delete("ds/top.bin", d); }).ok());
  // A manifest of another bucket or prefix is refused.
  testing::CommandResult other = Shoal("index s3://" + bucket_->name() + "/ds/set-1/ -o " +
                                       ShellQuote(*work_ / "other.shoal") + " -q");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  testing::CommandResult refused =
      Shoal("refresh " + ShellQuote(mountpoint_) + " " + ShellQuote(*work_ / "other.shoal"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("another bucket or prefix"), std::string::npos) << refused.err;
}

TEST_F(MountTest, SigtermUnderLoadUnmountsCleanly) {
  Mount("--cache-size 4M");
  const pid_t server = testing::FindProcess({"mount", mountpoint_.string()});
  ASSERT_GT(server, 0);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::future<void>> readers;
  readers.reserve(8);
  for (int r = 0; r < 8; ++r) {
    readers.push_back(std::async(std::launch::async, [&, r] {
      for (int i = r; !stop; i = (i + 8) % kFiles) {
        std::ifstream in(mountpoint_ / Key(i).substr(3), std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) break;  // the mount went away
        reads++;
      }
    }));
  }
  while (reads < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(::kill(server, SIGTERM), 0);
  // The server exits promptly; no reader hangs.
  bool exited = false;
  for (int i = 0; i < 300 && !exited; ++i) {
    exited = ::kill(server, 0) != 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  EXPECT_TRUE(exited) << "the mount process is still running 30 s after SIGTERM";
  for (auto& r : readers) {
    EXPECT_EQ(r.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  }
  EXPECT_FALSE(IsMounted());
}

// mount(8) finds helpers in /sbin: link the built helper there for the
// test (and remove it afterwards) unless one is installed already.
class SbinHelper {
 public:
  SbinHelper() {
    const fs::path built = fs::path(SHOAL_BINARY).parent_path() / "mount.shoal";
    std::error_code ec;
    if (fs::exists(fs::symlink_status(kPath, ec))) return;
    fs::create_symlink(built, kPath, ec);
    created_ = !ec;
  }
  ~SbinHelper() {
    std::error_code ec;
    if (created_) fs::remove(kPath, ec);
  }
  SbinHelper(const SbinHelper&) = delete;
  SbinHelper& operator=(const SbinHelper&) = delete;
  static bool usable() { return fs::exists(kPath); }

 private:
  static inline const fs::path kPath = "/sbin/mount.fuse.shoal";
  bool created_ = false;
};

TEST_F(MountTest, MountTypeFuseShoalAndAnFstabLine) {
  SbinHelper helper;
  if (!SbinHelper::usable()) GTEST_SKIP() << "cannot install /sbin/mount.fuse.shoal";
  const std::string manifest = (*work_ / "ds.shoal").string();
  testing::CommandResult mounted =
      RunCommand("mount -t fuse.shoal " + ShellQuote(manifest) + " " + ShellQuote(mountpoint_) +
                     " -o allow_other,umask=077,cache_size=16M,_netdev",
                 Env());
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  struct stat st {};
  ASSERT_EQ(::stat((mountpoint_ / Key(5).substr(3)).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(ReadFile(mountpoint_ / Key(5).substr(3)), Body(5));
  testing::CommandResult unmounted = RunCommand("umount " + ShellQuote(mountpoint_));
  EXPECT_EQ(unmounted.exit_code, 0) << unmounted.err;
  // The daemon leaves when the file system is unmounted.
  for (int i = 0; i < 100 && testing::FindProcess({"mount", mountpoint_.string()}) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_LT(testing::FindProcess({"mount", mountpoint_.string()}), 0);

  // The same through an fstab line (mount -T reads another fstab file).
  const fs::path fstab = *work_ / "fstab";
  std::ofstream(fstab) << manifest << " " << mountpoint_.string()
                       << " fuse.shoal ro,noauto,uid=4321,metadata_ttl=60 0 0\n";
  mounted = RunCommand("mount -T " + ShellQuote(fstab) + " " + ShellQuote(mountpoint_), Env());
  ASSERT_EQ(mounted.exit_code, 0) << mounted.err;
  ASSERT_EQ(::stat((mountpoint_ / Key(5).substr(3)).c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4321u);
  // A typo in the options is refused by name.
  Unmount();
  testing::CommandResult typo = RunCommand("mount -t fuse.shoal " + ShellQuote(manifest) + " " +
                                               ShellQuote(mountpoint_) + " -o cache_szie=1G",
                                           Env());
  EXPECT_NE(typo.exit_code, 0);
  EXPECT_NE(typo.err.find("unknown mount option 'cache_szie=1G'"), std::string::npos) << typo.err;
}

TEST_F(MountTest, PrefetchHintsAreReadInTheirOrder) {
  Mount("--cache-size 64M");
  // Shuffle a few hundred files and hand the order to the mount.
  std::vector<int> order;
  order.reserve(400);
  for (int i = 0; i < 400; ++i) order.push_back((i * 7919) % kFiles);
  const fs::path list = *work_ / "order.txt";
  {
    std::ofstream out(list);
    for (int i : order) out << (mountpoint_ / Key(i).substr(3)).string() << "\n";
    out << "no/such/file\n";
  }
  testing::CommandResult hinted =
      Shoal("prefetch " + ShellQuote(mountpoint_) + " " + ShellQuote(list));
  ASSERT_EQ(hinted.exit_code, 0) << hinted.err;
  EXPECT_NE(hinted.out.find("prefetching 400 files"), std::string::npos) << hinted.out;
  EXPECT_NE(hinted.out.find("1 paths are not files"), std::string::npos) << hinted.out;
  for (int i : order) ASSERT_EQ(ReadFile(mountpoint_ / Key(i).substr(3)), Body(i));
  testing::CommandResult stats = Shoal("stats " + ShellQuote(mountpoint_));
  const size_t at = stats.out.find("\nshoal_prefetch_hits_total ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stoull(stats.out.substr(at + 27)), 300u);  // most reads found their file ready
}

TEST_F(MountTest, MountsAPrefixByIndexingItAndAPublishedManifest) {
  // A prefix: indexed at mount time, as strmvol does.
  Mount("", "s3://" + bucket_->name() + "/ds/set-2/");
  EXPECT_EQ(ReadFile(mountpoint_ / "part-0" / ("item-" + std::to_string(100002) + ".bin")),
            Body(2));
  Unmount();
  // A manifest published into the bucket.
  testing::CommandResult published =
      Shoal("index s3://" + bucket_->name() + "/ds/ -o " + ShellQuote(*work_ / "pub.shoal") +
            " -q --publish manifests/ds.shoal");
  ASSERT_EQ(published.exit_code, 0) << published.err;
  Mount("", "s3://" + bucket_->name() + "/manifests/ds.shoal");
  EXPECT_EQ(ReadFile(mountpoint_ / Key(77).substr(3)), Body(77));
}

TEST_F(MountTest, AnObjectChangedUnderTheSnapshotReadsAsEstaleAndIsLoggedOnce) {
  const fs::path log = *work_ / "mount.log";  // every test's mount logs here
  Mount();
  S3Store& store = bucket_->store();
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({Key(21), Body(21, 2)}, d); }).ok());
  const fs::path file = mountpoint_ / Key(21).substr(3);
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(file.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    char buffer[64];
    EXPECT_EQ(::read(fd, buffer, sizeof(buffer)), -1);
    EXPECT_EQ(errno, ESTALE) << std::strerror(errno);  // never the new bytes
    ::close(fd);
  }
  ASSERT_TRUE(Await<PutResult>([&](auto d) { store.Put({Key(21), Body(21)}, d); }).ok());
  Unmount();
  const std::string text = ReadFile(log);
  const std::string path = "/" + Key(21).substr(3) + ": read failed";
  ASSERT_NE(text.find(path), std::string::npos) << text;
  EXPECT_EQ(text.find(path), text.rfind(path)) << "logged more than once:\n" << text;
}

TEST_F(MountTest, FailuresAreClearAndLeaveNothingMounted) {
  const std::string manifest = (*work_ / "ds.shoal").string();
  const std::string target = ShellQuote(mountpoint_);
  // Wrong secret: the daemon reports the server's verdict and exits 1.
  std::vector<std::string> bad = Env();
  bad[1] = "AWS_SECRET_ACCESS_KEY=wrong-secret-wrong-secret-wrong-secret0";
  testing::CommandResult denied = Shoal("mount " + ShellQuote(manifest) + " " + target, bad);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("signature_does_not_match"), std::string::npos) << denied.err;
  EXPECT_EQ(denied.err.find("wrong-secret"), std::string::npos) << "the secret leaked";
  EXPECT_FALSE(IsMounted());
  // A corrupt manifest.
  std::string bytes = ReadFile(manifest);
  bytes[bytes.size() / 2] ^= 0x5A;
  std::ofstream(*work_ / "corrupt.shoal", std::ios::binary) << bytes;
  testing::CommandResult corrupt =
      Shoal("mount " + ShellQuote(*work_ / "corrupt.shoal") + " " + target);
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.err.find("checksum mismatch"), std::string::npos) << corrupt.err;
  // A bucket that does not exist.
  testing::CommandResult no_bucket = Shoal("mount s3://no-such-bucket-for-shoal/ " + target);
  EXPECT_EQ(no_bucket.exit_code, 1);
  EXPECT_NE(no_bucket.err.find("no_such_bucket"), std::string::npos) << no_bucket.err;
  // A missing mountpoint, and a busy one.
  testing::CommandResult missing = Shoal("mount " + ShellQuote(manifest) + " /nonexistent/mnt");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("mountpoint /nonexistent/mnt"), std::string::npos) << missing.err;
  Mount();
  testing::CommandResult busy = Shoal("mount " + ShellQuote(manifest) + " " + target);
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("busy"), std::string::npos) << busy.err;
}

}  // namespace
}  // namespace shoal
