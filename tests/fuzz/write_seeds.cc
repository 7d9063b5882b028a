// Writes the seed corpus of every fuzz target: valid inputs made by the production code (a
// Lyon node's real entries, tokens and directory changes signed with the fixed keys, requests
// a service takes), and a few near misses, so that the fuzzers start from valid structures.
// Usage: fuzz_write_seeds <corpus folder> (tests/fuzz/corpus); writes <target>/seed-*.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/event.pb.h"
#include "cantine/v1/member.pb.h"
#include "services/auth/member_token.h"
#include "services/event/event_board.h"
#include "services/member/member_registry.h"
#include "services/replication/entry_signing.h"
#include "services/rpc/proto_time.h"
#include "services/site/directory_change.h"
#include "services/site/site_directory.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/overlay_store.h"
#include "storage/rocks_store.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/lyon_listing.h"
#include "tests/support/paris.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/temp_dir.h"

namespace cantine::fuzz {
namespace {

class SeedWriter {
 public:
  explicit SeedWriter(std::filesystem::path root) : root_(std::move(root)) {}

  // Writes the seed `name` of `target`: the mode byte, then `bytes`.
  void Write(const std::string& target, const std::string& name, uint8_t mode,
             const std::string& bytes) {
    const std::filesystem::path folder = root_ / target;
    std::filesystem::create_directories(folder);
    std::ofstream file(folder / absl::StrCat("seed-", name), std::ios::binary | std::ios::trunc);
    file.put(static_cast<char>(mode));
    file << bytes;
    ++written_;
  }
  int written() const { return written_; }

 private:
  const std::filesystem::path root_;
  int written_ = 0;
};

constexpr uint8_t kAsIs = 0;
constexpr uint8_t kSign = 1;

void WriteTokenSeeds(SeedWriter& out) {
  const auth::MemberTokenClaims claims{.member_id = "lyon-0000000000000001",
                                       .home_site_id = "lyon",
                                       .key_id = auth::KeyId(LyonKey().PublicKey()),
                                       .issue_time = kNow - absl::Hours(1),
                                       .expire_time = kNow + absl::Hours(11),
                                       .scopes = {.booking = true, .account = true},
                                       .session_start_time = kNow - absl::Hours(1)};
  const std::string token = auth::SignMemberToken(claims, LyonKey());
  out.Write("token", "valid", kAsIs, token);
  out.Write("token", "truncated", kAsIs, token.substr(0, token.size() / 2));
  out.Write("token", "two-dots", kAsIs, absl::StrCat(token, ".x"));
  out.Write("token", "empty", kAsIs, "");

  // The claims alone, for mode 1 to sign: valid, expired, of a suspended site, unscoped.
  v1::MemberTokenClaims proto;
  proto.set_member_id(claims.member_id);
  proto.set_home_site_id(claims.home_site_id);
  proto.set_key_id(claims.key_id);
  *proto.mutable_issue_time() = rpc::TimeToProto(claims.issue_time);
  *proto.mutable_expire_time() = rpc::TimeToProto(claims.expire_time);
  *proto.mutable_session_start_time() = rpc::TimeToProto(claims.session_start_time);
  proto.add_scopes(v1::TOKEN_SCOPE_BOOKING);
  proto.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
  out.Write("token", "claims", kSign, proto.SerializeAsString());
  v1::MemberTokenClaims expired = proto;
  *expired.mutable_expire_time() = rpc::TimeToProto(kNow - absl::Seconds(1));
  out.Write("token", "claims-expired", kSign, expired.SerializeAsString());
  v1::MemberTokenClaims suspended = proto;
  suspended.set_member_id("paris-0000000000000001");
  suspended.set_home_site_id("paris");
  out.Write("token", "claims-suspended-site", kSign, suspended.SerializeAsString());
  v1::MemberTokenClaims unscoped = proto;
  unscoped.clear_scopes();
  out.Write("token", "claims-unscoped", kSign, unscoped.SerializeAsString());
}

void WriteDirectorySeeds(SeedWriter& out) {
  const v1::DirectoryChange added =
      site::AddSiteChange(testing::LyonListing(LyonKey().PublicKey()), kNow - absl::Hours(2));
  const v1::DirectoryChange suspended =
      site::StatusChange(added, v1::DIRECTORY_ACTION_SUSPEND_SITE, kNow - absl::Hours(1)).value();
  const v1::DirectoryChange removed =
      site::StatusChange(suspended, v1::DIRECTORY_ACTION_REMOVE_SITE, kNow).value();
  const std::string other_key = AdminKey().PublicKey().Raw();
  const v1::DirectoryChange rotated =
      site::RotateKeysChange(added,
                             {.entry_public_key = other_key,
                              .token_public_key = other_key,
                              .certificate_sha256 = std::string(32, '\x33')},
                             kNow, auth::kMaxTokenTtl);
  for (const auto& [name, change] :
       std::vector<std::pair<std::string, v1::DirectoryChange>>{{"added", added},
                                                                {"suspended", suspended},
                                                                {"removed", removed},
                                                                {"rotated", rotated}}) {
    out.Write("directory_change", name, kAsIs,
              site::SignDirectoryChange(change, AdminKey()).SerializeAsString());
    out.Write("directory_change", absl::StrCat(name, "-to-sign"), kSign,
              change.SerializeAsString());
  }
  out.Write("directory_change", "signed-by-lyon", kAsIs,
            site::SignDirectoryChange(added, LyonKey()).SerializeAsString());
}

void WriteRequestSeeds(SeedWriter& out) {
  // Monday 2027-01-18, the morning and a room block: after kNow, a Friday.
  v1::CreateBookingRequest booking;
  booking.set_space_id("coworking");
  booking.set_member_id("paris-0000000000000001");
  *booking.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(2027, 1, 18, 9, 0));
  *booking.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(2027, 1, 18, 13, 0));
  booking.set_seats(2);
  booking.set_idempotency_key("k1");
  out.Write("requests", "booking-desks", 0, booking.SerializeAsString());
  booking.set_space_id("meeting-room");
  *booking.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(2027, 1, 18, 11, 0));
  booking.set_seats(1);
  booking.set_member_id("lyon-0000000000000002");  // A visitor.
  out.Write("requests", "booking-room", 4, booking.SerializeAsString());

  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada Lovelace");
  registration.set_email("ada@example.org");
  registration.set_bio("Analyst");
  registration.add_skills("maths");
  registration.set_city("London");
  registration.add_links("https://example.org/ada");
  registration.add_network_visible_fields(v1::PROFILE_FIELD_BIO);
  out.Write("requests", "register", 1, registration.SerializeAsString());

  v1::UpdateMemberRequest update;
  update.set_member_id("paris-0000000000000001");
  update.set_bio("Engines");
  update.mutable_skills()->add_values("poetry");
  update.mutable_links()->add_values("http://[::1]:8080/x");
  update.set_revoke_tokens(true);
  out.Write("requests", "update", 2, update.SerializeAsString());

  v1::AnnounceEventRequest event;
  event.set_title("Meetup");
  event.set_description("Talks");
  event.add_tags("rust");
  *event.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(2027, 2, 1, 18, 0));
  *event.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(2027, 2, 1, 20, 0));
  event.set_capacity(40);
  out.Write("requests", "announce", 3, event.SerializeAsString());
}

// A Lyon node's real entries: its directory entry, members registered, changed and erased,
// an event; sent as a peer sends them (Oplog::ReadBatch, RedactionsFor), with the signed
// listing of Lyon a Pull stream starts with.
void WriteOplogSeeds(SeedWriter& out) {
  testing::TempDir dir;
  testing::FakeClock clock(kNow - absl::Hours(1));
  std::unique_ptr<storage::RocksStore> base =
      storage::RocksStore::Open({.path = dir.Sub("lyon"), .sync_writes = false}).value();
  storage::OverlayStore store(base.get());
  storage::HybridClock hlc(&clock, absl::Minutes(5));
  const replication::KeySigner signer(LyonKey());
  std::unique_ptr<storage::Oplog> oplog =
      storage::Oplog::Open(&store, &clock, &hlc, &signer, "lyon").value();
  site::SiteDirectory directory(&store, oplog.get(), AdminKey().PublicKey());
  testing::SequentialIds ids;
  member::MemberRegistry members(&store, oplog.get(), &ids, "lyon");
  domain::SiteProfile lyon = testing::ParisProfile();
  lyon.site_id = "lyon";
  lyon.city = "Lyon";
  event::EventBoard events(&store, oplog.get(), &clock, &ids, lyon);

  v1::DirectoryEntry own;
  *own.mutable_site() = testing::LyonListing(LyonKey().PublicKey()).site();
  own.set_public_endpoint("127.0.0.1:7104");
  own.set_federation_endpoint("127.0.0.1:7204");
  own.set_public_key(LyonKey().PublicKey().Raw());
  own.set_status(v1::SITE_STATUS_ACTIVE);
  directory.PublishOwn(own, clock.Now(), auth::kMaxTokenTtl).IgnoreError();
  domain::Member ada;
  ada.display_name = "Ada";
  ada.email = "ada@example.org";
  ada.bio = "Analyst";
  ada.network_visible_fields = {domain::ProfileField::kBio};
  const domain::Member registered = members.Register(ada).value();
  members.Update(registered.member_id, {.bio = std::string("Engines")}).value();
  domain::Member bob;
  bob.display_name = "Bob";
  bob.email = "bob@example.org";
  const domain::Member erased = members.Register(bob).value();
  members.Erase(erased.member_id).value();
  events
      .Announce({.title = "Meetup",
                 .description = "Talks",
                 .tags = {"go"},
                 .local_start = absl::CivilMinute(2027, 2, 1, 18, 0),
                 .local_end = absl::CivilMinute(2027, 2, 1, 20, 0),
                 .capacity = 30})
      .value();

  const std::vector<v1::OplogEntry> entries = oplog->ReadBatch(oplog->self(), 0).value();
  v1::PullResponse response;
  for (const v1::OplogEntry& entry : entries) *response.add_entries() = entry;
  const std::vector<v1::RedactionNotice> notices = oplog->RedactionsFor(entries).value();
  for (const v1::RedactionNotice& notice : notices) {
    *response.add_redactions() = notice;
  }
  *response.add_directory() = site::SignDirectoryChange(
      site::AddSiteChange(testing::LyonListing(LyonKey().PublicKey()), kNow - absl::Hours(2)),
      AdminKey());
  out.Write("oplog_apply", "lyon", kAsIs, response.SerializeAsString());
  out.Write("oplog_apply", "lyon-to-sign", kSign, response.SerializeAsString());

  // Near misses: a gap, a forged signature, a redacted entry without its notice.
  v1::PullResponse gap = response;
  gap.mutable_entries()->erase(gap.mutable_entries()->begin());
  out.Write("oplog_apply", "gap", kAsIs, gap.SerializeAsString());
  v1::PullResponse forged = response;
  v1::OplogEntry& last = *forged.mutable_entries(forged.entries_size() - 1);
  last.set_payload(last.payload() + "x");
  out.Write("oplog_apply", "forged", kAsIs, forged.SerializeAsString());
  v1::PullResponse unjustified = response;
  unjustified.clear_redactions();
  out.Write("oplog_apply", "no-notice", kAsIs, unjustified.SerializeAsString());
  out.Write("oplog_apply", "no-notice-to-sign", kSign, unjustified.SerializeAsString());
}

}  // namespace
}  // namespace cantine::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
    return 2;
  }
  cantine::fuzz::SeedWriter out(argv[1]);
  cantine::fuzz::WriteTokenSeeds(out);
  cantine::fuzz::WriteDirectorySeeds(out);
  cantine::fuzz::WriteRequestSeeds(out);
  cantine::fuzz::WriteOplogSeeds(out);
  std::printf("wrote %d seeds under %s\n", out.written(), argv[1]);
  return 0;
}
