#pragma once

// The one pair of error-propagation macros of the house, as YugabyteDB's RETURN_NOT_OK and
// VERIFY_RESULT. Every layer, from storage up to the tools, propagates with these rather
// than by hand; a gRPC handler converts the resulting absl::Status once, at its edge.
//
//   RETURN_IF_ERROR(store_->Write(batch));
//   ASSIGN_OR_RETURN(std::optional<std::string> value, txn.Get(table, key));
//   ASSIGN_OR_RETURN((auto [site, seq]), ParseKey(key));  // a comma needs parentheses
//
// Both return the error as it is, code and message unchanged. The enclosing function must
// return absl::Status or absl::StatusOr<T> (anything constructible from an absl::Status).

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cantine::status_internal {

// By value: the argument is often a temporary that ends with the full expression.
inline absl::Status AsStatus(absl::Status status) { return status; }
template <typename T>
absl::Status AsStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace cantine::status_internal

#define CANTINE_STATUS_CONCAT_INNER(a, b) a##b
#define CANTINE_STATUS_CONCAT(a, b) CANTINE_STATUS_CONCAT_INNER(a, b)

// Evaluates `expr` (an absl::Status, or an absl::StatusOr whose value is not needed) once and
// returns its status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                                                        \
  do {                                                                               \
    if (absl::Status cantine_status_ = ::cantine::status_internal::AsStatus((expr)); \
        !cantine_status_.ok()) {                                                     \
      return cantine_status_;                                                        \
    }                                                                                \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>) once; returns its status from the enclosing
// function when it is not OK, and otherwise moves its value into `lhs`, a declaration
// ("T name", "auto name") or an existing variable; one with a comma in it ("auto [a, b]",
// "std::pair<A, B> p") goes in parentheses. Expands to more than one statement: not for the
// body of an unbraced if or loop.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  CANTINE_ASSIGN_OR_RETURN_IMPL(CANTINE_STATUS_CONCAT(cantine_status_or_, __LINE__), lhs, rexpr)

#define CANTINE_ASSIGN_OR_RETURN_IMPL(status_or, lhs, rexpr) \
  auto status_or = (rexpr);                                  \
  if (!status_or.ok()) return std::move(status_or).status(); \
  CANTINE_STATUS_UNPARENTHESIZE(lhs) = *std::move(status_or)

// Strips one pair of parentheses, so that `(std::pair<int, int> p)` can be a declaration.
#define CANTINE_STATUS_UNPARENTHESIZE(x) CANTINE_STATUS_EXPAND(CANTINE_STATUS_STRIP x)
#define CANTINE_STATUS_STRIP(...) CANTINE_STATUS_STRIP __VA_ARGS__
#define CANTINE_STATUS_EXPAND(...) CANTINE_STATUS_EXPAND_(__VA_ARGS__)
#define CANTINE_STATUS_EXPAND_(...) CANTINE_STATUS_DROP_##__VA_ARGS__
#define CANTINE_STATUS_DROP_CANTINE_STATUS_STRIP
