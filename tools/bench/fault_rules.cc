#include "tools/bench/fault_rules.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

namespace shoal::bench {
namespace {

struct KindName {
  std::string_view name;
  FaultKind kind;
};
constexpr std::array<KindName, 9> kKinds = {{
    {"off", FaultKind::kOff},
    {"500", FaultKind::kInternalError},
    {"503", FaultKind::kSlowDown},
    {"reset", FaultKind::kReset},
    {"stall", FaultKind::kStall},
    {"trickle", FaultKind::kTrickle},
    {"truncate", FaultKind::kTruncate},
    {"bad-length", FaultKind::kBadLength},
    {"wrong-object", FaultKind::kWrongObject},
}};

constexpr std::array<std::string_view, 5> kMethods = {"GET", "PUT", "POST", "HEAD", "DELETE"};

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The words of `line` up to a word that starts with '#'.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    if (start == i) break;
    if (line[start] == '#') break;
    words.push_back(line.substr(start, i - start));
  }
  return words;
}

Result<int64_t> ParseNumber(std::string_view name, std::string_view value, int64_t min,
                            int64_t max) {
  int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  const std::string word = std::string(name) + "=" + std::string(value);
  if (error != std::errc() || end != value.data() + value.size()) {
    return Invalid(word + " is not a whole number");
  }
  if (number < min || number > max) {
    return Invalid(word + " must be between " + std::to_string(min) + " and " +
                   std::to_string(max));
  }
  return number;
}

// The faults each kind-specific word applies to, as named in errors.
struct Applies {
  std::string_view word;
  std::string_view faults;
  bool (*fits)(FaultKind);
};
constexpr std::array<Applies, 5> kApplies = {{
    {"ms", "fault=stall", [](FaultKind k) { return k == FaultKind::kStall; }},
    {"bps", "fault=trickle", [](FaultKind k) { return k == FaultKind::kTrickle; }},
    {"bytes", "fault=truncate", [](FaultKind k) { return k == FaultKind::kTruncate; }},
    {"delta", "fault=bad-length", [](FaultKind k) { return k == FaultKind::kBadLength; }},
    {"at", "fault=500, fault=503 and fault=reset",
     [](FaultKind k) {
       return k == FaultKind::kInternalError || k == FaultKind::kSlowDown || k == FaultKind::kReset;
     }},
}};

// Sets the field `name` of `rule` from `value`.
Status SetField(FaultRule& rule, std::string_view name, std::string_view value) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Result<int64_t> number = int64_t{0};
  if (name == "fault") {
    const auto* const it = std::find_if(kKinds.begin(), kKinds.end(),
                                        [&](const KindName& k) { return k.name == value; });
    if (it == kKinds.end()) {
      return Invalid("unknown fault \"" + std::string(value) +
                     "\"; expected 500, 503, reset, stall, trickle, truncate, bad-length, "
                     "wrong-object or off");
    }
    rule.kind = it->kind;
  } else if (name == "method") {
    std::string upper(value);
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (upper != "ANY" && std::find(kMethods.begin(), kMethods.end(), upper) == kMethods.end()) {
      return Invalid("unknown method \"" + std::string(value) +
                     "\"; expected GET, PUT, POST, HEAD, DELETE or any");
    }
    rule.method = upper == "ANY" ? "" : upper;
  } else if (name == "key") {
    rule.key = std::string(value);
  } else if (name == "percent") {
    if ((number = ParseNumber(name, value, 0, 100)).ok()) rule.percent = static_cast<int>(*number);
  } else if (name == "limit") {
    if ((number = ParseNumber(name, value, 0, kMax)).ok()) rule.limit = *number;
  } else if (name == "ms") {
    if ((number = ParseNumber(name, value, 0, 86'400'000)).ok()) rule.ms = *number;
  } else if (name == "bps") {
    if ((number = ParseNumber(name, value, 1, kMax)).ok()) rule.bps = *number;
  } else if (name == "bytes") {
    if ((number = ParseNumber(name, value, 0, kMax)).ok()) rule.bytes = *number;
  } else if (name == "delta") {
    if ((number = ParseNumber(name, value, -kMax, kMax)).ok()) rule.delta = *number;
    if (number.ok() && *number == 0) return Invalid("delta=0 would not change the length");
  } else if (name == "at") {
    if (value != "request" && value != "response") {
      return Invalid("at=" + std::string(value) + ": expected at=request or at=response");
    }
    rule.at = value == "request" ? FaultStage::kRequest : FaultStage::kResponse;
  } else {
    return Invalid("unknown word \"" + std::string(name) +
                   "=\"; expected fault, method, key, percent, limit, ms, bps, bytes, delta or "
                   "at");
  }
  return number.status();
}

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool Fires(uint64_t seed, size_t index, uint64_t n, int percent) {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return Mix(Mix(seed ^ Mix(index)) + n) % 100 < static_cast<uint64_t>(percent);
}

bool Matches(const FaultRule& rule, std::string_view method, std::string_view target) {
  return (rule.method.empty() || rule.method == method) &&
         (rule.key.empty() || target.find(rule.key) != std::string_view::npos);
}

}  // namespace

std::string_view FaultName(FaultKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

Result<FaultRule> ParseRule(std::string_view line) {
  const std::vector<std::string_view> words = Words(line);
  if (words.empty()) return Invalid("empty rule; a rule needs fault= at least");
  FaultRule rule;
  std::vector<std::string_view> seen;
  for (std::string_view word : words) {
    const size_t eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == word.size()) {
      return Invalid("\"" + std::string(word) + "\" is not name=value");
    }
    const std::string_view name = word.substr(0, eq);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return Invalid(std::string(name) + "= is given twice");
    }
    seen.push_back(name);
    if (Status set = SetField(rule, name, word.substr(eq + 1)); !set.ok()) return set;
  }
  if (std::find(seen.begin(), seen.end(), "fault") == seen.end()) {
    return Invalid("no fault= (every rule needs one; fault=off forwards untouched)");
  }
  for (const Applies& applies : kApplies) {
    if (std::find(seen.begin(), seen.end(), applies.word) != seen.end() &&
        !applies.fits(rule.kind)) {
      return Invalid(std::string(applies.word) + "= applies only to " +
                     std::string(applies.faults));
    }
  }
  return rule;
}

Result<std::vector<FaultRule>> ParseRules(std::string_view text, std::string_view origin) {
  std::vector<FaultRule> rules;
  int number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++number;
    if (Words(line).empty()) continue;
    Result<FaultRule> rule = ParseRule(line);
    if (!rule.ok()) {
      while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
      return Invalid(std::string(origin) + " line " + std::to_string(number) + ": " +
                     rule.status().message() + ", in \"" + std::string(line) + "\"");
    }
    rules.push_back(std::move(*rule));
  }
  return rules;
}

std::string FormatRule(const FaultRule& rule) {
  std::string line = "fault=" + std::string(FaultName(rule.kind));
  if (!rule.method.empty()) line += " method=" + rule.method;
  if (!rule.key.empty()) line += " key=" + rule.key;
  if (rule.percent != 100) line += " percent=" + std::to_string(rule.percent);
  if (rule.limit != 0) line += " limit=" + std::to_string(rule.limit);
  switch (rule.kind) {
    case FaultKind::kStall:
      line += " ms=" + std::to_string(rule.ms);
      break;
    case FaultKind::kTrickle:
      line += " bps=" + std::to_string(rule.bps);
      break;
    case FaultKind::kTruncate:
      if (rule.bytes >= 0) line += " bytes=" + std::to_string(rule.bytes);
      break;
    case FaultKind::kBadLength:
      line += " delta=" + std::to_string(rule.delta);
      break;
    case FaultKind::kInternalError:
    case FaultKind::kSlowDown:
    case FaultKind::kReset:
      if (rule.at == FaultStage::kResponse) line += " at=response";
      break;
    case FaultKind::kOff:
    case FaultKind::kWrongObject:
      break;
  }
  return line;
}

void FaultRules::Replace(std::vector<FaultRule> rules) {
  std::lock_guard lock(mu_);
  entries_.clear();
  for (FaultRule& rule : rules) entries_.push_back(Entry{std::move(rule)});
  requests_ = 0;
  hits_ = 0;
}

std::optional<FaultChoice> FaultRules::Choose(std::string_view method, std::string_view target) {
  std::lock_guard lock(mu_);
  ++requests_;
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& entry = entries_[i];
    if (!Matches(entry.rule, method, target)) continue;
    const uint64_t n = entry.matched++;
    if (entry.rule.limit > 0 && entry.hits >= static_cast<uint64_t>(entry.rule.limit)) continue;
    if (!Fires(seed_, i, n, entry.rule.percent)) continue;
    ++entry.hits;
    if (entry.rule.kind != FaultKind::kOff) ++hits_;
    return FaultChoice{i, entry.rule};
  }
  return std::nullopt;
}

std::string FaultRules::Describe() const {
  std::lock_guard lock(mu_);
  std::string text = "# seed=" + std::to_string(seed_) + " requests=" + std::to_string(requests_) +
                     " faults=" + std::to_string(hits_) +
                     " rules=" + std::to_string(entries_.size()) + "\n";
  for (const Entry& entry : entries_) {
    text += FormatRule(entry.rule) + "  # matched=" + std::to_string(entry.matched) +
            " hits=" + std::to_string(entry.hits) + "\n";
  }
  return text;
}

}  // namespace shoal::bench
