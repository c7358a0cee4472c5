// PendingReply: answers a FUSE request exactly once: with a result, through
// Take(), or with EIO when the last reference goes unanswered (the engine or
// store dropped its callback because its loop stopped). So no reader ever
// waits for an answer that cannot come. Hold it in a shared_ptr captured by
// the completion callback.
#pragma once

#include <fuse_lowlevel.h>

#include <cerrno>
#include <utility>

namespace shoal {

class PendingReply {
 public:
  explicit PendingReply(fuse_req_t req) : req_(req) {}
  PendingReply(const PendingReply&) = delete;
  PendingReply& operator=(const PendingReply&) = delete;
  ~PendingReply() {
    if (req_ != nullptr) fuse_reply_err(req_, EIO);
  }
  fuse_req_t Take() { return std::exchange(req_, nullptr); }

 private:
  fuse_req_t req_;
};

}  // namespace shoal
