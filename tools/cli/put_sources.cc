#include "tools/cli/put_sources.h"

#include <algorithm>
#include <filesystem>

#include "engine/base/printable.h"
#include "index/writable_key.h"

namespace shoal::cli {
namespace {

namespace fs = std::filesystem;

std::string KindName(fs::file_type type) {
  switch (type) {
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::block:
    case fs::file_type::character:
      return "a device";
    case fs::file_type::not_found:
      return "a dangling symlink";
    default:
      return "not a regular file";
  }
}

// Everything under `root` that is (or links to) a regular file; `base` is
// the key prefix its relative paths go under.
Status Walk(const fs::path& root, const std::string& base, PutPlan& plan) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    const fs::file_status link = entry.symlink_status(type_ec);
    if (fs::is_directory(link)) continue;                  // walked into
    const fs::file_status target = entry.status(type_ec);  // follows a symlink
    const std::string shown = entry.path().string();
    if (fs::is_symlink(link) && fs::is_directory(target)) {
      plan.warnings.push_back("skipping " + shown + ": symlinks to directories are not followed");
      continue;
    }
    if (!fs::is_regular_file(target)) {
      plan.warnings.push_back("skipping " + shown + ": " + KindName(target.type()));
      continue;
    }
    std::error_code size_ec;
    const uint64_t size = fs::file_size(entry.path(), size_ec);
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    plan.items.push_back(PutItem{shown, base + relative, size_ec ? 0 : size});
  }
  if (ec) {
    return Status(
        ErrorCode::kIoError,
        "cannot read directory " +
            (it == fs::recursive_directory_iterator() ? root.string() : it->path().string()) +
            ": " + ec.message());
  }
  return Status::Ok();
}

// The name a directory source contributes to keys: "d/" for "d", "a/d/" or
// "d/"; nothing for ".", "..", "d/." or "d/..", whose contents go right
// under the prefix (as `cp -r d/. dest` copies d's contents).
std::string DirectoryName(const fs::path& source) {
  if (source.filename() == "." || source.filename() == "..") return "";
  fs::path normal = source.lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();  // "d/" -> "d"
  const std::string name = normal.filename().string();
  if (name.empty() || name == "." || name == ".." || name == "/") return "";
  return name + "/";
}

Status CheckUniqueKeys(const PutPlan& plan) {
  for (size_t i = 1; i < plan.items.size(); ++i) {
    if (plan.items[i].key == plan.items[i - 1].key) {
      return Status(ErrorCode::kInvalidArgument,
                    plan.items[i - 1].local_path + " and " + plan.items[i].local_path +
                        " would both upload to key " + plan.items[i].key);
    }
  }
  return Status::Ok();
}

// Every key must read back under its own name; the first that would not
// stops the whole put before anything is sent.
Status CheckWritableKeys(const PutPlan& plan) {
  for (const PutItem& item : plan.items) {
    if (Status s = CheckWritableKey(item.key); !s.ok()) {
      return s.WithContext("cannot upload " + Printable(item.local_path));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PutPlan> PlanPut(const std::vector<std::string>& sources, const std::string& destination) {
  PutPlan plan;
  std::vector<fs::file_status> statuses;
  for (const std::string& source : sources) {
    std::error_code ec;
    fs::file_status status = fs::status(source, ec);  // follows command-line symlinks
    if (status.type() == fs::file_type::not_found) {
      return Status(ErrorCode::kNotFound, "local path " + source + " does not exist");
    }
    if (ec) return Status(ErrorCode::kIoError, "cannot stat " + source + ": " + ec.message());
    statuses.push_back(status);
  }
  const bool as_key = sources.size() == 1 && fs::is_regular_file(statuses[0]) &&
                      !destination.empty() && destination.back() != '/';
  const std::string prefix =
      destination.empty() || destination.back() == '/' ? destination : destination + "/";
  for (size_t i = 0; i < sources.size(); ++i) {
    const fs::path path(sources[i]);
    if (fs::is_directory(statuses[i])) {
      if (Status s = Walk(path, prefix + DirectoryName(path), plan); !s.ok()) return s;
    } else if (fs::is_regular_file(statuses[i])) {
      std::error_code ec;
      const uint64_t size = fs::file_size(path, ec);
      const std::string key = as_key ? destination : prefix + path.filename().string();
      plan.items.push_back(PutItem{sources[i], key, ec ? 0 : size});
    } else {
      plan.warnings.push_back("skipping " + sources[i] + ": " + KindName(statuses[i].type()));
    }
  }
  std::sort(plan.items.begin(), plan.items.end(),
            [](const PutItem& a, const PutItem& b) { return a.key < b.key; });
  if (Status s = CheckUniqueKeys(plan); !s.ok()) return s;
  if (Status s = CheckWritableKeys(plan); !s.ok()) return s;
  return plan;
}

}  // namespace shoal::cli
