#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/id_generator.h"
#include "services/domain/member.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace cantine::member {

// The members whose home is this site, persisted in the store. Thread-safe.
class MemberRegistry final : public domain::MemberDirectory {
 public:
  // None owned; all outlive the registry.
  MemberRegistry(storage::Store* store, const storage::Clock* clock, domain::IdGenerator* ids,
                 std::string home_site_id);

  // Registers a member with a new id. ALREADY_EXISTS when the email (case-insensitive) is
  // taken at this site; INVALID_ARGUMENT naming a bad field.
  absl::StatusOr<domain::Member> Register(absl::string_view display_name, absl::string_view email);
  // NOT_FOUND naming the member when there is none.
  absl::StatusOr<domain::Member> Get(absl::string_view member_id) const;

  absl::Status CheckMember(absl::string_view member_id) const override;

 private:
  storage::Store* const store_;
  const storage::Clock* const clock_;
  domain::IdGenerator* const ids_;
  const std::string home_site_id_;
};

}  // namespace cantine::member
