#include "engine/write/write_stack.h"

#include "engine/store/file/file_store.h"

namespace shoal {

Result<std::unique_ptr<WriteStack>> WriteStack::Open(const StoreUri& location,
                                                     const WriteStackOptions& options,
                                                     const EnvLookup& env) {
  std::unique_ptr<WriteStack> stack(new WriteStack());
  if (location.kind == StoreUri::Kind::kFile) {
    Result<std::unique_ptr<FileStore>> files = FileStore::Open(location.bucket);
    if (!files.ok()) return files.status();
    stack->files_ = std::move(*files);
    stack->store_ = stack->files_.get();
    return stack;
  }
  if (Status s = stack->loop_.Start(); !s.ok()) return s;
  const UringS3Limits limits{options.max_in_flight, options.connections_per_host};
  Result<UringS3> s3 = OpenUringS3(stack->loop_, location.bucket, options.store, limits, env);
  if (!s3.ok()) return s3.status();
  stack->s3_ = std::move(*s3);
  stack->store_ = stack->s3_.store.get();
  return stack;
}

WriteStack::~WriteStack() {
  if (s3_.retrying) s3_.retrying->Detach();  // no retry may reach the transport from now on
  s3_.transport.reset();                     // running transfers complete while the store exists
  loop_.Stop();
  s3_.store.reset();
  s3_.retrying.reset();
}

}  // namespace shoal
