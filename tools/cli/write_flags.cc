#include "tools/cli/write_flags.h"

#include "engine/auth/crypto.h"
#include "tools/cli/mount_source.h"

namespace shoal::cli {

void AddWriteFlags(CLI::App& command, WriteFlags& flags) {
  command.add_option("--spool", flags.spool,
                     "directory for bytes not yet committed (default "
                     "/var/tmp/shoal-spool-<hash of the location>)");
  command
      .add_option("--durability", flags.durability,
                  "spool: every acknowledged write is on local disk first and survives a crash "
                  "(default); memory: faster, a crash loses what is not yet uploaded")
      ->check(CLI::IsMember({"spool", "memory"}));
  command
      .add_option("--upload-parts", flags.upload_parts,
                  "parts uploaded in parallel per file being written (default 4)")
      ->check(CLI::Range(1, 64));
  command
      .add_option("--append", flags.append,
                  "how O_APPEND adds to an object: native (RGW, OSS append), copy (plain S3: "
                  "UploadPartCopy of the object plus the new bytes), or auto (native, else copy; "
                  "default)")
      ->check(CLI::IsMember({"auto", "native", "copy"}));
}

std::string DefaultSpoolDir(const StoreUri& location) {
  const Sha256Digest digest = Sha256(DescribeLocation(location));
  return "/var/tmp/shoal-spool-" + HexLower(digest.data(), 8);
}

std::string SpoolDirOf(const WriteFlags& flags, const StoreUri& location) {
  if (flags.durability == "memory") return "";
  return flags.spool.empty() ? DefaultSpoolDir(location) : flags.spool;
}

Status CheckSpoolChoice(const WriteFlags& flags) {
  if (flags.durability != "memory" || flags.spool.empty()) return Status();
  return Status(ErrorCode::kInvalidArgument,
                "--spool " + flags.spool +
                    " conflicts with --durability memory, which keeps no spool; drop one");
}

Status CheckUploadPartSize(uint64_t part_size) {
  if (part_size >= (uint64_t{5} << 20) && part_size <= (uint64_t{5} << 30)) return Status();
  return Status(ErrorCode::kInvalidArgument,
                "--part-size " + std::to_string(part_size) +
                    " cannot upload: S3 multipart parts must be 5M to 5G");
}

ObjectWriterOptions WriterOptionsOf(const WriteFlags& flags, uint64_t part_size) {
  ObjectWriterOptions options;
  options.part_size = part_size;
  options.max_parts_in_flight = flags.upload_parts;
  return options;
}

AppendStrategy AppendStrategyOf(const WriteFlags& flags) {
  Result<AppendStrategy> strategy = ParseAppendStrategy(flags.append);
  return strategy.ok() ? *strategy : AppendStrategy::kAuto;
}

}  // namespace shoal::cli
