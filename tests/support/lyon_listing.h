#pragma once

#include <string>

#include "cantine/v1/federation.pb.h"
#include "services/auth/ed25519.h"

namespace cantine::testing {

// The admin's listing of a new site, Lyon, whose entries and tokens `site_key` signs: a
// valid listing for directory tests (header-only; link cantine_proto and cantine_auth).
inline v1::SiteListing LyonListing(const auth::Ed25519PublicKey& site_key) {
  v1::SiteListing listing;
  v1::Site& site = *listing.mutable_site();
  site.set_site_id("lyon");
  site.set_display_name("La Cantine Lyon");
  site.set_street_address("12 rue de la République");
  site.set_city("Lyon");
  site.set_country_code("FR");
  site.set_time_zone("Europe/Paris");
  site.set_currency_code("EUR");
  listing.set_public_endpoint("127.0.0.1:7104");
  listing.set_federation_endpoint("127.0.0.1:7204");
  listing.set_entry_public_key(site_key.Raw());
  listing.set_token_public_key(site_key.Raw());
  listing.set_certificate_sha256(std::string(32, '\x5a'));
  return listing;
}

}  // namespace cantine::testing
