// File system calls through the ring: open, write, stat, read, rename,
// unlink, and errors reported as -errno, all completing on the loop thread.
#include "engine/loop/uring_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>

namespace shoal {
namespace {

// Runs `start` on the loop and waits for it to call its completion.
template <typename T>
T OnLoop(EventLoop& loop, std::function<void(std::function<void(T)>)> start) {
  std::promise<T> result;
  loop.Post([&] { start([&](T value) { result.set_value(std::move(value)); }); });
  return result.get_future().get();
}

class UringFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.Start().ok());
    dir_ =
        std::filesystem::temp_directory_path() / ("shoal-uring-file-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  EventLoop loop_;
  std::filesystem::path dir_;
};

TEST_F(UringFileTest, WritesRenamesReadsAndUnlinks) {
  const std::string temp = dir_ / "file.tmp";
  const std::string final_path = dir_ / "file";
  std::string payload(300000, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);

  int fd = OnLoop<int>(loop_, [&](auto done) {
    uring_file::Open(loop_, temp, O_WRONLY | O_CREAT | O_TRUNC, 0600, done);
  });
  ASSERT_GE(fd, 0);
  EXPECT_EQ(OnLoop<int>(loop_,
                        [&](auto done) {
                          uring_file::WriteAll(
                              loop_, fd, std::make_shared<const std::string>(payload), 0, done);
                        }),
            0);
  EXPECT_EQ(OnLoop<int>(loop_, [&](auto done) { uring_file::Fsync(loop_, fd, done); }), 0);
  EXPECT_EQ(OnLoop<int>(loop_, [&](auto done) { uring_file::Close(loop_, fd, done); }), 0);
  EXPECT_EQ(
      OnLoop<int>(loop_, [&](auto done) { uring_file::Rename(loop_, temp, final_path, done); }), 0);

  fd = OnLoop<int>(loop_,
                   [&](auto done) { uring_file::Open(loop_, final_path, O_RDONLY, 0, done); });
  ASSERT_GE(fd, 0);
  const auto size = OnLoop<uint64_t>(loop_, [&](auto done) {
    uring_file::Fstat(loop_, fd,
                      [done](int rc, const struct statx& st) { done(rc == 0 ? st.stx_size : 0); });
  });
  EXPECT_EQ(size, payload.size());
  auto middle = OnLoop<Result<std::string>>(
      loop_, [&](auto done) { uring_file::ReadExactly(loop_, fd, 1000, 5000, done); });
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(*middle, payload.substr(1000, 5000));
  auto past_end = OnLoop<Result<std::string>>(
      loop_, [&](auto done) { uring_file::ReadExactly(loop_, fd, 299000, 5000, done); });
  ASSERT_TRUE(past_end.ok());
  EXPECT_EQ(*past_end, payload.substr(299000));  // short only at end of file
  OnLoop<int>(loop_, [&](auto done) { uring_file::Close(loop_, fd, done); });

  EXPECT_EQ(OnLoop<int>(loop_, [&](auto done) { uring_file::Unlink(loop_, final_path, done); }), 0);
  EXPECT_FALSE(std::filesystem::exists(final_path));
}

TEST_F(UringFileTest, ErrorsAreNegativeErrno) {
  EXPECT_EQ(OnLoop<int>(loop_,
                        [&](auto done) {
                          uring_file::Open(loop_, (dir_ / "missing").string(), O_RDONLY, 0, done);
                        }),
            -ENOENT);
  EXPECT_EQ(
      OnLoop<int>(loop_,
                  [&](auto done) { uring_file::Unlink(loop_, (dir_ / "missing").string(), done); }),
      -ENOENT);
}

TEST_F(UringFileTest, StoppingWithOperationsInFlightIsClean) {
  // Reads of a pipe never complete; stopping must cancel them and free
  // their buffers without running the callbacks.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::atomic<int> called{0};
  loop_.Post([&] {
    for (int i = 0; i < 10; ++i) {
      uring_file::ReadExactly(loop_, fds[0], 0, 4096,
                              [&](const Result<std::string>&) { called++; });
    }
  });
  ASSERT_TRUE(loop_.RunSync([] {}));
  loop_.Stop();
  EXPECT_EQ(called.load(), 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace shoal
