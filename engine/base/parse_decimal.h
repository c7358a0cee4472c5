// ParseDecimal: a whole string as a number, with the errors atoi hides.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace shoal {

// `text` as a T (integer: base 10; floating point: fixed or scientific), or
// nothing if it is empty, not a number, out of T's range, or has anything
// after the number (including spaces).
template <typename T>
std::optional<T> ParseDecimal(std::string_view text) {
  T value{};
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

}  // namespace shoal
