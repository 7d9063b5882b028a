// TLS on the public port, mutual TLS on the federation port: in-process nodes on loopback
// with certificates from tools/make-certs.

#include "services/tls/transport_security.h"

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/federation/federation_service.h"
#include "services/node/node.h"
#include "services/replication/entry_signing.h"
#include "services/rpc/proto_time.h"
#include "services/site/site_directory.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "tests/support/rpc_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using ::testing::HasSubstr;

constexpr char kAdminSecret[] = "transport-security-admin-secret-7";

// Runs tools/make-certs into `dir` for `sites`.
void MakeCerts(const testing::TempDir& dir, const std::vector<std::string>& sites) {
  std::vector<std::string> argv = {std::string(CANTINE_SOURCE_DIR) + "/tools/make-certs",
                                   dir.path()};
  argv.insert(argv.end(), sites.begin(), sites.end());
  testing::Subprocess make_certs(argv, dir.Sub("make-certs.log"));
  ASSERT_TRUE(make_certs.Start());
  ASSERT_EQ(make_certs.Wait(absl::Seconds(60)), 0) << "see " << dir.Sub("make-certs.log");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// A client of the federation port that presents `site`'s certificate from `client_certs`
// (none when `site` is empty) and trusts the CA of `server_certs`.
std::shared_ptr<grpc::Channel> FederationChannel(int port, const testing::TempDir& server_certs,
                                                 const testing::TempDir* client_certs,
                                                 const std::string& site) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ReadFile(server_certs.Sub("ca.pem"));
  if (client_certs != nullptr) {
    options.pem_cert_chain = ReadFile(client_certs->Sub(site + ".pem"));
    options.pem_private_key = ReadFile(client_certs->Sub(site + ".key"));
  }
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::SslCredentials(options));
}

using testing::Context;

// A call of the site's desk (the nodes here share one admin credential).
std::unique_ptr<grpc::ClientContext> DeskContext() { return Context(kAdminSecret); }

// Opens a Pull naming `site_id` on `channel`: OK once the first response arrives, else the
// status the stream ended with.
grpc::Status PullOnce(const std::shared_ptr<grpc::Channel>& channel, const std::string& site_id) {
  auto stub = v1::FederationService::NewStub(channel);
  std::unique_ptr<grpc::ClientContext> context = Context();
  v1::PullRequest request;
  request.set_site_id(site_id);
  std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader = stub->Pull(context.get(), request);
  v1::PullResponse response;
  if (reader->Read(&response)) {
    context->TryCancel();
    reader->Finish().IgnoreError();
    return grpc::Status::OK;
  }
  grpc::Status status = reader->Finish();
  EXPECT_FALSE(status.ok()) << "a Pull stream ended without a response, yet OK";
  return status;
}

class TransportSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeCerts(certs_, {"site-a", "site-b", "site-c"});
    MakeCerts(foreign_certs_, {"site-b"});
    testing::WritePrivateFile(dir_.Sub("admin"), absl::StrCat(kAdminSecret, "\n"));
  }

  node::NodeOptions Options(const std::string& site) const {
    node::NodeOptions options;
    options.site = {.site_id = site,
                    .display_name = absl::StrCat("Cantine ", site),
                    .street_address = "1 rue de la Paix",
                    .city = "Paris",
                    .country_code = "FR",
                    .time_zone = "Europe/Paris",
                    .currency_code = "EUR"};
    options.listen_address = "127.0.0.1:0";
    options.federation_listen_address = "127.0.0.1:0";
    options.data_dir = dir_.Sub(site);
    options.admin_credential_file = dir_.Sub("admin");
    options.drain_timeout = absl::Seconds(1);
    options.tls = {.ca_file = certs_.Sub("ca.pem"),
                   .cert_file = certs_.Sub(site + ".pem"),
                   .key_file = certs_.Sub(site + ".key")};
    return options;
  }

  std::unique_ptr<node::Node> StartNode(const std::string& site) {
    absl::StatusOr<std::unique_ptr<node::Node>> node = node::Node::Start(Options(site), &clock_);
    EXPECT_TRUE(node.ok()) << node.status();
    return node.ok() ? *std::move(node) : nullptr;
  }

  // A client of the public port trusting the network CA.
  std::shared_ptr<grpc::Channel> PublicChannel(int port) const {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(certs_.Sub("ca.pem"));
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::SslCredentials(options));
  }

  testing::TempDir dir_;
  testing::TempDir certs_;
  testing::TempDir foreign_certs_;  // Another network's CA, which signed another site-b.
  storage::SystemClock clock_;
};

bool MemberVisible(const std::shared_ptr<grpc::Channel>& channel, const std::string& member_id) {
  v1::GetMemberRequest request;
  request.set_member_id(member_id);
  v1::Member member;
  return v1::MemberService::NewStub(channel)->GetMember(Context().get(), request, &member).ok();
}

TEST_F(TransportSecurityTest, TwoTlsNodesReplicate) {
  std::unique_ptr<node::Node> a = StartNode("site-a");
  std::unique_ptr<node::Node> b = StartNode("site-b");
  ASSERT_TRUE(a != nullptr && b != nullptr);
  a->AddPeer({"site-b", absl::StrCat("127.0.0.1:", b->federation_port())}, b->public_key());
  b->AddPeer({"site-a", absl::StrCat("127.0.0.1:", a->federation_port())}, a->public_key());

  v1::RegisterMemberRequest request;
  request.set_display_name("Ada");
  request.set_email("ada@example.org");
  v1::Member ada;
  grpc::Status registered = v1::MemberService::NewStub(PublicChannel(a->port()))
                                ->RegisterMember(DeskContext().get(), request, &ada);
  ASSERT_TRUE(registered.ok()) << registered.error_message();

  const std::shared_ptr<grpc::Channel> at_b = PublicChannel(b->port());
  EXPECT_TRUE(
      testing::WaitFor([&] { return MemberVisible(at_b, ada.member_id()); }, absl::Seconds(30)));
  for (const federation::PeerStatus& peer : b->PeerStatuses()) {
    EXPECT_EQ(peer.last_error, "") << peer.site_id;
  }
}

TEST_F(TransportSecurityTest, FederationPortRequiresACertificateOfTheNetworkCa) {
  std::unique_ptr<node::Node> a = StartNode("site-a");
  ASSERT_TRUE(a != nullptr);
  a->TrustSite("site-b", auth::Ed25519PrivateKey::Generate().PublicKey());
  const int port = a->federation_port();

  // A peer of the network, with its own certificate: served.
  EXPECT_TRUE(PullOnce(FederationChannel(port, certs_, &certs_, "site-b"), "site-b").ok());

  // No client certificate: the handshake fails.
  grpc::Status anonymous = PullOnce(FederationChannel(port, certs_, nullptr, ""), "site-b");
  EXPECT_FALSE(anonymous.ok());
  EXPECT_NE(anonymous.error_code(), grpc::PERMISSION_DENIED) << "refused by TLS, not by the RPC";

  // A certificate naming site-b, from another CA: the handshake fails.
  grpc::Status foreign =
      PullOnce(FederationChannel(port, certs_, &foreign_certs_, "site-b"), "site-b");
  EXPECT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error_code(), grpc::PERMISSION_DENIED) << "refused by TLS, not by the RPC";
}

TEST_F(TransportSecurityTest, PullNamingAnotherSiteThanTheCertificateIsRefused) {
  std::unique_ptr<node::Node> a = StartNode("site-a");
  ASSERT_TRUE(a != nullptr);
  a->TrustSite("site-b", auth::Ed25519PrivateKey::Generate().PublicKey());
  const int port = a->federation_port();

  // site-c's certificate claiming to be site-b, a known peer.
  grpc::Status impostor = PullOnce(FederationChannel(port, certs_, &certs_, "site-c"), "site-b");
  EXPECT_EQ(impostor.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(impostor.error_message(), HasSubstr("'site-b'"));
  EXPECT_THAT(impostor.error_message(), HasSubstr("'site-c'"));

  // site-c as itself: a valid certificate, but not a known peer.
  grpc::Status unknown = PullOnce(FederationChannel(port, certs_, &certs_, "site-c"), "site-c");
  EXPECT_EQ(unknown.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(unknown.error_message(), HasSubstr("not a known peer"));
}

// A forwarded booking call names the forwarding site: it must be the site of the client
// certificate, and a known peer, whatever the member token.
TEST_F(TransportSecurityTest, ForwardedCallsAreServedToTheCertifiedKnownPeerOnly) {
  node::NodeOptions options = Options("site-a");
  options.initial_spaces = {testing::SeededDeskPool("desks", "Desks", 10, 1500)};
  absl::StatusOr<std::unique_ptr<node::Node>> a = node::Node::Start(options, &clock_);
  ASSERT_TRUE(a.ok()) << a.status();
  (*a)->TrustSite("site-b", auth::Ed25519PrivateKey::Generate().PublicKey());
  const int port = (*a)->federation_port();

  // ada, a member of site-a, with a token from its desk: a token site-a accepts.
  auto members = v1::MemberService::NewStub(PublicChannel((*a)->port()));
  v1::RegisterMemberRequest registration;
  registration.set_display_name("Ada");
  registration.set_email("ada@example.org");
  v1::Member ada;
  ASSERT_TRUE(members->RegisterMember(DeskContext().get(), registration, &ada).ok());
  v1::IssueTokenRequest issue;
  issue.set_member_id(ada.member_id());
  v1::IssueTokenResponse token;
  ASSERT_TRUE(members->IssueToken(DeskContext().get(), issue, &token).ok());

  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
  v1::ForwardedCreateBooking create;
  create.set_member_token(token.token());
  v1::CreateBookingRequest* request = create.mutable_request();
  request->set_site_id("site-a");
  request->set_space_id("desks");
  request->set_member_id(ada.member_id());
  *request->mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *request->mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  request->set_seats(1);
  request->set_idempotency_key("forwarded");
  v1::ForwardedGetAvailability availability;
  availability.mutable_request()->set_site_id("site-a");
  availability.mutable_request()->set_space_id("desks");
  *availability.mutable_request()->mutable_first_day() = rpc::CivilDayToProto(day);
  *availability.mutable_request()->mutable_last_day() = rpc::CivilDayToProto(day);
  auto free_seats = [&] {
    auto stub = v1::FederationService::NewStub(FederationChannel(port, certs_, &certs_, "site-b"));
    availability.set_site_id("site-b");
    v1::GetAvailabilityResponse response;
    grpc::Status status = stub->ForwardGetAvailability(Context().get(), availability, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.slots_size() > 0 ? response.slots(0).seats_free() : -1;
  };

  // site-c's certificate naming site-b (a known peer), then naming itself (not one).
  for (const std::string claimed : {"site-b", "site-c"}) {
    SCOPED_TRACE(claimed);
    auto stub = v1::FederationService::NewStub(FederationChannel(port, certs_, &certs_, "site-c"));
    const std::string why = claimed == "site-b" ? "the client certificate is site 'site-c'"
                                                : "site 'site-c' is not a known peer";
    create.set_site_id(claimed);
    v1::Booking booking;
    grpc::Status status = stub->ForwardCreateBooking(Context().get(), create, &booking);
    EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(), HasSubstr(why));
    v1::ForwardedCancelBooking cancel;
    cancel.set_site_id(claimed);
    cancel.set_member_token(token.token());
    cancel.mutable_request()->set_booking_id("site-a-0123456789abcdef");
    status = stub->ForwardCancelBooking(Context().get(), cancel, &booking);
    EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(), HasSubstr(why));
    availability.set_site_id(claimed);
    v1::GetAvailabilityResponse response;
    status = stub->ForwardGetAvailability(Context().get(), availability, &response);
    EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
    EXPECT_THAT(status.error_message(), HasSubstr(why));
  }
  EXPECT_EQ(free_seats(), 10);

  // site-b as itself: served.
  auto as_b = v1::FederationService::NewStub(FederationChannel(port, certs_, &certs_, "site-b"));
  create.set_site_id("site-b");
  v1::Booking booking;
  grpc::Status status = as_b->ForwardCreateBooking(Context().get(), create, &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(free_seats(), 9);
}

TEST_F(TransportSecurityTest, APeerIsDialledByItsSiteNameNotItsAddress) {
  std::unique_ptr<node::Node> a = StartNode("site-a");
  ASSERT_NE(a, nullptr);
  const std::string address = absl::StrCat("127.0.0.1:", a->federation_port());
  absl::StatusOr<tls::TransportSecurity> c = tls::TransportSecurity::LoadPemFiles(
      certs_.Sub("ca.pem"), certs_.Sub("site-c.pem"), certs_.Sub("site-c.key"));
  ASSERT_TRUE(c.ok()) << c.status();
  // Dialled as site-a, the handshake passes (site-c is then refused as an unknown peer).
  EXPECT_EQ(PullOnce(tls::DialSite(address, "site-a", c->PeerChannelCredentials()), "site-c")
                .error_code(),
            grpc::PERMISSION_DENIED);
  // Dialled as site-b, site-a's certificate does not name the site wanted: no connection, so
  // a member token forwarded to "site-b" never reaches another site.
  EXPECT_EQ(PullOnce(tls::DialSite(address, "site-b", c->PeerChannelCredentials()), "site-c")
                .error_code(),
            grpc::UNAVAILABLE);
}

TEST_F(TransportSecurityTest, PublicPortServesTlsOnly) {
  std::unique_ptr<node::Node> a = StartNode("site-a");
  ASSERT_TRUE(a != nullptr);
  auto check = [](const std::shared_ptr<grpc::Channel>& channel) {
    auto context = std::make_unique<grpc::ClientContext>();
    testing::SetDeadline(*context, absl::Seconds(5));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status =
        grpc::health::v1::Health::NewStub(channel)->Check(context.get(), {}, &response);
    return status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  };
  EXPECT_TRUE(check(PublicChannel(a->port())));
  EXPECT_FALSE(check(grpc::CreateChannel(absl::StrCat("127.0.0.1:", a->port()),
                                         grpc::InsecureChannelCredentials())));
  // A client that does not trust the network CA (another network's) refuses the node.
  grpc::SslCredentialsOptions foreign;
  foreign.pem_root_certs = ReadFile(foreign_certs_.Sub("ca.pem"));
  EXPECT_FALSE(check(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", a->port()), grpc::SslCredentials(foreign))));
}

TEST_F(TransportSecurityTest, NodeRefusesACertificateOfAnotherSiteOrAnotherCa) {
  node::NodeOptions wrong_site = Options("site-a");
  wrong_site.tls.cert_file = certs_.Sub("site-b.pem");
  wrong_site.tls.key_file = certs_.Sub("site-b.key");
  absl::StatusOr<std::unique_ptr<node::Node>> node = node::Node::Start(wrong_site, &clock_);
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("'site-b'"));

  node::NodeOptions foreign = Options("site-b");
  foreign.tls.cert_file = foreign_certs_.Sub("site-b.pem");
  foreign.tls.key_file = foreign_certs_.Sub("site-b.key");
  node = node::Node::Start(foreign, &clock_);
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("does not verify"));

  node::NodeOptions mismatched = Options("site-a");
  mismatched.tls.key_file = certs_.Sub("site-b.key");
  node = node::Node::Start(mismatched, &clock_);
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(node.status().message()), HasSubstr("is not the key"));
}

// A federation service over its own store, whose directory lists site-b as suspended
// (as a replicated directory entry from site-b would); site-c is known, not yet listed.
TEST_F(TransportSecurityTest, SuspendedSiteIsRefused) {
  auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  replication::KeySigner signer(key);
  storage::HybridClock hlc(&clock_, absl::Minutes(2));
  std::unique_ptr<storage::RocksStore> store =
      storage::RocksStore::Open({.path = dir_.Sub("hub")}).value();
  std::unique_ptr<storage::Oplog> oplog =
      storage::Oplog::Open(store.get(), &clock_, &hlc, &signer, "site-a").value();
  site::SiteDirectory directory(store.get(), oplog.get());
  replication::SiteKeyRing known;
  for (const char* site : {"site-b", "site-c"}) {
    known.Add(site, auth::Ed25519PrivateKey::Generate().PublicKey());
  }

  v1::DirectoryEntry suspended;
  suspended.mutable_site()->set_site_id("site-b");
  suspended.set_status(v1::SITE_STATUS_SUSPENDED);
  v1::OplogEntry entry;
  entry.mutable_origin()->set_site_id("site-b");
  entry.mutable_hlc()->set_wall_micros(absl::ToUnixMicros(absl::Now()));
  entry.set_kind(v1::ENTRY_KIND_DIRECTORY);
  entry.set_payload(suspended.SerializeAsString());
  std::unique_ptr<storage::Transaction> txn = store->BeginTransaction();
  ASSERT_TRUE(directory.ApplyRemote(*txn, entry).ok());
  ASSERT_TRUE(txn->Commit().ok());

  federation::FederationServiceImpl service(
      oplog.get(), &known,
      [&directory](absl::string_view site_id) { return directory.StatusOf(site_id); },
      /*bookings=*/nullptr, /*rsvps=*/nullptr, /*peer_heads=*/nullptr);
  absl::StatusOr<tls::TransportSecurity> security = tls::TransportSecurity::LoadPemFiles(
      certs_.Sub("ca.pem"), certs_.Sub("site-a.pem"), certs_.Sub("site-a.key"));
  ASSERT_TRUE(security.ok()) << security.status();
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", security->FederationServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_TRUE(server != nullptr && port != 0);

  grpc::Status refused = PullOnce(FederationChannel(port, certs_, &certs_, "site-b"), "site-b");
  EXPECT_EQ(refused.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(refused.error_message(), HasSubstr("site 'site-b' is suspended"));
  EXPECT_TRUE(PullOnce(FederationChannel(port, certs_, &certs_, "site-c"), "site-c").ok());

  // The forwarded booking calls too; site-c gets past the check, to a service that serves no
  // bookings.
  for (const auto& [site, code] : std::vector<std::pair<std::string, grpc::StatusCode>>{
           {"site-b", grpc::PERMISSION_DENIED}, {"site-c", grpc::UNIMPLEMENTED}}) {
    SCOPED_TRACE(site);
    auto stub = v1::FederationService::NewStub(FederationChannel(port, certs_, &certs_, site));
    v1::ForwardedCreateBooking create;
    create.set_site_id(site);
    v1::Booking booking;
    EXPECT_EQ(stub->ForwardCreateBooking(Context().get(), create, &booking).error_code(), code);
    v1::ForwardedCancelBooking cancel;
    cancel.set_site_id(site);
    EXPECT_EQ(stub->ForwardCancelBooking(Context().get(), cancel, &booking).error_code(), code);
    v1::ForwardedGetAvailability availability;
    availability.set_site_id(site);
    v1::GetAvailabilityResponse response;
    EXPECT_EQ(stub->ForwardGetAvailability(Context().get(), availability, &response).error_code(),
              code);
  }

  service.Stop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
}

TEST(TransportSecurityFilesTest, ErrorsNameTheFile) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("garbage.pem")) << "not a certificate\n";
  absl::StatusOr<tls::TransportSecurity> missing = tls::TransportSecurity::LoadPemFiles(
      dir.Sub("ca.pem"), dir.Sub("site.pem"), dir.Sub("site.key"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(dir.Sub("ca.pem")));
  absl::StatusOr<tls::TransportSecurity> garbage = tls::TransportSecurity::LoadPemFiles(
      dir.Sub("garbage.pem"), dir.Sub("garbage.pem"), dir.Sub("garbage.pem"));
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(garbage.status().message()), HasSubstr("no PEM certificate"));
  EXPECT_TRUE(tls::TransportSecurity::Insecure().insecure());
}

}  // namespace
}  // namespace cantine
