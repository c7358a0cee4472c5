#include "index/key_range.h"

namespace shoal {
namespace {

constexpr int kLowest = 0x20;   // below every printable character we produce
constexpr int kHighest = 0x7F;  // above '~'

}  // namespace

std::optional<std::string> KeyBetween(std::string_view low, std::string_view high) {
  std::string key;  // the bytes of low kept so far
  while (true) {
    size_t i = 0;
    while (i < low.size() && i < high.size() && low[i] == high[i]) ++i;
    if (!high.empty() && i == high.size()) return std::nullopt;  // high <= low
    const int lo = i < low.size() ? static_cast<unsigned char>(low[i]) : kLowest - 1;
    const int hi = high.empty() ? kHighest : static_cast<unsigned char>(high[i]);
    if (lo >= hi) return std::nullopt;
    const int mid = (lo + hi) / 2;
    if (mid > lo && mid >= 0x21 && mid <= 0x7E) {
      key.append(low.substr(0, i));
      key.push_back(static_cast<char>(mid));
      return key;
    }
    if (i >= low.size()) return std::nullopt;
    // No room at this position: keep low's byte and go one deeper, unbounded.
    key.append(low.substr(0, i + 1));
    low.remove_prefix(i + 1);
    high = {};
  }
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    const auto last = static_cast<unsigned char>(end.back());
    if (last < 0xFF) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace shoal
