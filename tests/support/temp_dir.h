// TempDir: a fresh directory for one test, removed with everything in it
// when the TempDir goes out of scope. The name carries the process id and
// the running test's name, so parallel ctest runs never share one.
// Header-only, so unit tests can use it without the RGW support library.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace shoal::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view tag) {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("shoal-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" +
             (test != nullptr ? test->name() : "none"));
    std::filesystem::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace shoal::testing
