#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "storage/store.h"

namespace cantine::storage {

// The 32-byte SHA-256 digest of `data`.
std::string Sha256(absl::string_view data);

// SHA-256 over every key and value of `tables`, in key order: two stores have equal digests
// exactly when those tables hold the same records. For convergence checks and tests.
// Hex.
absl::StatusOr<std::string> DigestTables(Store& store, absl::Span<const Table> tables);
// DigestTables of every table: the whole of a node's state, for tests that prove a call
// changed nothing.
absl::StatusOr<std::string> DigestAllTables(Store& store);

// DigestTables of the state every node of a network holds alike once replication has
// converged: members, directory, listings, events and the version vector (which holds each
// origin's chain hash, so it covers every entry held; the stored entries themselves differ
// by which signatures each node kept). Site-local tables (bookings, receipts) are left out.
absl::StatusOr<std::string> ReplicatedStateDigest(Store& store);

}  // namespace cantine::storage
