#include "tests/fault/workload.h"

#include <algorithm>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "services/rpc/proto_time.h"
#include "tests/support/rpc_client.h"

namespace cantine::testing {
namespace {

// A node restarted after a kill is called again within a second, not after gRPC's default
// reconnection backoff of up to two minutes.
std::shared_ptr<grpc::Channel> ClientChannel(int port) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), arguments);
}

// What an answer tells its caller. No answer at all, or a failure of the transport or of
// the node, leaves the change unknown: it may have been made before the answer was lost.
Outcome Classify(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return Outcome::kAcknowledged;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::DATA_LOSS:
      return Outcome::kUnknown;
    default:
      return Outcome::kRefused;
  }
}

// The half-day slots of the venues' desk pools and the room's two-hour blocks, as
// [start hour, end hour) (tests/fault/fault_network.cc).
constexpr std::pair<int, int> kDeskSlots[] = {{9, 13}, {14, 19}};
constexpr std::pair<int, int> kRoomBlocks[] = {{9, 11}, {11, 13}, {14, 16}, {16, 18}};

}  // namespace

std::vector<absl::CivilDay> Workload::RunDays(int days) {
  const absl::CivilDay first =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + kFirstRunDayAhead;
  std::vector<absl::CivilDay> run_days;
  for (int i = 0; i < days; ++i) run_days.push_back(first + i);
  return run_days;
}

// One member's loop; owned by its thread.
class Workload::Client {
 public:
  Client(Workload* workload, size_t member, uint64_t seed)
      : workload_(workload), member_(member), random_(seed) {
    Become(member);
  }

  void Run() {
    while (!workload_->stopping_) {
      const int draw = Uniform(100);
      if (draw < 50) {
        Book();
      } else if (draw < 65) {
        Cancel();
      } else if (draw < 81) {
        ReadItinerary();
      } else if (draw < 91) {
        Rename();
      } else if (draw < 99) {
        Announce();
      } else {
        Erase();
      }
      absl::SleepFor(absl::Milliseconds(Uniform(10)));  // Clients think; pacing, not waiting.
    }
  }

 private:
  int Uniform(int bound) { return std::uniform_int_distribution<int>(0, bound - 1)(random_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(static_cast<int>(items.size()))];
  }

  void Become(size_t member) {
    member_ = member;
    const RunMember run_member = workload_->history_->members()[member];
    member_id_ = run_member.member_id;
    home_ = run_member.home;
    token_ = run_member.token;
    bookings_.clear();
  }

  // Makes `call` with a context carrying `bearer` and the run's deadline, times it for the
  // soak's figures, and says what its answer tells.
  template <typename Call>
  Outcome Timed(const std::string& bearer, Call call) {
    const absl::Time start = absl::Now();
    const grpc::Status status = call(Context(bearer, workload_->options_.deadline).get());
    workload_->RecordLatency(absl::Now() - start);
    return Classify(status);
  }

  // Runs `call` through a node chosen anew for each try, while its outcome is unknown.
  template <typename Call>
  Outcome Retried(Call call) {
    Outcome outcome = Outcome::kUnknown;
    for (int attempt = 0; attempt < workload_->options_.tries && !workload_->stopping_; ++attempt) {
      if (attempt > 0) absl::SleepFor(absl::Milliseconds(100) * (1 << attempt));
      outcome = call(Pick(workload_->Sites()));
      if (outcome != Outcome::kUnknown) return outcome;
    }
    return outcome;
  }

  void Book() {
    const std::vector<std::string> sites = workload_->Sites();
    BookingAttempt attempt{.member_id = member_id_,
                           .venue = Uniform(2) == 0 ? home_ : Pick(sites),
                           .space_id = Uniform(10) < 7 ? "desks" : "room"};
    const absl::CivilDay day = Pick(RunDays(workload_->options_.days));
    const std::pair<int, int> hours = attempt.space_id == "desks"
                                          ? kDeskSlots[Uniform(std::size(kDeskSlots))]
                                          : kRoomBlocks[Uniform(std::size(kRoomBlocks))];
    attempt.start = absl::CivilMinute(day) + 60 * hours.first;
    attempt.end = absl::CivilMinute(day) + 60 * hours.second;
    attempt.seats = attempt.space_id == "desks" ? 1 + Uniform(2) : 1;
    // A member asks for a space and start once: two bookings of it can only be a duplicate.
    attempt.idempotency_key = absl::StrCat(attempt.venue, "/", attempt.space_id, "/",
                                           absl::FormatCivilTime(attempt.start));
    if (!tried_.insert(attempt.idempotency_key).second) return;

    v1::CreateBookingRequest request;
    request.set_space_id(attempt.space_id);
    *request.mutable_start() = rpc::CivilMinuteToProto(attempt.start);
    *request.mutable_end() = rpc::CivilMinuteToProto(attempt.end);
    request.set_seats(attempt.seats);
    request.set_idempotency_key(attempt.idempotency_key);
    v1::Booking booking;
    attempt.outcome = Retried([&](const std::string& through) {
      request.set_site_id(through == attempt.venue ? "" : attempt.venue);
      return Timed(token_, [&](grpc::ClientContext* context) {
        return workload_->NodeOf(through).bookings->CreateBooking(context, request, &booking);
      });
    });
    if (attempt.outcome == Outcome::kAcknowledged) attempt.booking_id = booking.booking_id();
    const size_t index = workload_->history_->AddBooking(attempt);
    if (attempt.outcome == Outcome::kAcknowledged) bookings_.push_back(index);
  }

  void Cancel() {
    if (bookings_.empty()) return Book();
    const size_t pick = Uniform(static_cast<int>(bookings_.size()));
    const size_t index = bookings_[pick];
    bookings_.erase(bookings_.begin() + pick);
    v1::CancelBookingRequest request;
    request.set_booking_id(workload_->history_->bookings()[index].booking_id);
    v1::Booking cancelled;
    const Outcome outcome = Retried([&](const std::string& through) {
      return Timed(token_, [&](grpc::ClientContext* context) {
        return workload_->NodeOf(through).bookings->CancelBooking(context, request, &cancelled);
      });
    });
    workload_->history_->SetCancellation(index, outcome);
  }

  void ReadItinerary() {
    v1::ListBookingsRequest request;
    request.set_member_id(member_id_);
    request.set_page_size(1000);
    v1::ListBookingsResponse response;
    const std::string through = Pick(workload_->Sites());
    const Outcome outcome = Timed(token_, [&](grpc::ClientContext* context) {
      return workload_->NodeOf(through).bookings->ListBookings(context, request, &response);
    });
    workload_->history_->CountRead(outcome);
    for (const v1::Booking& booking : response.bookings()) {
      if (booking.member_id() != member_id_) {
        workload_->history_->AddAnomaly(absl::StrCat("the itinerary of ", member_id_, " through ",
                                                     through, " shows ", booking.booking_id(),
                                                     " of ", booking.member_id()));
      }
    }
  }

  void Rename() {
    v1::UpdateMemberRequest request;
    request.set_member_id(member_id_);
    request.set_display_name(absl::StrCat("Member ", member_id_, " v", ++renames_));
    v1::Member updated;
    const Outcome outcome = Timed(workload_->admin_secret_, [&](grpc::ClientContext* context) {
      return workload_->NodeOf(home_).members->UpdateMember(context, request, &updated);
    });
    workload_->history_->AddName(member_, request.display_name(), outcome);
  }

  void Announce() {
    EventAttempt attempt{.host = Pick(workload_->Sites()),
                         .title = absl::StrCat("Talk ", ++announcements_, " by ", member_id_)};
    const absl::CivilDay day = Pick(RunDays(workload_->options_.days));
    v1::AnnounceEventRequest request;
    request.set_title(attempt.title);
    *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 17 * 60);
    *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 18 * 60);
    request.set_capacity(20);
    v1::Event event;
    // Once: an announcement has no idempotency key, so a retry could announce it twice.
    attempt.outcome = Timed(workload_->admin_secret_, [&](grpc::ClientContext* context) {
      return workload_->NodeOf(attempt.host).events->AnnounceEvent(context, request, &event);
    });
    if (attempt.outcome == Outcome::kAcknowledged) attempt.event_id = event.event_id();
    workload_->history_->AddEvent(std::move(attempt));
  }

  void Erase() {
    v1::EraseMemberRequest request;
    request.set_member_id(member_id_);
    v1::Member erased;
    const Outcome outcome = Timed(workload_->admin_secret_, [&](grpc::ClientContext* context) {
      return workload_->NodeOf(home_).members->EraseMember(context, request, &erased);
    });
    workload_->history_->SetErasure(member_, outcome);
    if (outcome == Outcome::kRefused) return;
    // The member may be gone: play a new one of the same home from now on.
    while (!workload_->stopping_) {
      absl::StatusOr<size_t> member = workload_->Register(home_);
      if (member.ok()) return Become(*member);
      absl::SleepFor(absl::Milliseconds(200));
    }
  }

  Workload* const workload_;
  size_t member_;
  std::mt19937_64 random_;
  std::string member_id_;
  std::string home_;
  std::string token_;
  std::vector<size_t> bookings_;  // Acknowledged, not asked to cancel.
  std::set<std::string> tried_;   // Idempotency keys used.
  int renames_ = 0;
  int announcements_ = 0;
};

Workload::Workload(WorkloadOptions options, std::string admin_secret, History* history)
    : options_(options), admin_secret_(std::move(admin_secret)), history_(history) {}

Workload::~Workload() { Stop(); }

void Workload::AddSite(const std::string& site, int port) {
  auto node = std::make_unique<Node>();
  node->channel = ClientChannel(port);
  node->bookings = v1::BookingService::NewStub(node->channel);
  node->members = v1::MemberService::NewStub(node->channel);
  node->events = v1::EventService::NewStub(node->channel);
  absl::MutexLock lock(&mu_);
  nodes_[site] = std::move(node);
  sites_.push_back(site);
}

absl::Status Workload::AddClients(const std::string& site, int count) {
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<size_t> member = Register(site);
    const absl::Time give_up = absl::Now() + absl::Minutes(1);
    while (!member.ok() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(200));
      member = Register(site);
    }
    if (!member.ok()) return member.status();
    const uint64_t seed = options_.seed * 1'000'003 + static_cast<uint64_t>(*member);
    absl::MutexLock lock(&mu_);
    threads_.emplace_back([this, member = *member, seed] { Client(this, member, seed).Run(); });
  }
  return absl::OkStatus();
}

void Workload::Stop() {
  stopping_ = true;
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
  // A node that stops waits out its drain timeout for the connections still open to it,
  // idle or not: the clients' go with them.
  absl::MutexLock lock(&mu_);
  nodes_.clear();
  sites_.clear();
}

absl::StatusOr<size_t> Workload::Register(const std::string& home) {
  Node& node = NodeOf(home);
  const int64_t number = ++registrations_;
  v1::RegisterMemberRequest registration;
  registration.set_display_name(absl::StrCat("Member ", home, " ", number));
  registration.set_email(absl::StrCat("member-", number, "@", home, ".example.org"));
  v1::Member member;
  grpc::Status status = node.members->RegisterMember(
      Context(admin_secret_, options_.deadline).get(), registration, &member);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("registering at ", home, ": ", status.error_message()));
  }
  v1::IssueTokenRequest issue;
  issue.set_member_id(member.member_id());
  v1::IssueTokenResponse token;
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (!(status = node.members->IssueToken(Context(admin_secret_, options_.deadline).get(), issue,
                                             &token))
              .ok() &&
         absl::Now() < give_up && !stopping_) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("a token at ", home, ": ", status.error_message()));
  }
  return history_->AddMember({.member_id = member.member_id(),
                              .home = home,
                              .token = token.token(),
                              .names = {{member.display_name(), Outcome::kAcknowledged}}});
}

void Workload::RecordLatency(absl::Duration latency) {
  absl::MutexLock lock(&latency_mu_);
  latencies_.push_back(latency);
}

Workload::Window Workload::TakeWindow() {
  std::vector<absl::Duration> latencies;
  {
    absl::MutexLock lock(&latency_mu_);
    latencies.swap(latencies_);
  }
  Window window{.calls = static_cast<int64_t>(latencies.size())};
  if (latencies.empty()) return window;
  std::sort(latencies.begin(), latencies.end());
  window.p50 = latencies[latencies.size() / 2];
  window.p99 = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  window.max = latencies.back();
  return window;
}

std::vector<std::string> Workload::Sites() const {
  absl::MutexLock lock(&mu_);
  return sites_;
}

Workload::Node& Workload::NodeOf(const std::string& site) {
  absl::MutexLock lock(&mu_);
  return *nodes_.at(site);
}

}  // namespace cantine::testing
