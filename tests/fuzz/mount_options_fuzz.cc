// Fuzz target: TranslateMountOptions, the `-o` string of mount(8) and
// /etc/fstab turned into `shoal mount` arguments.
//
// The input is the option string. Invariants, stated without repeating the
// helper's tables of option names: no argument is empty or holds a ','; the
// translation is compositional (translating option by option and joining
// gives the same arguments, or the same refusal); and each option becomes
// nothing, one "--flag" without '=', or "--name" plus its non-empty value,
// where "--name" is the option's name with '_' turned into '-'.
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_support.h"
#include "tools/mount_helper/mount_options.h"

namespace {

using shoal::fuzz::Require;

std::string Dashed(std::string_view name) {
  std::string flag = "--";
  for (char c : name) flag += c == '_' ? '-' : c;
  return flag;
}

void CheckOneOption(std::string_view option, const std::vector<std::string>& args) {
  Require(args.size() <= 2);
  if (args.size() == 1) {
    Require(option.find('=') == std::string_view::npos && args[0] == Dashed(option));
  } else if (args.size() == 2) {
    const size_t eq = option.find('=');
    Require(eq != std::string_view::npos);
    Require(args[0] == Dashed(option.substr(0, eq)) && args[1] == option.substr(eq + 1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view options = shoal::fuzz::AsText(data, size);
  const auto whole = shoal::TranslateMountOptions(options);
  if (whole.ok()) {
    for (const std::string& arg : *whole) {
      Require(!arg.empty() && arg.find(',') == std::string::npos);
    }
  } else {
    Require(whole.status().code() == shoal::ErrorCode::kInvalidArgument);
  }

  std::vector<std::string> joined;
  bool refused = false;
  size_t start = 0;
  while (start <= options.size() && !refused) {
    size_t end = options.find(',', start);
    if (end == std::string_view::npos) end = options.size();
    const std::string_view option = options.substr(start, end - start);
    start = end + 1;
    const auto one = shoal::TranslateMountOptions(option);
    if (!one.ok()) {
      refused = true;
      // The first refused option is the one the whole string is refused for.
      Require(!whole.ok() && whole.status().message() == one.status().message());
      break;
    }
    CheckOneOption(option, *one);
    joined.insert(joined.end(), one->begin(), one->end());
  }
  if (!refused) Require(whole.ok() && *whole == joined);
  return 0;
}
