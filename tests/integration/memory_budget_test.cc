// The memory budget holds for the whole process, not just the engine's own
// accounting: reading a dataset ten times the budget through the full read
// stack (io_uring file reads, metering, engine), the process's resident
// memory grows by at most the budget plus a stated overhead.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "engine/base/large_buffers.h"
#include "engine/read/read_stack.h"
#include "engine/store/file/file_store.h"
#include "index/indexer.h"
#include "index/manifest.h"
#include "index/manifest_catalog.h"
#include "index/manifest_file.h"

namespace shoal {
namespace {

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGE_SIZE));
}

TEST(MemoryBudget, ResidentMemoryStaysWithinBudgetPlusOverheadOverTenTimesTheBudget) {
  if (SanitizerAllocatorInUse())
    GTEST_SKIP() << "a sanitizer's allocator (ASan's quarantine, TSan's shadow) "
                    "keeps memory resident by design";
  constexpr uint64_t kBudget = 16ull << 20;
  // The stated overhead: parts in flight beyond the budget (a read always
  // proceeds), allocator slack, and the stack's fixed structures.
  constexpr uint64_t kOverhead = 24ull << 20;
  constexpr int kFiles = 1280;
  constexpr size_t kFileSize = 128 << 10;  // 160 MiB in all: ten budgets

  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("shoal-memory-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  {
    std::string body(kFileSize, '\0');
    for (int i = 0; i < kFiles; ++i) {
      const std::filesystem::path dir = root / ("class-" + std::to_string(i % 8));
      std::filesystem::create_directories(dir);
      for (size_t k = 0; k < body.size(); k += 4096) body[k] = static_cast<char>(i + k);
      std::ofstream(dir / ("sample-" + std::to_string(10000 + i)), std::ios::binary) << body;
    }
  }
  std::unique_ptr<FileStore> files = std::move(*FileStore::Open(root.string()));
  ListingCounters counters;
  Result<IndexOutput> index =
      BuildIndex(*files, ManifestSource{"", root.string(), "", 1}, {}, counters);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto manifest = Manifest::FromBytes(EncodeManifestContainer(index->payload, true), "memory");
  ASSERT_TRUE(manifest.ok());
  auto catalog = std::make_shared<ManifestCatalog>(*manifest);

  ReadStackOptions options;
  options.engine.memory_budget = kBudget;
  StoreUri location{StoreUri::Kind::kFile, root.string(), ""};
  auto stack = ReadStack::Open(location, options, catalog, ProcessEnvironment());
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();

  const uint64_t baseline = ResidentBytes();
  std::atomic<bool> reading{true};
  std::atomic<uint64_t> peak{baseline};
  std::thread sampler([&] {
    while (reading) {
      peak = std::max(peak.load(), ResidentBytes());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  const Manifest& m = **manifest;
  std::atomic<uint64_t> bytes{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  readers.reserve(8);
  for (int r = 0; r < 8; ++r) {  // one reader per class directory
    readers.emplace_back([&, r] {
      const uint32_t dir = m.FirstChild(Manifest::kRoot) + static_cast<uint32_t>(r);
      for (uint32_t e = m.FirstChild(dir); e < m.FirstChild(dir) + m.ChildCount(dir); ++e) {
        std::promise<void> done;
        (*stack)->engine().Read(e, 0, kFileSize, [&](Result<std::string_view> data) {
          if (data.ok() && data->size() == kFileSize) {
            bytes += data->size();
          } else {
            failures++;
          }
          done.set_value();
        });
        done.get_future().wait();
      }
    });
  }
  for (auto& t : readers) t.join();
  reading = false;
  sampler.join();
  peak = std::max(peak.load(), ResidentBytes());

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(bytes.load(), static_cast<uint64_t>(kFiles) * kFileSize);
  const uint64_t growth = peak.load() - baseline;
  std::printf("read %llu MiB with a %llu MiB budget: resident memory grew by %.1f MiB\n",
              static_cast<unsigned long long>(bytes.load() >> 20),
              static_cast<unsigned long long>(kBudget >> 20),
              static_cast<double>(growth) / (1 << 20));
  EXPECT_LE(growth, kBudget + kOverhead);
  EXPECT_LE((*stack)->engine().Stats().peak_bytes_in_use, kBudget + 64 * kFileSize);
  stack->reset();
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace shoal
