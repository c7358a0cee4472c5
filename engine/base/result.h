// Result<T>: a value or the Status that explains why there is none.
//
// A minimal stand-in for C++23 std::expected (g++ 12 in C++20 mode lacks it).
// Accessing value() of an error Result is a bug and aborts with the status.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

#include "engine/base/status.h"

namespace shoal {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    if (std::get<1>(state_).ok()) {
      state_.template emplace<1>(ErrorCode::kInternal, "Result constructed from an OK status");
    }
  }

  bool ok() const { return state_.index() == 0; }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(state_);
  }

  T& value() & { return Checked(), std::get<0>(state_); }
  const T& value() const& { return Checked(), std::get<0>(state_); }
  T&& value() && { return Checked(), std::get<0>(std::move(state_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void Checked() const {
    if (!ok()) {
      std::fprintf(stderr, "shoal: value() on an error Result: %s\n",
                   std::get<1>(state_).ToString().c_str());
      std::abort();
    }
  }

  std::variant<T, Status> state_;
};

// Unit value for Results that carry no payload.
struct Done {};

}  // namespace shoal
