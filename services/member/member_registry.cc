#include "services/member/member_registry.h"

#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/member/member_codec.h"
#include "storage/key_codec.h"

namespace cantine::member {
namespace {

std::string MemberKey(absl::string_view member_id) {
  return storage::KeyBuilder().AddString(member_id).Build();
}

std::string EmailKey(absl::string_view email) {
  return storage::KeyBuilder().AddString(absl::AsciiStrToLower(email)).Build();
}

}  // namespace

MemberRegistry::MemberRegistry(storage::Store* store, const storage::Clock* clock,
                               domain::IdGenerator* ids, std::string home_site_id)
    : store_(store), clock_(clock), ids_(ids), home_site_id_(std::move(home_site_id)) {}

absl::StatusOr<domain::Member> MemberRegistry::Register(absl::string_view display_name,
                                                        absl::string_view email) {
  domain::Member member{.member_id = absl::StrCat(home_site_id_, "-", ids_->NewId()),
                        .home_site_id = home_site_id_,
                        .display_name = std::string(display_name),
                        .email = std::string(email),
                        .create_time = clock_->Now()};
  if (absl::Status s = domain::ValidateNewMember(member); !s.ok()) return s;

  std::unique_ptr<storage::Transaction> txn = store_->BeginTransaction();
  absl::StatusOr<std::optional<std::string>> owner =
      txn->GetForUpdate(storage::Table::kMemberEmails, EmailKey(email));
  if (!owner.ok()) return owner.status();
  if (owner->has_value()) {
    return absl::AlreadyExistsError(absl::StrCat("a member with email '", email,
                                                 "' is already registered at ", home_site_id_,
                                                 " as ", **owner));
  }
  if (absl::Status s = txn->Put(storage::Table::kMemberEmails, EmailKey(email), member.member_id);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = txn->Put(storage::Table::kMembers, MemberKey(member.member_id),
                                MemberToProto(member).SerializeAsString());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = txn->Commit(); !s.ok()) return s;
  return member;
}

absl::StatusOr<domain::Member> MemberRegistry::Get(absl::string_view member_id) const {
  absl::StatusOr<std::optional<std::string>> bytes =
      store_->Get(storage::Table::kMembers, MemberKey(member_id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    return absl::NotFoundError(absl::StrCat("no member '", member_id, "'"));
  }
  v1::Member proto;
  if (!proto.ParseFromString(**bytes)) return absl::DataLossError("stored member does not parse");
  return MemberFromProto(proto);
}

absl::Status MemberRegistry::CheckMember(absl::string_view member_id) const {
  return Get(member_id).status();
}

}  // namespace cantine::member
