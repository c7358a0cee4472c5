#include "tools/bench/fault_control.h"

namespace shoal::bench {

bool IsControlTarget(std::string_view target) {
  if (!target.starts_with(kControlPrefix)) return false;
  const std::string_view rest = target.substr(kControlPrefix.size());
  return rest.empty() || rest.front() == '/' || rest.front() == '?';
}

ControlReply HandleControl(FaultRules& rules, std::string_view method, std::string_view target,
                           std::string_view body) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path != "/__fault__/rules") {
    return {404,
            "unknown control path " + std::string(path) + "; the only one is /__fault__/rules\n"};
  }
  if (method == "GET" || method == "HEAD") return {200, rules.Describe()};
  if (method == "PUT" || method == "POST") {
    Result<std::vector<FaultRule>> parsed =
        ParseRules(body, std::string(method) + " " + std::string(path));
    if (!parsed.ok()) return {400, parsed.status().message() + "\n"};
    const size_t count = parsed->size();
    rules.Replace(std::move(*parsed));
    return {200, "ok: " + std::to_string(count) + " rules\n"};
  }
  if (method == "DELETE") {
    rules.Replace({});
    return {200, "ok: 0 rules\n"};
  }
  return {405, "use GET, PUT, POST or DELETE on /__fault__/rules\n"};
}

}  // namespace shoal::bench
