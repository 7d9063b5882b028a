#include "services/member/registration_requests.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "cantine/v1/member.pb.h"
#include "services/member/member_codec.h"
#include "storage/digest.h"
#include "storage/key_codec.h"
#include "storage/records.h"
#include "storage/status_macros.h"

namespace cantine::member {
namespace {

using storage::Table;
using storage::Transaction;

constexpr absl::string_view kByEmail = "email";
constexpr absl::string_view kByTime = "time";

// Keys hold a digest of the email, never the address: RocksDB keeps the keys at the edges
// of its files in its MANIFEST, which compaction does not rewrite (as MemberRegistry's
// email index).
std::string EmailDigest(absl::string_view email) {
  return storage::Sha256(absl::AsciiStrToLower(email));
}

std::string EmailKey(absl::string_view digest) {
  return storage::KeyBuilder().AddString(kByEmail).AddString(digest).Build();
}

std::string TimeKey(absl::Time time, absl::string_view digest) {
  return storage::KeyBuilder()
      .AddString(kByTime)
      .AddInt64(absl::ToUnixMicros(time))
      .AddString(digest)
      .Build();
}

absl::StatusOr<std::optional<domain::Member>> Parse(
    const absl::StatusOr<std::optional<std::string>>& read) {
  ASSIGN_OR_RETURN(std::optional<v1::Member> proto,
                   storage::ParseOptionalRecord<v1::Member>(read, "stored registration request"));
  if (!proto.has_value()) return std::nullopt;
  ASSIGN_OR_RETURN(domain::Member request, MemberFromProto(*proto));
  return request;
}

// Deletes the request whose email has `digest`, made at `time`, in `txn`.
absl::Status DeleteRequest(Transaction& txn, absl::string_view digest, absl::Time time) {
  RETURN_IF_ERROR(txn.Delete(Table::kMemberRequests, EmailKey(digest)));
  return txn.Delete(Table::kMemberRequests, TimeKey(time, digest));
}

}  // namespace

RegistrationRequests::RegistrationRequests(storage::Store* store, const storage::Clock* clock)
    : store_(store), clock_(clock) {}

absl::Status RegistrationRequests::Put(const domain::Member& profile) {
  const absl::Time now = clock_->Now();
  const std::string digest = EmailDigest(profile.email);
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  ASSIGN_OR_RETURN(std::optional<domain::Member> earlier,
                   Parse(txn->GetForUpdate(Table::kMemberRequests, EmailKey(digest))));
  if (earlier.has_value()) {
    RETURN_IF_ERROR(DeleteRequest(*txn, digest, (earlier)->create_time));
  }
  // The oldest requests come first in the time index.
  ASSIGN_OR_RETURN(
      std::vector<storage::KeyValue> oldest,
      txn->Scan(Table::kMemberRequests, storage::KeyBuilder().AddString(kByTime).Build(),
                kExpiredDroppedPerPut));
  for (const storage::KeyValue& row : oldest) {
    storage::KeyReader key(row.key);
    absl::StatusOr<std::string> index = key.ReadString();
    absl::StatusOr<int64_t> micros = key.ReadInt64();
    absl::StatusOr<std::string> stale = key.ReadString();
    if (!index.ok() || !micros.ok() || !stale.ok()) {
      return absl::DataLossError("a registration request key does not decode");
    }
    const absl::Time made = absl::FromUnixMicros(*micros);
    if (now - made < kTtl) break;
    RETURN_IF_ERROR(DeleteRequest(*txn, *stale, made));
  }
  domain::Member request = profile;
  request.create_time = now;
  RETURN_IF_ERROR(
      storage::PutRecord(*txn, Table::kMemberRequests, EmailKey(digest), MemberToProto(request)));
  RETURN_IF_ERROR(txn->Put(Table::kMemberRequests, TimeKey(now, digest), ""));
  return txn->Commit();
}

absl::StatusOr<domain::Member> RegistrationRequests::Find(absl::string_view email) const {
  ASSIGN_OR_RETURN(std::optional<domain::Member> request,
                   Parse(store_->Get(Table::kMemberRequests, EmailKey(EmailDigest(email)))));
  if (!request.has_value() || clock_->Now() - (request)->create_time >= kTtl) {
    return absl::NotFoundError(
        "no registration request for this email here (requests are kept 7 days)");
  }
  return *std::move(request);
}

absl::Status RegistrationRequests::Remove(absl::string_view email) {
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  RETURN_IF_ERROR(RemoveIn(*txn, email));
  return txn->Commit();
}

absl::Status RegistrationRequests::RemoveIn(Transaction& txn, absl::string_view email) {
  const std::string digest = EmailDigest(email);
  ASSIGN_OR_RETURN(std::optional<domain::Member> request,
                   Parse(txn.GetForUpdate(Table::kMemberRequests, EmailKey(digest))));
  if (!request.has_value()) return absl::OkStatus();
  return DeleteRequest(txn, digest, (request)->create_time);
}

}  // namespace cantine::member
