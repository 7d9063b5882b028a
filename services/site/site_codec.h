#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/site.pb.h"
#include "services/domain/site_policy.h"
#include "services/domain/site_profile.h"
#include "services/domain/space.h"

namespace cantine::site {

// Translation between the domain structs and their cantine.v1 messages, used both on the
// wire and as the stored form of the records. The FromProto direction checks what the
// message shape alone can get wrong (enum values, time-of-day ranges) and names the field;
// the domain's Validate* functions check the rules.

v1::SitePolicy PolicyToProto(const domain::SitePolicy& policy);
absl::StatusOr<domain::SitePolicy> PolicyFromProto(const v1::SitePolicy& proto);

v1::Site SiteToProto(const domain::SiteProfile& profile, const domain::SitePolicy& policy);
domain::SiteProfile ProfileFromProto(const v1::Site& proto);

v1::SpaceKind SpaceKindToProto(domain::SpaceKind kind);
// INVALID_ARGUMENT naming `field` for UNSPECIFIED or an unknown value.
absl::StatusOr<domain::SpaceKind> SpaceKindFromProto(absl::string_view field, int kind);

// The amount of `money` in minor units; its currency must be empty or `currency_code` (the
// site's), else INVALID_ARGUMENT naming `field`.
absl::StatusOr<int64_t> AmountInSiteCurrency(absl::string_view field, const v1::Money& money,
                                             absl::string_view currency_code);

v1::Space SpaceToProto(const domain::Space& space, absl::string_view currency_code);
// `currency_code` is the site's: the price's currency must be empty or equal to it.
absl::StatusOr<domain::Space> SpaceFromProto(const v1::Space& proto,
                                             absl::string_view currency_code);

}  // namespace cantine::site
