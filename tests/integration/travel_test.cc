// Travelling members: booking another venue through any node, receipts at the venue and
// the member's home, visit allowances and the settlement between sites, on in-process
// nodes over loopback.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/domain/visits.h"
#include "services/node/node_options.h"
#include "services/rpc/proto_time.h"
#include "services/site/directory_change.h"
#include "tests/support/fake_clock.h"
#include "tests/support/lyon_listing.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

using testing::Context;
using testing::DeskContext;
using testing::MiniCluster;

constexpr int kVenue = 0;  // site-a owns the desks every test books.

// Every node pulls from every other.
void ConnectMesh(MiniCluster& cluster) {
  for (int to = 0; to < cluster.size(); ++to) {
    for (int from = 0; from < cluster.size(); ++from) {
      if (to != from) cluster.Connect(to, from);
    }
  }
}

void CreateDesks(MiniCluster& cluster, int seats) {
  ASSERT_NO_FATAL_FAILURE(
      testing::CreateDesks(cluster, kVenue, seats, /*visitor_price_minor=*/2000));
}

// The network most tests book in: a mesh, and the venue's desk pool of `seats` seats.
void MeshWithDesks(MiniCluster& cluster, int seats = 10) {
  ConnectMesh(cluster);
  CreateDesks(cluster, seats);
}

struct Traveller {
  std::string member_id;
  std::string token;          // BOOKING scope: books at any node.
  std::string account_token;  // ACCOUNT scope: the profile, at the home site.
};

// Registers a member at `home` and gets its tokens from it.
Traveller Register(MiniCluster& cluster, int home, const std::string& name) {
  const v1::Member member = testing::RegisterAtDesk(cluster, home, name);
  return {member.member_id(), testing::DeskToken(cluster, home, member.member_id()),
          testing::DeskToken(cluster, home, member.member_id(), {v1::TOKEN_SCOPE_ACCOUNT})};
}

// The `n`th open weekday at the venue from a week ahead (inside the booking horizon).
absl::CivilDay VenueWeekday(int n) { return testing::ParisWeekdayFromNextWeek(n); }

v1::CreateBookingRequest MorningAtVenue(MiniCluster& cluster, absl::CivilDay day,
                                        const std::string& key) {
  v1::CreateBookingRequest request;
  request.set_site_id(cluster.site_id(kVenue));
  request.set_space_id("desks");
  *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
  *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
  request.set_seats(1);
  request.set_idempotency_key(key);
  return request;
}

grpc::Status Book(MiniCluster& cluster, int through, const Traveller& traveller,
                  const v1::CreateBookingRequest& request, v1::Booking* booking) {
  auto bookings = v1::BookingService::NewStub(cluster.channel(through));
  return bookings->CreateBooking(Context(traveller.token).get(), request, booking);
}

int FreeSeats(MiniCluster& cluster, int through, absl::CivilDay day) {
  auto bookings = v1::BookingService::NewStub(cluster.channel(through));
  v1::GetAvailabilityRequest request;
  request.set_site_id(cluster.site_id(kVenue));
  request.set_space_id("desks");
  *request.mutable_first_day() = rpc::CivilDayToProto(day);
  *request.mutable_last_day() = rpc::CivilDayToProto(day);
  v1::GetAvailabilityResponse response;
  grpc::Status status = bookings->GetAvailability(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.slots_size() > 0 ? response.slots(0).seats_free() : -1;
}

std::vector<v1::Booking> Itinerary(MiniCluster& cluster, int node, const Traveller& traveller) {
  auto bookings = v1::BookingService::NewStub(cluster.channel(node));
  v1::ListBookingsRequest request;
  request.set_member_id(traveller.member_id);
  v1::ListBookingsResponse response;
  grpc::Status status = bookings->ListBookings(Context(traveller.token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.bookings().begin(), response.bookings().end()};
}

absl::StatusOr<v1::Settlement> Settlement(MiniCluster& cluster, int node, absl::CivilDay day) {
  auto bookings = v1::BookingService::NewStub(cluster.channel(node));
  v1::GetSettlementRequest request;
  request.set_month(domain::FormatMonth(absl::CivilMonth(day)));
  v1::Settlement settlement;
  grpc::Status status =
      bookings->GetSettlement(DeskContext(cluster, node).get(), request, &settlement);
  if (!status.ok()) return absl::Status(absl::StatusCode(status.error_code()), "");
  return settlement;
}

TEST(TravelTest, ARemoteBookingRetriedThroughASecondNodeYieldsOneBooking) {
  MiniCluster cluster(3);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  const absl::CivilDay day = VenueWeekday(0);
  const v1::CreateBookingRequest request = MorningAtVenue(cluster, day, "trip-1");
  v1::Booking first;
  grpc::Status status = Book(cluster, 2, ada, request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first.site_id(), cluster.site_id(kVenue));
  EXPECT_TRUE(absl::StartsWith(first.booking_id(), "site-a-"));
  EXPECT_EQ(first.home_site_id(), cluster.site_id(1));
  EXPECT_EQ(first.price().amount_minor(), 2000);  // The venue's visitor price.
  EXPECT_EQ(first.time_zone(), "Europe/Paris");

  // The answer of the first attempt was "lost": the member retries through another node.
  v1::Booking retry;
  status = Book(cluster, 1, ada, request, &retry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retry.booking_id(), first.booking_id());
  EXPECT_EQ(FreeSeats(cluster, 1, day), 9);
  EXPECT_EQ(FreeSeats(cluster, kVenue, day), 9);

  // The receipt reaches the member's home: the itinerary is the same wherever it is asked
  // (another node forwards it to the home).
  for (int node = 0; node < cluster.size(); ++node) {
    EXPECT_TRUE(testing::WaitFor([&] { return Itinerary(cluster, node, ada).size() == 1; }))
        << "node " << node;
    EXPECT_EQ(Itinerary(cluster, node, ada).at(0).booking_id(), first.booking_id());
  }

  // Cancelled through a third node, forwarded to the venue.
  auto bookings = v1::BookingService::NewStub(cluster.channel(2));
  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(first.booking_id());
  v1::Booking cancelled;
  status = bookings->CancelBooking(Context(ada.token).get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cancelled.state(), v1::BOOKING_STATE_CANCELLED);
  EXPECT_EQ(FreeSeats(cluster, kVenue, day), 10);
  EXPECT_TRUE(testing::WaitFor([&] {
    std::vector<v1::Booking> seen = Itinerary(cluster, 1, ada);
    return seen.size() == 1 && seen[0].state() == v1::BOOKING_STATE_CANCELLED;
  }));
}

TEST(TravelTest, AnotherMemberCannotCancelThroughAnyNodeAndTheDeskActsOnlyAtItsSite) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");
  const Traveller bob = Register(cluster, 1, "bob");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  v1::Booking booking;
  ASSERT_TRUE(Book(cluster, 1, ada, MorningAtVenue(cluster, VenueWeekday(0), "k"), &booking).ok());

  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(booking.booking_id());
  v1::Booking ignored;
  for (int node = 0; node < cluster.size(); ++node) {
    auto bookings = v1::BookingService::NewStub(cluster.channel(node));
    EXPECT_EQ(bookings->CancelBooking(Context(bob.token).get(), cancel, &ignored).error_code(),
              grpc::PERMISSION_DENIED)
        << "node " << node;
  }
  // site-b's desk credential does not reach into site-a's ledger.
  auto at_b = v1::BookingService::NewStub(cluster.channel(1));
  EXPECT_EQ(at_b->CancelBooking(DeskContext(cluster, 1).get(), cancel, &ignored).error_code(),
            grpc::PERMISSION_DENIED);
  // A desk follows its own members around the network, not another site's.
  v1::ListBookingsRequest itinerary;
  itinerary.set_member_id(ada.member_id);
  v1::ListBookingsResponse listed;
  EXPECT_TRUE(testing::WaitFor([&] {
    listed.Clear();
    return at_b->ListBookings(DeskContext(cluster, 1).get(), itinerary, &listed).ok() &&
           listed.bookings_size() == 1;
  }));
  auto at_a = v1::BookingService::NewStub(cluster.channel(kVenue));
  EXPECT_EQ(at_a->ListBookings(DeskContext(cluster, kVenue).get(), itinerary, &listed).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 9);
}

TEST(TravelTest, AnUnreachableVenueIsUnavailableNamingTheSiteAndNothingIsQueued) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  cluster.Stop(kVenue);

  v1::Booking booking;
  grpc::Status status =
      Book(cluster, 1, ada, MorningAtVenue(cluster, VenueWeekday(0), "k"), &booking);
  EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "site-a")) << status.error_message();

  cluster.Restart(kVenue);
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 10);  // Nothing was booked later.
}

// A venue's node that takes forwarded bookings and never answers them until the caller gives
// up: a peer hung mid-call. Holds no thread for them (gRPC's callback API).
class HangingVenue final : public v1::FederationService::CallbackService {
 public:
  HangingVenue() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~HangingVenue() override { server_->Shutdown(); }  // Cancels what still hangs.

  int port() const { return port_; }

  grpc::ServerUnaryReactor* ForwardCreateBooking(grpc::CallbackServerContext*,
                                                 const v1::ForwardedCreateBooking*,
                                                 v1::Booking*) override {
    return new Hung();
  }

 private:
  class Hung final : public grpc::ServerUnaryReactor {
    void OnCancel() override { Finish(grpc::Status::CANCELLED); }
    void OnDone() override { delete this; }
  };

  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST(TravelTest, AVenueThatNeverAnswersHoldsABoundedNumberOfForwardsAndTheHomeServesOn) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  constexpr int kHome = 1;
  ASSERT_NO_FATAL_FAILURE(testing::CreateDesks(cluster, kHome, /*seats=*/10));
  const Traveller ada = Register(cluster, kHome, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  // Lyon joins the network, and its node hangs.
  HangingVenue lyon;
  v1::SiteListing listing = testing::LyonListing(auth::Ed25519PrivateKey::Generate().PublicKey());
  listing.set_federation_endpoint(absl::StrCat("127.0.0.1:", lyon.port()));
  v1::AddSiteRequest add;
  *add.mutable_signed_change() = site::SignDirectoryChange(
      site::AddSiteChange(listing, absl::Now()), cluster.network_admin_key());
  v1::DirectoryChange added;
  ASSERT_TRUE(v1::AdminService::NewStub(cluster.channel(kHome))
                  ->AddSite(Context().get(), add, &added)
                  .ok());
  v1::CreateBookingRequest at_lyon = MorningAtVenue(cluster, VenueWeekday(1), "");
  at_lyon.set_site_id("lyon");

  // More forwards at once than the home holds waiting on other sites, 20 a connection.
  constexpr int kHeld = node::kBlockingBookingThreads + node::kBlockingBookingsQueued;
  constexpr int kForwards = kHeld + 32;
  constexpr int kPerConnection = 20;
  struct Forward {
    std::unique_ptr<grpc::ClientContext> context;
    v1::CreateBookingRequest request;
    v1::Booking booking;
  };
  std::vector<Forward> forwards(kForwards);
  std::vector<std::unique_ptr<v1::BookingService::Stub>> stubs;
  for (int i = 0; i < (kForwards + kPerConnection - 1) / kPerConnection; ++i) {
    stubs.push_back(
        v1::BookingService::NewStub(testing::LoopbackChannelOfItsOwn(cluster.node(kHome).port())));
  }
  absl::Mutex mu;
  std::vector<grpc::StatusCode> ended;  // Guarded by mu.
  int refused_at_once = 0;              // Guarded by mu: RESOURCE_EXHAUSTED within 2 s.
  const auto count_ended = [&](bool refused) {
    absl::MutexLock lock(&mu);
    return static_cast<int>(std::count_if(ended.begin(), ended.end(), [&](grpc::StatusCode code) {
      return (code == grpc::RESOURCE_EXHAUSTED) == refused;
    }));
  };
  const absl::Time sent = absl::Now();
  for (int i = 0; i < kForwards; ++i) {
    Forward& forward = forwards[i];
    forward.context = Context(ada.token, absl::Seconds(5));
    forward.request = at_lyon;
    forward.request.set_idempotency_key(absl::StrCat("forward-", i));
    stubs[i / kPerConnection]->async()->CreateBooking(
        forward.context.get(), &forward.request, &forward.booking, [&](grpc::Status status) {
          absl::MutexLock lock(&mu);
          ended.push_back(status.error_code());
          if (status.error_code() == grpc::RESOURCE_EXHAUSTED &&
              absl::Now() - sent < absl::Seconds(2)) {
            ++refused_at_once;
          }
        });
  }

  // Past the bound, refused at once; the rest held.
  ASSERT_TRUE(
      testing::WaitFor([&] { return count_ended(true) >= kForwards - kHeld; }, absl::Seconds(2)))
      << count_ended(true) << " refused";
  // Meanwhile the home books its own desks at once: its own members' bookings never wait
  // for a thread that waits on another site.
  v1::CreateBookingRequest at_home = MorningAtVenue(cluster, VenueWeekday(0), "at-home");
  at_home.set_site_id(cluster.site_id(kHome));
  v1::Booking booking;
  const grpc::Status booked = Book(cluster, kHome, ada, at_home, &booking);
  EXPECT_TRUE(booked.ok()) << booked.error_message();
  EXPECT_EQ(count_ended(false), 0) << "a held forward ended before its deadline";
  EXPECT_LT(absl::Now() - sent, absl::Seconds(4));

  // Every held forward ends at its deadline, none booked; every refusal came at once.
  ASSERT_TRUE(testing::WaitFor([&] { return count_ended(true) + count_ended(false) == kForwards; },
                               absl::Seconds(30)));
  const int refused = count_ended(true);
  EXPECT_EQ(refused, kForwards - kHeld);
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(refused_at_once, refused);
    for (const grpc::StatusCode code : ended) EXPECT_NE(code, grpc::OK);
  }

  // Forwards to a venue that answers go through again: nothing stayed stuck at the home.
  EXPECT_TRUE(
      Book(cluster, kHome, ada, MorningAtVenue(cluster, VenueWeekday(2), "after"), &booking).ok());
}

TEST(TravelTest, SixteenClientsThroughThreeNodesNeverOversellTheLastSeats) {
  MiniCluster cluster(3);
  ConnectMesh(cluster);
  constexpr int kSeats = 5;
  constexpr int kClients = 16;
  CreateDesks(cluster, kSeats);
  std::vector<Traveller> travellers;
  for (int i = 0; i < kClients; ++i) {
    travellers.push_back(Register(cluster, i % 3, absl::StrCat("member", i)));
  }
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  const absl::CivilDay day = VenueWeekday(1);
  std::atomic<int> booked{0};
  std::atomic<int> full{0};
  std::atomic<int> other{0};
  // Every client connects and builds its request first, then all call at once.
  std::latch start(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      std::shared_ptr<grpc::Channel> channel = cluster.channel(i % 3);
      EXPECT_TRUE(channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10))));
      auto bookings = v1::BookingService::NewStub(channel);
      const v1::CreateBookingRequest request =
          MorningAtVenue(cluster, day, absl::StrCat("race-", i));
      std::unique_ptr<grpc::ClientContext> context = Context(travellers[i].token);
      v1::Booking booking;
      start.arrive_and_wait();
      grpc::Status status = bookings->CreateBooking(context.get(), request, &booking);
      if (status.ok()) {
        ++booked;
      } else if (status.error_code() == grpc::FAILED_PRECONDITION) {
        ++full;
      } else {
        ++other;
        ADD_FAILURE() << status.error_code() << ": " << status.error_message();
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(booked.load(), kSeats);
  EXPECT_EQ(full.load(), kClients - kSeats);
  EXPECT_EQ(other.load(), 0);
  for (int node = 0; node < cluster.size(); ++node) EXPECT_EQ(FreeSeats(cluster, node, day), 0);
}

TEST(TravelTest, TheVenueAndEachHomeHoldTheSameSettlementLineAfterAStoppedHomeRejoins) {
  MiniCluster cluster(3);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");
  const Traveller cem = Register(cluster, 2, "cem");
  const Traveller local = Register(cluster, kVenue, "local");
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  // site-c is stopped; its member still books at the venue, verified offline with the
  // replicated key while its home is unreachable.
  cluster.Stop(2);
  const absl::CivilDay day = VenueWeekday(0);
  v1::Booking booking;
  ASSERT_TRUE(Book(cluster, 1, ada, MorningAtVenue(cluster, day, "a1"), &booking).ok());
  ASSERT_TRUE(Book(cluster, 1, ada, MorningAtVenue(cluster, VenueWeekday(1), "a2"), &booking).ok());
  grpc::Status status = Book(cluster, kVenue, cem, MorningAtVenue(cluster, day, "c1"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(Book(cluster, kVenue, local, MorningAtVenue(cluster, day, "l1"), &booking).ok());

  cluster.Restart(2);
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  absl::StatusOr<v1::Settlement> expected = Settlement(cluster, 0, day);
  ASSERT_TRUE(expected.ok()) << expected.status();
  // Members of site-b and site-c owe site-a; a local member's booking is no visit.
  ASSERT_EQ(expected->lines_size(), 2) << expected->DebugString();
  const v1::SettlementLine& from_b = expected->lines(0);
  EXPECT_EQ(from_b.host_site_id(), "site-a");
  EXPECT_EQ(from_b.home_site_id(), "site-b");
  const bool same_month = absl::CivilMonth(VenueWeekday(1)) == absl::CivilMonth(day);
  EXPECT_EQ(from_b.visits(), same_month ? 2 : 1);
  EXPECT_EQ(from_b.amount().amount_minor(), same_month ? 4000 : 2000);
  EXPECT_EQ(from_b.amount().currency_code(), "EUR");
  EXPECT_EQ(expected->lines(1).home_site_id(), "site-c");
  EXPECT_EQ(expected->lines(1).visits(), 1);
  // Each home holds its own line, the same as the venue's; site-c pulled its member's
  // receipt once it was back. Neither holds the other's.
  for (int home : {1, 2}) {
    v1::Settlement own;
    own.set_month(expected->month());
    *own.add_lines() = expected->lines(home - 1);
    absl::StatusOr<v1::Settlement> seen;
    EXPECT_TRUE(testing::WaitFor([&] {
      seen = Settlement(cluster, home, day);
      return seen.ok() && google::protobuf::util::MessageDifferencer::Equals(*seen, own);
    })) << "node "
        << home << ": " << (seen.ok() ? seen->DebugString() : seen.status().ToString());
  }

  // The venue's manager sees today's visitors: members of other sites only.
  auto bookings = v1::BookingService::NewStub(cluster.channel(kVenue));
  v1::ListBookingsRequest visitors;
  *visitors.mutable_visitors_on() = rpc::CivilDayToProto(day);
  v1::ListBookingsResponse listed;
  ASSERT_TRUE(bookings->ListBookings(DeskContext(cluster, kVenue).get(), visitors, &listed).ok());
  EXPECT_EQ(listed.bookings_size(), 2);
  for (const v1::Booking& visit : listed.bookings()) {
    EXPECT_NE(visit.home_site_id(), "site-a");
  }
  EXPECT_EQ(bookings->ListBookings(Context(ada.token).get(), visitors, &listed).error_code(),
            grpc::PERMISSION_DENIED);
}

// Node `home`'s site lets its members spend `days` venue days a month elsewhere.
void SetVisitAllowance(MiniCluster& cluster, int home, int days) {
  auto sites = v1::SiteService::NewStub(cluster.channel(home));
  v1::GetSiteRequest get;
  v1::Site site;
  ASSERT_TRUE(sites->GetSite(Context().get(), get, &site).ok());
  v1::UpdatePolicyRequest update;
  *update.mutable_policy() = site.policy();
  update.mutable_policy()->set_member_visit_days_per_month(days);
  v1::SitePolicy updated;
  grpc::Status status = sites->UpdatePolicy(DeskContext(cluster, home).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Two days in one month: the first two open weekdays of the month after next (inside the
// horizon), never more than six days into the month.
std::pair<absl::CivilDay, absl::CivilDay> TwoDaysOfAMonth() {
  const absl::CivilDay first =
      testing::NthWeekday(absl::CivilDay(absl::CivilMonth(VenueWeekday(0)) + 1), 0);
  return {first, testing::NthWeekday(first, 1)};
}

TEST(TravelTest, AVisitOverTheHomeSitesMonthlyAllowanceIsRefusedWithTheAllowanceNamed) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");
  ASSERT_NO_FATAL_FAILURE(SetVisitAllowance(cluster, 1, 1));
  ASSERT_TRUE(cluster.WaitForConvergence(2));

  const auto [first, second] = TwoDaysOfAMonth();
  ASSERT_EQ(absl::CivilMonth(second), absl::CivilMonth(first));
  v1::Booking booking;
  grpc::Status status = Book(cluster, 1, ada, MorningAtVenue(cluster, first, "day-1"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // The same day again (another booking) takes no new visit day.
  v1::CreateBookingRequest afternoon = MorningAtVenue(cluster, first, "day-1-pm");
  afternoon.mutable_start()->set_hours(14);
  afternoon.mutable_end()->set_hours(19);
  status = Book(cluster, 1, ada, afternoon, &booking);
  EXPECT_TRUE(status.ok()) << status.error_message();
  status = Book(cluster, 1, ada, MorningAtVenue(cluster, second, "day-2"), &booking);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "visit days")) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "site-b")) << status.error_message();
}

TEST(TravelTest, ABookingForwardedByTheHomeCarriesTheDaysTheMemberHoldsAtEveryOtherVenue) {
  MiniCluster cluster(3);
  MeshWithDesks(cluster);
  constexpr int kOtherVenue = 2;
  ASSERT_NO_FATAL_FAILURE(
      testing::CreateDesks(cluster, kOtherVenue, /*seats=*/10, /*visitor_price_minor=*/2000));
  const Traveller ada = Register(cluster, 1, "ada");
  ASSERT_NO_FATAL_FAILURE(SetVisitAllowance(cluster, 1, 1));
  ASSERT_TRUE(cluster.WaitForConvergence(3));

  // The month's one day, spent at site-c; the home keeps its receipt.
  const auto [first, second] = TwoDaysOfAMonth();
  v1::CreateBookingRequest at_other_venue = MorningAtVenue(cluster, first, "c-1");
  at_other_venue.set_site_id(cluster.site_id(kOtherVenue));
  v1::Booking booking;
  grpc::Status status = Book(cluster, 1, ada, at_other_venue, &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(testing::WaitFor([&] { return Itinerary(cluster, 1, ada).size() == 1; }));

  // Through its home, the count the home forwards with the booking refuses it at site-a.
  status = Book(cluster, 1, ada, MorningAtVenue(cluster, second, "a-2"), &booking);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "used 1 of the 1 visit days"))
      << status.error_message();
  EXPECT_EQ(FreeSeats(cluster, kVenue, second), 10);
}

TEST(TravelTest, ATokenSignedByAnotherSiteThanTheMembersHomeIsRefused) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, kVenue, "ada");  // Home: site-a.
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  // site-b's operator signs a token for site-a's member with site-b's own key.
  const auth::Ed25519PrivateKey b_key =
      auth::Ed25519PrivateKey::LoadPemFile(cluster.data_dir(1) + "/node.key").value();
  const absl::Time now = absl::Now();
  const std::string forged = auth::SignMemberToken({.member_id = ada.member_id,
                                                    .home_site_id = cluster.site_id(1),
                                                    .key_id = auth::KeyId(b_key.PublicKey()),
                                                    .issue_time = now,
                                                    .expire_time = now + absl::Hours(1),
                                                    .scopes = {.booking = true, .account = true},
                                                    .session_start_time = now},
                                                   b_key);
  v1::Booking booking;
  for (int node = 0; node < cluster.size(); ++node) {
    grpc::Status status = Book(cluster, node, {ada.member_id, forged, ""},
                               MorningAtVenue(cluster, VenueWeekday(0), "forged"), &booking);
    EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED) << "node " << node;
    EXPECT_TRUE(absl::StrContains(status.error_message(), "belongs to site-a"))
        << status.error_message();
  }
  auto members = v1::MemberService::NewStub(cluster.channel(kVenue));
  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id);
  v1::Member erased;
  EXPECT_EQ(members->EraseMember(Context(forged).get(), erase, &erased).error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 10);
}

TEST(TravelTest, ATokenVerifiesWhereItsMembersProfileHasNotArrivedYetUnlessErased) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  ASSERT_TRUE(cluster.WaitForConvergence(2));  // Each node lists the other's key.
  // A member of site-b whose profile has not reached the venue (nor, here, any node): a
  // token site-b signs with its key, for an id no node holds a profile of.
  const auth::Ed25519PrivateKey b_key =
      auth::Ed25519PrivateKey::LoadPemFile(cluster.data_dir(1) + "/node.key").value();
  const std::string newcomer_id = absl::StrCat(cluster.site_id(1), "-00000000000000c1");
  const absl::Time now = absl::Now();
  const Traveller newcomer{newcomer_id,
                           auth::SignMemberToken({.member_id = newcomer_id,
                                                  .home_site_id = cluster.site_id(1),
                                                  .key_id = auth::KeyId(b_key.PublicKey()),
                                                  .issue_time = now,
                                                  .expire_time = now + absl::Hours(1),
                                                  .scopes = {.booking = true},
                                                  .session_start_time = now},
                                                 b_key),
                           ""};
  for (int node = 0; node < cluster.size(); ++node) {
    EXPECT_TRUE(Itinerary(cluster, node, newcomer).empty()) << "node " << node;
  }
  // Booked through site-b, forwarded to the venue, which verifies the token again.
  v1::Booking booking;
  grpc::Status status =
      Book(cluster, 1, newcomer, MorningAtVenue(cluster, VenueWeekday(0), "early"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(booking.home_site_id(), cluster.site_id(1));
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 9);
  // Its receipt passes every node's checks (home from the id, the venue's currency).
  ASSERT_TRUE(testing::WaitFor([&] { return Itinerary(cluster, 1, newcomer).size() == 1; }));

  // A member this node knows to be erased is refused, whatever its token says.
  const Traveller ada = Register(cluster, 1, "ada");
  auto members = v1::MemberService::NewStub(cluster.channel(1));
  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id);
  v1::Member erased;
  ASSERT_TRUE(members->EraseMember(Context(ada.account_token).get(), erase, &erased).ok());
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  for (int node = 0; node < cluster.size(); ++node) {
    status = Book(cluster, node, ada, MorningAtVenue(cluster, VenueWeekday(1), "gone"), &booking);
    EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED) << "node " << node;
    EXPECT_TRUE(absl::StrContains(status.error_message(), "erased")) << status.error_message();
  }
}

TEST(TravelTest, AMemberEditsItsOwnProfileOnlyWithItsToken) {
  MiniCluster cluster(1);
  const Traveller ada = Register(cluster, 0, "ada");
  const Traveller bob = Register(cluster, 0, "bob");
  auto members = v1::MemberService::NewStub(cluster.channel(0));
  v1::UpdateMemberRequest update;
  update.set_member_id(ada.member_id);
  update.set_bio("Travels for work");
  v1::Member updated;
  grpc::Status status = members->UpdateMember(Context(ada.account_token).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.bio(), "Travels for work");
  EXPECT_EQ(members->UpdateMember(Context(bob.account_token).get(), update, &updated).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_EQ(members->UpdateMember(Context().get(), update, &updated).error_code(),
            grpc::UNAUTHENTICATED);
  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id);
  EXPECT_EQ(members->EraseMember(Context(bob.account_token).get(), erase, &updated).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_TRUE(members->EraseMember(Context(ada.account_token).get(), erase, &updated).ok());
}

// ---- Receipts go to the member's home site ----

// `as_site`'s PullReceipts at the venue's federation port (plaintext: the request names the
// caller).
grpc::Status PullReceipts(MiniCluster& cluster, const std::string& as_site,
                          v1::PullReceiptsRequest request, v1::PullReceiptsResponse* response) {
  auto federation = v1::FederationService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", cluster.node(kVenue).federation_port()),
                          grpc::InsecureChannelCredentials()));
  request.set_site_id(as_site);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return federation->PullReceipts(&context, request, response);
}

TEST(TravelTest, AVenuesReceiptFeedGivesEachHomeItsOwnMembersBookingsInOrder) {
  MiniCluster cluster(3);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");  // Home: site-b.
  const Traveller cem = Register(cluster, 2, "cem");  // Home: site-c.
  const Traveller local = Register(cluster, kVenue, "local");
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  v1::Booking adas;
  ASSERT_TRUE(Book(cluster, 1, ada, MorningAtVenue(cluster, VenueWeekday(0), "a"), &adas).ok());
  v1::Booking cems;
  ASSERT_TRUE(Book(cluster, 2, cem, MorningAtVenue(cluster, VenueWeekday(0), "c"), &cems).ok());
  v1::Booking locals;
  ASSERT_TRUE(
      Book(cluster, kVenue, local, MorningAtVenue(cluster, VenueWeekday(0), "l"), &locals).ok());

  // The receipts reach the feed within milliseconds of their bookings (the publisher).
  v1::PullReceiptsResponse for_b;
  ASSERT_TRUE(testing::WaitFor([&] {
    for_b.Clear();
    return PullReceipts(cluster, "site-b", {}, &for_b).ok() && for_b.receipts_size() == 1;
  }));
  EXPECT_EQ(for_b.receipts(0).receipt().booking_id(), adas.booking_id());
  EXPECT_FALSE(for_b.more());
  const uint64_t incarnation = for_b.feed_incarnation();
  EXPECT_GT(incarnation, 0u);
  // site-c reads its member's booking only; the local member's is in no feed.
  v1::PullReceiptsResponse for_c;
  ASSERT_TRUE(testing::WaitFor([&] {
    for_c.Clear();
    return PullReceipts(cluster, "site-c", {}, &for_c).ok() && for_c.receipts_size() == 1;
  }));
  EXPECT_EQ(for_c.receipts(0).receipt().booking_id(), cems.booking_id());

  // A cancellation is a new row after the first.
  auto bookings = v1::BookingService::NewStub(cluster.channel(1));
  v1::CancelBookingRequest cancel;
  cancel.set_booking_id(adas.booking_id());
  v1::Booking cancelled;
  ASSERT_TRUE(bookings->CancelBooking(Context(ada.token).get(), cancel, &cancelled).ok());
  v1::PullReceiptsRequest after;
  after.set_feed_incarnation(incarnation);
  after.set_after_seq(for_b.receipts(0).seq());
  v1::PullReceiptsResponse next;
  ASSERT_TRUE(testing::WaitFor([&] {
    next.Clear();
    return PullReceipts(cluster, "site-b", after, &next).ok() && next.receipts_size() == 1;
  }));
  EXPECT_GT(next.receipts(0).seq(), for_b.receipts(0).seq());
  EXPECT_EQ(next.receipts(0).receipt().state(), v1::BOOKING_STATE_CANCELLED);
  // A position in another incarnation's feed reads it from its start.
  after.set_feed_incarnation(incarnation + 1);
  ASSERT_TRUE(PullReceipts(cluster, "site-b", after, &next).ok());
  EXPECT_EQ(next.receipts_size(), 2);

  // Bad input and strangers are refused.
  after.set_page_size(-1);
  grpc::Status status = PullReceipts(cluster, "site-b", after, &next);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "page_size")) << status.error_message();
  EXPECT_EQ(PullReceipts(cluster, "site-z", {}, &next).error_code(), grpc::PERMISSION_DENIED);
}

// ---- Token scopes, the sign-in's lifetime and revocation across nodes ----

// The status of a call needing a booking token at `node`: `member`'s itinerary there.
grpc::StatusCode ItineraryStatus(MiniCluster& cluster, int node, const std::string& member_id,
                                 const std::string& token, std::string* message = nullptr) {
  auto bookings = v1::BookingService::NewStub(cluster.channel(node));
  v1::ListBookingsRequest request;
  request.set_member_id(member_id);
  v1::ListBookingsResponse response;
  grpc::Status status = bookings->ListBookings(Context(token).get(), request, &response);
  if (message != nullptr) *message = status.error_message();
  return status.error_code();
}

TEST(TravelTest, OnlyABookingTokenIsForwardedAndAnAccountTokenNeverLeavesItsNode) {
  MiniCluster cluster(2);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");  // Home: site-b; the venue is site-a.
  ASSERT_TRUE(cluster.WaitForConvergence(2));
  const std::string both = testing::DeskToken(cluster, 1, ada.member_id,
                                              {v1::TOKEN_SCOPE_BOOKING, v1::TOKEN_SCOPE_ACCOUNT});
  v1::Booking booking;
  for (const auto& [what, token, says] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"account scope only", ada.account_token, "needs a member token of booking scope"},
           {"booking and account scope", both, "never forwarded"}}) {
    SCOPED_TRACE(what);
    grpc::Status status = Book(cluster, 1, {ada.member_id, token, ""},
                               MorningAtVenue(cluster, VenueWeekday(0), what), &booking);
    EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), says)) << status.error_message();
  }
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 10);
  // The booking token travels.
  grpc::Status status =
      Book(cluster, 1, ada, MorningAtVenue(cluster, VenueWeekday(0), "ok"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(0)), 9);
  // And cannot change the member's account, at home or anywhere.
  for (int node = 0; node < cluster.size(); ++node) {
    auto members = v1::MemberService::NewStub(cluster.channel(node));
    v1::UpdateMemberRequest update;
    update.set_member_id(ada.member_id);
    update.set_email("mallory@example.org");
    v1::Member updated;
    EXPECT_EQ(members->UpdateMember(Context(ada.token).get(), update, &updated).error_code(),
              grpc::PERMISSION_DENIED)
        << "node " << node;
    v1::EraseMemberRequest erase;
    erase.set_member_id(ada.member_id);
    EXPECT_EQ(members->EraseMember(Context(ada.token).get(), erase, &updated).error_code(),
              grpc::PERMISSION_DENIED)
        << "node " << node;
  }
  auto home = v1::MemberService::NewStub(cluster.channel(1));
  v1::GetMemberRequest get;
  get.set_member_id(ada.member_id);
  v1::Member held;
  ASSERT_TRUE(home->GetMember(DeskContext(cluster, 1).get(), get, &held).ok());
  EXPECT_EQ(held.email(), "ada@example.org");
}

TEST(TravelTest, ARevocationAtHomeIsHonouredByEveryNodeWithinSeconds) {
  MiniCluster cluster(3);
  MeshWithDesks(cluster);
  const Traveller ada = Register(cluster, 1, "ada");  // Home: site-b.
  ASSERT_TRUE(cluster.WaitForConvergence(3));
  // The booking token is in use at every node (each remembers its signature).
  v1::Booking booking;
  grpc::Status status =
      Book(cluster, 2, ada, MorningAtVenue(cluster, VenueWeekday(0), "before"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (int node = 0; node < cluster.size(); ++node) {
    ASSERT_EQ(ItineraryStatus(cluster, node, ada.member_id, ada.token), grpc::OK) << node;
  }

  // Only the home site revokes: another site's desk cannot.
  v1::UpdateMemberRequest logout;
  logout.set_member_id(ada.member_id);
  logout.set_revoke_tokens(true);
  v1::Member member;
  auto away = v1::MemberService::NewStub(cluster.channel(0));
  EXPECT_EQ(away->UpdateMember(DeskContext(cluster, 0).get(), logout, &member).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(ItineraryStatus(cluster, 2, ada.member_id, ada.token), grpc::OK);

  // Ada logs out at home with her account token: every token of her sign-ins is revoked.
  auto home = v1::MemberService::NewStub(cluster.channel(1));
  status = home->UpdateMember(Context(ada.account_token).get(), logout, &member);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(home->UpdateMember(Context(ada.account_token).get(), logout, &member).error_code(),
            grpc::UNAUTHENTICATED);
  v1::IssueTokenRequest refresh;
  refresh.set_member_id(ada.member_id);
  v1::IssueTokenResponse refreshed;
  EXPECT_EQ(home->IssueToken(Context(ada.account_token).get(), refresh, &refreshed).error_code(),
            grpc::UNAUTHENTICATED);
  for (int node = 0; node < cluster.size(); ++node) {
    std::string message;
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          return ItineraryStatus(cluster, node, ada.member_id, ada.token, &message) ==
                 grpc::UNAUTHENTICATED;
        },
        absl::Seconds(5)))
        << "node " << node;
    EXPECT_TRUE(absl::StrContains(message, "revoked")) << message;
  }
  status = Book(cluster, 2, ada, MorningAtVenue(cluster, VenueWeekday(1), "after"), &booking);
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED) << status.error_message();

  // A new sign-in at the desk books again; the home desk revokes it in turn.
  const std::string again = testing::DeskToken(cluster, 1, ada.member_id);
  status = Book(cluster, 2, {ada.member_id, again, ""},
                MorningAtVenue(cluster, VenueWeekday(1), "again"), &booking);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(home->UpdateMember(DeskContext(cluster, 1).get(), logout, &member).ok());
  for (int node = 0; node < cluster.size(); ++node) {
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          return ItineraryStatus(cluster, node, ada.member_id, again) == grpc::UNAUTHENTICATED;
        },
        absl::Seconds(5)))
        << "node " << node;
  }
  EXPECT_EQ(FreeSeats(cluster, kVenue, VenueWeekday(1)), 9);  // Only the one booking.
}

TEST(TravelTest, RefreshesStopAtTheSignInsMaximumLifetime) {
  testing::FakeClock clock(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  MiniCluster cluster(2, &clock);
  ConnectMesh(cluster);
  const absl::Time signed_in = clock.Now();
  const Traveller ada = Register(cluster, 0, "ada");
  ASSERT_TRUE(cluster.WaitForConvergence(2));  // site-b lists site-a's key.
  auto home = v1::MemberService::NewStub(cluster.channel(0));
  // Ada refreshes her account token every 10 hours (the desk's lives 12), each time asking
  // for 24 more, and uses a fresh booking token at the other node.
  std::string account = ada.account_token;
  absl::Time latest_expiry;
  int refreshes = 0;
  for (;; ++refreshes) {
    ASSERT_LT(refreshes, 30) << "refreshes never stop";
    clock.Advance(absl::Hours(10));
    v1::IssueTokenRequest refresh;
    refresh.set_member_id(ada.member_id);
    refresh.add_scopes(v1::TOKEN_SCOPE_ACCOUNT);
    refresh.mutable_ttl()->set_seconds(24 * 3600);
    v1::IssueTokenResponse issued;
    grpc::Status status = home->IssueToken(Context(account).get(), refresh, &issued);
    if (!status.ok()) {
      EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED) << status.error_message();
      break;
    }
    account = issued.token();
    latest_expiry = rpc::TimeFromProto("expire_time", issued.expire_time()).value();
    EXPECT_LE(latest_expiry, signed_in + auth::kMaxSessionLifetime);
    refresh.set_scopes(0, v1::TOKEN_SCOPE_BOOKING);
    ASSERT_TRUE(home->IssueToken(Context(account).get(), refresh, &issued).ok());
    EXPECT_EQ(ItineraryStatus(cluster, 1, ada.member_id, issued.token()), grpc::OK)
        << "refresh " << refreshes;
  }
  EXPECT_EQ(refreshes, 16);  // At 10 h, 20 h, ... 160 h; at 170 h the last one has expired.
  EXPECT_EQ(latest_expiry, signed_in + auth::kMaxSessionLifetime);
  // The desk signs her in again.
  EXPECT_EQ(
      ItineraryStatus(cluster, 1, ada.member_id,
                      testing::DeskToken(cluster, 0, ada.member_id, {v1::TOKEN_SCOPE_BOOKING})),
      grpc::OK);
}

}  // namespace
}  // namespace cantine
