#include "index/bucket_lister.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/store/await.h"
#include "index/key_range.h"

namespace shoal {
namespace {

// One walk: keys under `prefix` with after < key <= upto ("" upto: no bound).
struct Walk {
  std::string prefix;
  std::string after;
  std::string upto;
};

class ParallelLister {
 public:
  ParallelLister(ObjectStore& store, const ListerOptions& options,
                 const std::function<void(std::vector<ObjectInfo>&)>& sink,
                 ListingCounters& counters)
      : store_(store), options_(options), sink_(sink), counters_(counters) {}

  Status Run(const std::string& prefix) {
    Status seeded = Seed(prefix);
    if (!seeded.ok()) return seeded;
    const int threads = std::max(1, options_.concurrency);
    std::vector<std::thread> workers;
    workers.reserve(static_cast<size_t>(threads));
    for (int i = 0; i < threads; ++i) workers.emplace_back([this] { Work(); });
    for (auto& w : workers) w.join();
    return error_;
  }

 private:
  // One delimiter listing of the prefix: its files are emitted directly and
  // each common prefix becomes a walk. A prefix whose top level does not fit
  // in one page is instead walked as a single range that splits itself.
  Status Seed(const std::string& prefix) {
    ListRequest request;
    request.prefix = prefix;
    request.delimiter = "/";
    request.max_keys = options_.page_size;
    Result<ListPage> page = Await<ListPage>([&](auto done) { store_.List(request, done); });
    if (!page.ok()) return page.status();
    counters_.pages.fetch_add(1);
    if (page->truncated) {
      queue_.push_back(Walk{prefix, "", ""});
      return Status::Ok();
    }
    Emit(page->objects);
    for (const std::string& p : page->common_prefixes) queue_.push_back(Walk{p, "", ""});
    return Status::Ok();
  }

  void Emit(std::vector<ObjectInfo>& objects) {
    if (objects.empty()) return;
    counters_.objects.fetch_add(objects.size());
    std::lock_guard lock(sink_mu_);
    sink_(objects);
  }

  void Work() {
    while (true) {
      Walk walk;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty() || active_ == 0 || !error_.ok(); });
        if (!error_.ok() || queue_.empty()) {
          cv_.notify_all();
          return;
        }
        walk = std::move(queue_.front());
        queue_.pop_front();
        ++active_;
      }
      Status s = RunWalk(walk);
      std::lock_guard lock(mu_);
      --active_;
      if (!s.ok() && error_.ok()) error_ = s;
      cv_.notify_all();
    }
  }

  bool WorkersIdle() {
    std::lock_guard lock(mu_);
    return active_ + static_cast<int>(queue_.size()) < options_.concurrency && error_.ok();
  }

  bool Failed() {
    std::lock_guard lock(mu_);
    return !error_.ok();
  }

  // Hands the upper half of (last, walk.upto] to another walk, if worthwhile.
  void MaybeSplit(Walk& walk, const std::string& last) {
    if (!WorkersIdle()) return;
    const std::string bound = walk.upto.empty() ? PrefixEnd(walk.prefix) : walk.upto;
    std::optional<std::string> mid = KeyBetween(last, bound);
    if (!mid || *mid <= last || (!bound.empty() && *mid >= bound)) return;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(Walk{walk.prefix, *mid, walk.upto});
    }
    counters_.splits.fetch_add(1);
    cv_.notify_one();
    walk.upto = *mid;
  }

  Status RunWalk(Walk walk) {
    ListRequest request;
    request.prefix = walk.prefix;
    request.start_after = walk.after;
    request.max_keys = options_.page_size;
    while (!Failed()) {
      Result<ListPage> page = Await<ListPage>([&](auto done) { store_.List(request, done); });
      if (!page.ok()) return page.status();
      counters_.pages.fetch_add(1);
      bool past_end = false;
      if (!walk.upto.empty()) {
        auto& objects = page->objects;
        auto cut = std::find_if(objects.begin(), objects.end(),
                                [&](const ObjectInfo& o) { return o.key > walk.upto; });
        past_end = cut != objects.end();
        objects.erase(cut, objects.end());
      }
      std::string last = page->objects.empty() ? "" : page->objects.back().key;
      Emit(page->objects);
      if (past_end || !page->truncated) return Status::Ok();
      if (page->next_continuation_token.empty()) {
        return Status(ErrorCode::kProtocolError,
                      "listing of " + store_.Describe() + " was truncated without a token");
      }
      if (!last.empty()) MaybeSplit(walk, last);
      request.continuation_token = page->next_continuation_token;
    }
    return Status::Ok();
  }

  ObjectStore& store_;
  const ListerOptions& options_;
  const std::function<void(std::vector<ObjectInfo>&)>& sink_;
  ListingCounters& counters_;
  std::mutex sink_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Walk> queue_;  // guarded by mu_
  int active_ = 0;          // guarded by mu_
  Status error_;            // guarded by mu_
};

}  // namespace

Status ListPrefix(ObjectStore& store, const std::string& prefix, const ListerOptions& options,
                  const std::function<void(std::vector<ObjectInfo>&)>& sink,
                  ListingCounters& counters) {
  ParallelLister lister(store, options, sink, counters);
  return lister.Run(prefix);
}

}  // namespace shoal
