#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"
#include "services/auth/ed25519.h"

namespace cantine::fuzz {

// What every fuzz target shares: fixed keys and time, so that a seed signed once stays valid
// in every run and every build, and the way an input is split.

// Protobuf logs every string field of invalid UTF-8 it parses: most fuzz inputs.
inline const bool kProtobufQuiet = (google::protobuf::SetLogHandler(nullptr), true);

// The instant every target runs at.
inline const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Test-only Ed25519 keys, fixed (never used anywhere but in fuzzing): the network admin's,
// and Lyon's, which signs Lyon's entries and member tokens.
inline constexpr absl::string_view kAdminKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIPgPTX5CIG+QM1AKKA/uyekFUypDbPjagm9BeqshK5R6\n"
    "-----END PRIVATE KEY-----\n";
inline constexpr absl::string_view kLyonKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIG8joibOm5XDcEajQNQeWTZG++rHSGWqk9UYBWhmkIOV\n"
    "-----END PRIVATE KEY-----\n";

inline const auth::Ed25519PrivateKey& AdminKey() {
  static const auth::Ed25519PrivateKey* const key =
      new auth::Ed25519PrivateKey(auth::Ed25519PrivateKey::FromPem(kAdminKeyPem).value());
  return *key;
}
inline const auth::Ed25519PrivateKey& LyonKey() {
  static const auth::Ed25519PrivateKey* const key =
      new auth::Ed25519PrivateKey(auth::Ed25519PrivateKey::FromPem(kLyonKeyPem).value());
  return *key;
}

// An input is a mode byte, then the bytes of a message. The mode's low bit asks the target
// to sign what the input carries with the fixed keys, so that the checks behind the
// signature are reached, as from a peer or a member holding a key.
struct Input {
  bool sign = false;
  uint8_t mode = 0;
  absl::string_view bytes;
};
inline Input SplitInput(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return {.sign = (data[0] & 1) != 0,
          .mode = data[0],
          .bytes = absl::string_view(reinterpret_cast<const char*>(data + 1), size - 1)};
}

// A broken invariant: the fuzzer records the input that broke it.
[[noreturn]] inline void Fail(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, condition);
  std::abort();
}

}  // namespace cantine::fuzz

#define FUZZ_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::cantine::fuzz::Fail(__FILE__, __LINE__, #condition))
