#include "index/manifest_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>

#include "index/manifest_format.h"

namespace shoal {
namespace {

void PutLe32(std::string& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void PutLe64(std::string& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The header for a stored payload (compressed or not) of `plain_size` bytes.
std::string ContainerHeader(std::string_view stored, uint64_t plain_size, bool compressed) {
  std::string out(kManifestHeaderSize, '\0');
  std::memcpy(out.data(), kManifestMagic, sizeof(kManifestMagic));
  PutLe32(out, 8, kManifestVersion);
  PutLe32(out, 12, compressed ? kManifestFlagZstd : 0);
  PutLe64(out, 16, stored.size());
  PutLe64(out, 24, plain_size);
  // The checksum covers the header fields before it and the stored payload.
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, out.data(), 32);
  XXH3_64bits_update(state, stored.data(), stored.size());
  PutLe64(out, 32, XXH3_64bits_digest(state));
  XXH3_freeState(state);
  return out;
}

// zstd level 3; empty if compression failed (then the payload is stored).
std::string Compress(std::string_view payload) {
  std::string stored(ZSTD_compressBound(payload.size()), '\0');
  size_t n = ZSTD_compress(stored.data(), stored.size(), payload.data(), payload.size(), 3);
  if (ZSTD_isError(n)) return "";
  stored.resize(n);
  return stored;
}

Status WriteAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status(ErrorCode::kIoError, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Writes the pieces to a temporary file next to `path`, then renames it.
Status WritePiecesAtomically(const std::string& path,
                             std::initializer_list<std::string_view> pieces) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(ErrorCode::kIoError, "cannot create " + temp + ": " + std::strerror(errno));
  }
  Status s;
  for (std::string_view piece : pieces) {
    if (s.ok()) s = WriteAll(fd, piece);
  }
  if (s.ok() && ::fsync(fd) != 0) s = Status(ErrorCode::kIoError, std::strerror(errno));
  if (::close(fd) != 0 && s.ok()) s = Status(ErrorCode::kIoError, std::strerror(errno));
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    s = Status(ErrorCode::kIoError, std::strerror(errno));
  }
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return Status(ErrorCode::kIoError, "cannot write " + path + ": " + s.message());
  }
  return s;
}

}  // namespace

std::string EncodeManifestContainer(std::string_view payload, bool compress) {
  std::string compressed = compress ? Compress(payload) : "";
  const bool zstd = compress && !compressed.empty();
  std::string_view stored = zstd ? std::string_view(compressed) : payload;
  std::string out = ContainerHeader(stored, payload.size(), zstd);
  out += stored;
  return out;
}

Status WriteManifestFile(const std::string& path, std::string_view payload, bool compress,
                         uint64_t* file_size) {
  std::string compressed = compress ? Compress(payload) : "";
  const bool zstd = compress && !compressed.empty();
  std::string_view stored = zstd ? std::string_view(compressed) : payload;
  const std::string header = ContainerHeader(stored, payload.size(), zstd);
  *file_size = header.size() + stored.size();
  return WritePiecesAtomically(path, {header, stored});
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  return WritePiecesAtomically(path, {bytes});
}

}  // namespace shoal
