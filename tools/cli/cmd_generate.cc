// `shoal generate DIR`: a deterministic synthetic dataset (see
// synthetic_dataset.h for the shapes), for the demo, tests and benchmarks.
// The same seed always yields the same names, sizes and bytes.
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
#include "tools/cli/synthetic_dataset.h"

namespace shoal::cli {
namespace {

struct GenerateArgs {
  std::string dir;
  DatasetSpec spec;
  std::string shape = "binary";
  unsigned seed = 1;
};

bool MakeDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  errno = ec.value();
  return !ec;
}

int RunGenerate(GenerateArgs args) {
  DatasetSpec& spec = args.spec;
  if (spec.min_size > spec.max_size) {
    std::fprintf(stderr, "shoal: --min-size must not exceed --max-size\n");
    return kExitUsage;
  }
  if (args.dir.rfind("s3://", 0) == 0) {
    std::fprintf(stderr, "shoal: generate writes a local directory; use a path or file:// URI\n");
    return kExitUsage;
  }
  if (args.dir.rfind("file://", 0) == 0) args.dir.erase(0, 7);
  spec.shape = args.shape == "csv"   ? DatasetShape::kCsv
               : args.shape == "log" ? DatasetShape::kLog
                                     : DatasetShape::kBinary;
  std::mt19937_64 rng(args.seed);
  SizePicker sizes(spec, rng);
  std::string buffer;
  unsigned long long bytes = 0;
  std::string made_dir;
  for (int i = 0; i < spec.files; ++i) {
    const std::string path = args.dir + "/" + DatasetPath(spec, i);
    const std::string dir = path.substr(0, path.rfind('/'));
    if (dir != made_dir && !MakeDir(dir)) {
      return Fail(
          Status(ErrorCode::kIoError, "cannot create " + dir + ": " + std::strerror(errno)));
    }
    made_dir = dir;
    FillContent(spec, i, sizes.Next(), rng, buffer);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    bool written = f != nullptr && std::fwrite(buffer.data(), 1, buffer.size(), f) == buffer.size();
    int err = errno;
    if (f != nullptr && std::fclose(f) != 0 && written) {  // closed after a failed write too
      written = false;
      err = errno;
    }
    if (!written) {
      return Fail(Status(ErrorCode::kIoError, "cannot write " + path + ": " + std::strerror(err)));
    }
    bytes += buffer.size();
  }
  std::printf("generated %d %s files (%llu bytes) under %s\n", spec.files, args.shape.c_str(),
              bytes, args.dir.c_str());
  return kExitOk;
}

}  // namespace

void AddGenerateCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand("generate", "Write a deterministic synthetic dataset");
  cmd->add_option("dir", args->dir, "directory to fill (created if missing)")->required();
  cmd->add_option("--shape", args->shape,
                  "binary: class-N/sample-N.bin random bytes; csv: YYYY/YYYY-MM-DD.csv, one "
                  "trading day of quotes each; log: host-N/app-N.log text lines")
      ->check(CLI::IsMember({"binary", "csv", "log"}))
      ->capture_default_str();
  cmd->add_option("--files", args->spec.files, "number of files")->check(CLI::Range(1, 100000000));
  cmd->add_option("--dirs", args->spec.dirs, "number of class directories (log: hosts)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--min-size", args->spec.min_size, "smallest file, bytes")
      ->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--max-size", args->spec.max_size, "largest file, bytes")
      ->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--median-size", args->spec.median_size,
                  "log-normal sizes around this median, clipped to [min, max] (default: uniform)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--sigma", args->spec.sigma, "spread of log-normal sizes")
      ->check(CLI::Range(0.01, 4.0))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "random seed");
  cmd->callback([args, &exit_code] { exit_code = RunGenerate(*args); });
}

}  // namespace shoal::cli
