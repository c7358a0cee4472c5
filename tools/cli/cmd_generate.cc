// `shoal generate DIR`: a deterministic synthetic dataset of many small
// files in class directories, for the demo, tests and benchmarks. The same
// seed always yields the same names, sizes and bytes.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "engine/base/status.h"
#include "tools/cli/commands.h"
#include "tools/cli/store_flags.h"

namespace shoal::cli {
namespace {

struct GenerateArgs {
  std::string dir;
  int files = 2000;
  int dirs = 10;
  int min_size = 4096;
  int max_size = 131072;
  unsigned seed = 1;
};

bool MakeDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  errno = ec.value();
  return !ec;
}

int RunGenerate(GenerateArgs args) {
  if (args.min_size > args.max_size) {
    std::fprintf(stderr, "shoal: --min-size must not exceed --max-size\n");
    return kExitUsage;
  }
  if (args.dir.rfind("s3://", 0) == 0) {
    std::fprintf(stderr, "shoal: generate writes a local directory; use a path or file:// URI\n");
    return kExitUsage;
  }
  if (args.dir.rfind("file://", 0) == 0) args.dir.erase(0, 7);
  if (!MakeDir(args.dir)) {
    return Fail(
        Status(ErrorCode::kIoError, "cannot create " + args.dir + ": " + std::strerror(errno)));
  }
  std::mt19937_64 rng(args.seed);
  std::uniform_int_distribution<int> size_of(args.min_size, args.max_size);
  std::string buffer;
  unsigned long long bytes = 0;
  for (int i = 0; i < args.files; ++i) {
    char dir_name[32], file_name[48];
    std::snprintf(dir_name, sizeof(dir_name), "class-%03d", i % args.dirs);
    std::snprintf(file_name, sizeof(file_name), "sample-%07d.bin", i);
    const std::string dir = args.dir + "/" + dir_name;
    if (i < args.dirs && !MakeDir(dir)) {
      return Fail(
          Status(ErrorCode::kIoError, "cannot create " + dir + ": " + std::strerror(errno)));
    }
    buffer.resize(static_cast<size_t>(size_of(rng)));
    for (size_t j = 0; j < buffer.size(); j += 8) {
      uint64_t word = rng();
      std::memcpy(buffer.data() + j, &word, std::min<size_t>(8, buffer.size() - j));
    }
    const std::string path = dir + "/" + file_name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(buffer.data(), 1, buffer.size(), f) != buffer.size() ||
        std::fclose(f) != 0) {
      return Fail(
          Status(ErrorCode::kIoError, "cannot write " + path + ": " + std::strerror(errno)));
    }
    bytes += buffer.size();
  }
  std::printf("generated %d files (%llu bytes) in %d directories under %s\n", args.files, bytes,
              args.dirs, args.dir.c_str());
  return kExitOk;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Write a deterministic synthetic dataset");
  cmd->add_option("dir", args->dir, "directory to fill (created if missing)")->required();
  cmd->add_option("--files", args->files, "number of files")->check(CLI::Range(1, 100000000));
  cmd->add_option("--dirs", args->dirs, "number of class directories")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--min-size", args->min_size, "smallest file, bytes")
      ->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--max-size", args->max_size, "largest file, bytes")
      ->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--seed", args->seed, "random seed");
  cmd->callback([args, &exit_code] { exit_code = RunGenerate(*args); });
}

}  // namespace shoal::cli
