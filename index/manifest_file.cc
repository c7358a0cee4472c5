#include "index/manifest_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "index/manifest_format.h"

namespace shoal {
namespace {

void PutLe32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void PutLe64(std::string& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

}  // namespace

std::string EncodeManifestContainer(std::string_view payload, bool compress) {
  std::string stored;
  if (compress) {
    stored.resize(ZSTD_compressBound(payload.size()));
    size_t n = ZSTD_compress(stored.data(), stored.size(), payload.data(), payload.size(), 3);
    if (ZSTD_isError(n)) {
      compress = false;  // cannot happen with a bound-sized buffer; store plainly
    } else {
      stored.resize(n);
    }
  }
  if (!compress) stored.assign(payload);

  std::string out(kManifestHeaderSize, '\0');
  std::memcpy(out.data(), kManifestMagic, sizeof(kManifestMagic));
  PutLe32(out, 8, kManifestVersion);
  PutLe32(out, 12, compress ? kManifestFlagZstd : 0);
  PutLe64(out, 16, stored.size());
  PutLe64(out, 24, payload.size());
  // The checksum covers the header fields before it and the stored payload.
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, out.data(), 32);
  XXH3_64bits_update(state, stored.data(), stored.size());
  PutLe64(out, 32, XXH3_64bits_digest(state));
  XXH3_freeState(state);
  out += stored;
  return out;
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(ErrorCode::kIoError, "cannot create " + temp + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  int err = done == bytes.size() ? 0 : errno;
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    return Status(ErrorCode::kIoError, "cannot write " + path + ": " + std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace shoal
