// WaitOnLoop: run one asynchronous loop operation from another thread and
// block until its result, for callers that may block (FUSE write threads,
// recovery) but want their I/O on the ring.
//
// `start` runs on the loop thread and gets a callback for the result. If the
// loop stops first, or drops the callback without calling it, the wait ends
// with -ECANCELED instead of hanging. Never call it on the loop thread.
#pragma once

#include <cerrno>
#include <functional>
#include <future>
#include <memory>

#include "engine/loop/event_loop.h"

namespace shoal {

int WaitOnLoop(EventLoop& loop, std::function<void(std::function<void(int)>)> start);

}  // namespace shoal
