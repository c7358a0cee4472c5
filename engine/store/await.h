// Blocking adapters over the asynchronous ObjectStore interface, for the CLI
// and tests. Await() works whether the callback runs inline or on another
// thread. Never call these on an event-loop thread: they would deadlock it.
#pragma once

#include <future>
#include <utility>

#include "engine/store/object_store.h"

namespace shoal {

// Usage: Await<ListPage>([&](auto done) { store.List(req, done); });
template <typename T, typename Start>
Result<T> Await(Start&& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

// Lists every key under `prefix` (no delimiter), following continuations.
Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, const std::string& prefix);

// The object's length, 0 if it does not exist (an append's starting point).
Result<uint64_t> ObjectLength(ObjectStore& store, const std::string& key);

// Every pending multipart upload under `prefix`.
Result<std::vector<PendingUpload>> ListAllUploads(ObjectStore& store, const std::string& prefix);

}  // namespace shoal
