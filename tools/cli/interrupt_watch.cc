#include "tools/cli/interrupt_watch.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace shoal::cli {

InterruptWatch::InterruptWatch() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
  watcher_ = std::thread([this] {
    const timespec tick{0, 100'000'000};  // 100 ms, to notice done_
    while (!done_.load()) {
      if (sigtimedwait(&signals_, nullptr, &tick) < 0) continue;
      if (interrupted_.exchange(true)) ::_exit(130);  // the second one
      std::fputs("\nshoal: interrupted; cleaning up (again to quit at once)\n", stderr);
    }
  });
}

InterruptWatch::~InterruptWatch() {
  done_ = true;
  watcher_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace shoal::cli
