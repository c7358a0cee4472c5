// The shapes `shoal generate` can write, for the demo, the tests and the
// benchmark suite. Each shape names its files and fills them the way a real
// dataset of its kind looks, so the benchmarks read what users read:
//   binary  class-NNN/sample-NNNNNNN.bin    random bytes (images, tensors)
//   csv     YYYY/YYYY-MM-DD.csv             one trading day of quotes per file,
//                                           consecutive dates, so name order is
//                                           date order (a backtest)
//   log     host-NN/app-NNNNNN.log          timestamped log lines, about 1 in 50
//                                           of them "ERROR" (a log scan)
// Sizes are uniform in [min, max], or log-normal around a median and clipped
// to [min, max] (a photo collection's spread). Everything is a pure function
// of the seed, so two runs (or two machines) generate identical datasets.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace shoal::cli {

enum class DatasetShape { kBinary, kCsv, kLog };

struct DatasetSpec {
  DatasetShape shape = DatasetShape::kBinary;
  int files = 2000;
  int dirs = 10;            // binary: class directories; log: hosts; csv: ignored (years)
  int64_t min_size = 4096;  // at most 1 GiB, like max_size
  int64_t max_size = 131072;
  int64_t median_size = 0;  // > 0: log-normal sizes around it
  double sigma = 0.5;       // spread of the log-normal sizes
};

// Picks file sizes as the spec says, in file order.
class SizePicker {
 public:
  SizePicker(const DatasetSpec& spec, std::mt19937_64& rng);
  int64_t Next();

 private:
  const DatasetSpec& spec_;
  std::mt19937_64& rng_;
  std::lognormal_distribution<double> lognormal_;
  std::uniform_int_distribution<int> uniform_;  // sizes are at most 1 GiB
};

// The path of file `index` relative to the dataset root.
std::string DatasetPath(const DatasetSpec& spec, int index);

// Fills `out` with exactly `size` bytes of file `index`'s content.
void FillContent(const DatasetSpec& spec, int index, int64_t size, std::mt19937_64& rng,
                 std::string& out);

}  // namespace shoal::cli
