#include "tests/support/put_all.h"

#include <algorithm>
#include <mutex>
#include <thread>

#include "engine/store/await.h"

namespace shoal::testing {

Status PutAll(ObjectStore& store, const ObjectList& objects, int threads) {
  std::mutex mu;
  Status first_error;
  std::vector<std::thread> writers;
  writers.reserve(static_cast<size_t>(std::max(threads, 0)));
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (auto i = static_cast<size_t>(t); i < objects.size(); i += static_cast<size_t>(threads)) {
        Result<PutResult> r = Await<PutResult>([&](auto done) {
          store.Put({objects[i].first, objects[i].second}, done);
        });
        if (!r.ok()) {
          std::lock_guard lock(mu);
          if (first_error.ok()) first_error = r.status().WithContext(objects[i].first);
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  return first_error;
}

}  // namespace shoal::testing
