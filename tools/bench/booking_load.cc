#include "tools/bench/booking_load.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"
#include "tools/bench/closed_loop.h"

namespace cantine::bench {

using testing::Context;

SlotTally::SlotTally(int spaces, int days, int slots_per_day)
    : spaces_(spaces),
      days_(days),
      slots_per_day_(slots_per_day),
      counts_(static_cast<size_t>(spaces) * days * slots_per_day) {}

void SlotTally::Merge(const SlotTally& other) {
  for (size_t i = 0; i < counts_.size(); ++i) {
    counts_[i].acknowledged_seats += other.counts_[i].acknowledged_seats;
    counts_[i].refusals += other.counts_[i].refusals;
  }
}

SlotVerdict JudgeSlot(const SlotEvidence& e) {
  SlotVerdict verdict;
  const int32_t held = e.seats_total - e.seats_free;
  verdict.oversold = e.bench.acknowledged_seats > e.capacity ||
                     e.listed_confirmed_seats > e.capacity ||
                     (e.reported && (e.seats_free < 0 || held > e.capacity));
  verdict.availability_mismatch =
      !e.reported || e.seats_total != e.capacity || held != e.bench.acknowledged_seats;
  verdict.listing_mismatch = e.listed_confirmed_seats != e.bench.acknowledged_seats;
  verdict.spurious_refusal = e.bench.refusals > 0 && e.reported && e.seats_free > 0;
  return verdict;
}

absl::StatusOr<BookingCheck> JudgeBooking(const AcknowledgedBooking& acknowledged,
                                          const grpc::Status& status, const v1::Booking& booking,
                                          absl::string_view space_id, absl::CivilDay day) {
  const std::string what = absl::StrCat("GetBooking ", acknowledged.booking_id);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return BookingCheck{BookingVerdict::kLost, std::string(Failed(what, status).message())};
  }
  if (!status.ok()) return Failed(absl::StrCat(what, " (so it could not be verified)"), status);
  const bool same =
      booking.space_id() == space_id && booking.state() == v1::BOOKING_STATE_CONFIRMED &&
      (acknowledged.member_id.empty() || booking.member_id() == acknowledged.member_id) &&
      booking.slots_size() == 1 && booking.slots(0).index() == acknowledged.slot &&
      rpc::CivilDayFromProto("day", booking.slots(0).day()).value_or(absl::CivilDay()) == day;
  if (same) return BookingCheck();
  return BookingCheck{BookingVerdict::kAltered,
                      absl::StrCat(what, " answers another space, slot, member or state: ",
                                   booking.ShortDebugString())};
}

NodeStubs::NodeStubs(const std::string& target, const std::string& ca_pem) : target(target) {
  grpc::ChannelArguments args;
  // Without it, channels to one target share one subchannel, hence one connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_pem;
  channel = grpc::CreateCustomChannel(
      target, ca_pem.empty() ? grpc::InsecureChannelCredentials() : grpc::SslCredentials(tls),
      args);
  health = grpc::health::v1::Health::NewStub(channel);
  sites = v1::SiteService::NewStub(channel);
  members = v1::MemberService::NewStub(channel);
  bookings = v1::BookingService::NewStub(channel);
  admin = v1::AdminService::NewStub(channel);
}

ThreadStubs StubsPerThread(int threads, const std::string& target, const std::string& ca_pem) {
  ThreadStubs stubs;
  for (int i = 0; i < threads; ++i) stubs.push_back(std::make_unique<NodeStubs>(target, ca_pem));
  return stubs;
}

absl::Status Failed(absl::string_view what, const grpc::Status& status) {
  const absl::Status s = rpc::FromGrpcStatus(status);
  return absl::Status(
      s.code(), absl::StrCat(what, ": ", absl::StatusCodeToString(s.code()), ": ", s.message()));
}

void RunOnThreads(int threads, const std::function<void(int)>& work) {
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int i = 0; i < threads; ++i) pool.emplace_back(work, i);
  for (std::thread& thread : pool) thread.join();
}

absl::Status ParallelFor(int workers, int64_t count,
                         const std::function<absl::Status(int, int64_t)>& work) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  absl::Status first_error;
  RunOnThreads(workers, [&](int worker) {
    for (int64_t i = next++; i < count && !failed.load(); i = next++) {
      absl::Status s = work(worker, i);
      if (s.ok()) continue;
      absl::MutexLock lock(&mu);
      if (first_error.ok()) first_error = std::move(s);
      failed = true;
    }
  });
  return first_error;
}

uint64_t SeqOf(const std::vector<v1::VersionVectorEntry>& vector, absl::string_view site_id) {
  for (const v1::VersionVectorEntry& entry : vector) {
    if (entry.origin().site_id() == site_id) return entry.seq();
  }
  return 0;
}

uint64_t EntriesReceived(const node::Node& node) {
  uint64_t received = 0;
  for (const federation::PeerStatus& peer : node.PeerStatuses()) received += peer.entries_received;
  return received;
}

absl::Status Pull(const std::string& address, const std::string& site_id, absl::Duration timeout,
                  const std::function<absl::StatusOr<bool>(const v1::PullResponse&)>& done) {
  auto stub = v1::FederationService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const std::unique_ptr<grpc::ClientContext> context = Context("", timeout);
  v1::PullRequest request;
  request.set_site_id(site_id);
  std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader = stub->Pull(context.get(), request);
  v1::PullResponse response;
  absl::StatusOr<bool> finished = false;
  while (finished.ok() && !*finished && reader->Read(&response)) finished = done(response);
  context->TryCancel();
  reader->Finish().error_code();  // CANCELLED, as asked.
  if (!finished.ok()) return finished.status();
  if (!*finished)
    return absl::UnavailableError(absl::StrCat("the stream from ", address, " ended early"));
  return absl::OkStatus();
}

std::string NewRunId() {
  absl::BitGen random;
  return absl::StrFormat("%08x", absl::Uniform<uint32_t>(random));
}

namespace {

// The node's limits: days per GetAvailability, bookings per ListBookings page.
constexpr int kAvailabilityDaysPerCall = 62;
constexpr int kListPageSize = 1000;

// Whether a call that failed with `code` got no answer from the node (it may have done
// the work): DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED.
bool IsUnanswered(grpc::StatusCode code) {
  return code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::CANCELLED;
}

// The request creating desk pool `index` of run `run_id`: id "<prefix>-<run id>-<index>",
// `seats` seats, 10.00 a half-day slot.
v1::CreateSpaceRequest DeskPoolRequest(absl::string_view prefix, absl::string_view run_id,
                                       int64_t index, int32_t seats) {
  v1::CreateSpaceRequest request;
  v1::Space* space = request.mutable_space();
  space->set_space_id(absl::StrCat(prefix, "-", run_id, "-", index));
  space->set_display_name(absl::StrCat("Bench ", run_id, " desks ", index));
  space->set_kind(v1::SPACE_KIND_DESK_POOL);
  space->set_seats(seats);
  space->mutable_price_per_slot()->set_amount_minor(1000);
  return request;
}

constexpr size_t kMaxMessagesShown = 5;

// Keeps `message` among the first messages shown.
void Note(std::vector<std::string>& messages, std::string message) {
  if (messages.size() < kMaxMessagesShown) messages.push_back(std::move(message));
}

// GetAvailability over the window and ListBookings(space_day) of every open day of
// `space`, compared slot by slot with `tally` (JudgeSlot): the slots' counts of
// VerificationFigures and their first problems. An error only when a call fails.
absl::StatusOr<VerificationFigures> CheckSpace(NodeStubs& venue, const BenchSpace& space,
                                               const BookingWindow& window, const SlotTally& tally,
                                               const std::string& admin_credential,
                                               absl::Duration timeout) {
  const int days = static_cast<int>(window.open_days().size());
  const int slots = window.slots_per_day();
  VerificationFigures check;
  const auto note = [&](std::string problem) { Note(check.first_problems, std::move(problem)); };
  std::vector<SlotEvidence> evidence(static_cast<size_t>(days) * slots);
  const auto at = [&](int day, int slot) -> SlotEvidence& {
    return evidence[static_cast<size_t>(day) * slots + slot];
  };
  for (absl::CivilDay first = window.first_day(); first <= window.last_day();
       first += kAvailabilityDaysPerCall) {
    const absl::CivilDay last = std::min(window.last_day(), first + (kAvailabilityDaysPerCall - 1));
    v1::GetAvailabilityRequest request;
    request.set_space_id(space.space_id);
    *request.mutable_first_day() = rpc::CivilDayToProto(first);
    *request.mutable_last_day() = rpc::CivilDayToProto(last);
    v1::GetAvailabilityResponse response;
    grpc::Status status =
        venue.bookings->GetAvailability(Context("", timeout).get(), request, &response);
    if (!status.ok()) return Failed(absl::StrCat("GetAvailability ", space.space_id), status);
    for (const v1::SlotAvailability& reported : response.slots()) {
      ASSIGN_OR_RETURN(const absl::CivilDay day,
                       rpc::CivilDayFromProto("slot.day", reported.slot().day()));
      const int day_index = window.OpenDayIndex(day);
      const int slot = reported.slot().index();
      if (day_index < 0 || slot < 0 || slot >= slots) {
        if (reported.seats_total() != reported.seats_free()) {
          ++check.availability_mismatches;
          note(absl::StrCat(space.space_id, " ", absl::FormatCivilTime(day), " slot ", slot,
                            ": seats held on a slot the bench never booked"));
        }
        continue;
      }
      SlotEvidence& e = at(day_index, slot);
      e.reported = true;
      e.seats_total = reported.seats_total();
      e.seats_free = reported.seats_free();
    }
  }

  for (int day = 0; day < days; ++day) {
    const absl::CivilDay civil_day = window.open_days()[day];
    v1::ListBookingsRequest request;
    request.mutable_space_day()->set_space_id(space.space_id);
    *request.mutable_space_day()->mutable_day() = rpc::CivilDayToProto(civil_day);
    request.set_page_size(kListPageSize);
    do {
      v1::ListBookingsResponse response;
      grpc::Status status = venue.bookings->ListBookings(Context(admin_credential, timeout).get(),
                                                         request, &response);
      if (!status.ok()) return Failed(absl::StrCat("ListBookings ", space.space_id), status);
      for (const v1::Booking& booking : response.bookings()) {
        if (booking.state() != v1::BOOKING_STATE_CONFIRMED) continue;
        for (const v1::BookedSlot& booked : booking.slots()) {
          ASSIGN_OR_RETURN(const absl::CivilDay slot_day,
                           rpc::CivilDayFromProto("slot.day", booked.day()));
          if (slot_day != civil_day || booked.index() < 0 || booked.index() >= slots) continue;
          at(day, booked.index()).listed_confirmed_seats += booking.seats();
        }
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
  }

  for (int day = 0; day < days; ++day) {
    for (int slot = 0; slot < slots; ++slot) {
      SlotEvidence& e = at(day, slot);
      e.capacity = space.capacity;
      e.bench = tally.at(space.index, day, slot);
      ++check.slots_checked;
      if (e.reported) check.held_seats += e.seats_total - e.seats_free;
      check.listed_confirmed_seats += e.listed_confirmed_seats;
      const SlotVerdict verdict = JudgeSlot(e);
      if (!verdict.oversold && !verdict.availability_mismatch && !verdict.listing_mismatch &&
          !verdict.spurious_refusal) {
        continue;
      }
      if (verdict.oversold) ++check.oversold_slots;
      if (verdict.availability_mismatch) ++check.availability_mismatches;
      if (verdict.listing_mismatch) ++check.listing_mismatches;
      if (verdict.spurious_refusal) ++check.spurious_refusals;
      note(absl::StrFormat(
          "%s %s slot %d: capacity %d, bench acknowledged %d seats and saw %d refusals; "
          "GetAvailability %s total %d free %d; ListBookings confirmed %d seats",
          space.space_id, absl::FormatCivilTime(window.open_days()[day]), slot, e.capacity,
          e.bench.acknowledged_seats, e.bench.refusals, e.reported ? "reports" : "omits",
          e.seats_total, e.seats_free, e.listed_confirmed_seats));
    }
  }
  return check;
}

// GetBooking of `acknowledged` at the venue, judged by JudgeBooking.
absl::StatusOr<BookingCheck> CheckAcknowledgedBooking(
    NodeStubs& venue, const AcknowledgedBooking& acknowledged, const std::string& space_id,
    const BookingWindow& window, const std::string& admin_credential, absl::Duration timeout) {
  v1::GetBookingRequest request;
  request.set_booking_id(acknowledged.booking_id);
  v1::Booking booking;
  grpc::Status status =
      venue.bookings->GetBooking(Context(admin_credential, timeout).get(), request, &booking);
  return JudgeBooking(acknowledged, status, booking, space_id,
                      window.open_days()[acknowledged.day]);
}

using Steady = std::chrono::steady_clock;

// Times a call that got no answer is repeated, same key, to learn its outcome.
constexpr int kResolveAttempts = 3;
constexpr absl::Duration kProgressInterval = absl::Seconds(10);

void Append(std::vector<int64_t>& to, const std::vector<int64_t>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

void AddMessages(std::vector<std::string>& to, std::vector<std::string>& from) {
  for (std::string& message : from) Note(to, std::move(message));
}

void AddCpu(testing::CpuUse& sum, const testing::CpuUse& more) {
  sum.wall += more.wall;
  sum.self += more.self;
  sum.processes.resize(std::max(sum.processes.size(), more.processes.size()), absl::ZeroDuration());
  for (size_t i = 0; i < more.processes.size(); ++i) {
    if (sum.processes[i].has_value() && more.processes[i].has_value()) {
      *sum.processes[i] += *more.processes[i];
    } else {
      sum.processes[i].reset();
    }
  }
  const auto add = [](std::optional<absl::Duration>& a, const std::optional<absl::Duration>& b) {
    if (b.has_value()) a = a.value_or(absl::ZeroDuration()) + *b;
  };
  add(sum.machine_busy, more.machine_busy);
  add(sum.machine_idle, more.machine_idle);
}

// The shares of the machine's CPU of one progress interval, or "" when unknown.
std::string ProgressCpu(const testing::CpuUse& cpu, int64_t answered) {
  if (cpu.processes.empty() || !cpu.processes[0].has_value() || !cpu.machine_busy.has_value() ||
      answered <= 0) {
    return "";
  }
  const double node = absl::ToDoubleSeconds(*cpu.processes[0]);
  const double client = absl::ToDoubleSeconds(cpu.self);
  const double busy = absl::ToDoubleSeconds(*cpu.machine_busy);
  const double machine =
      busy + absl::ToDoubleSeconds(cpu.machine_idle.value_or(absl::ZeroDuration()));
  return absl::StrFormat(
      "; node cpu %.0f%% (%.2f ms per answered call), client %.0f%%, others %.0f%%",
      100 * node / machine, 1000 * node / static_cast<double>(answered), 100 * client / machine,
      100 * std::max(0.0, busy - node - client) / machine);
}

}  // namespace

// What one client thread saw in one phase. Owned by that thread until the phase ends.
struct BookingLoad::Worker {
  Worker(int spaces, int days, int slots) : tally(spaces, days, slots) {}

  PhaseResult result;
  std::vector<AcknowledgedBooking> bookings;
  SlotTally tally;
  Steady::time_point last_acknowledgement{};
};

LoadShape LoadSetUp::Shape(int threads) const {
  LoadShape shape{.run_id = run_id,
                  .time_zone = site.time_zone(),
                  .cores = static_cast<int>(std::thread::hardware_concurrency()),
                  .threads = threads,
                  .spaces = static_cast<int>(spaces.size()),
                  .seats_per_space = spaces.empty() ? 0 : spaces[0].capacity,
                  .first_day = window->first_day(),
                  .last_day = window->last_day(),
                  .open_days = days(),
                  .slots_per_day = slots(),
                  .capacity_seat_slots = 0,
                  .setup_wall = wall};
  for (const BenchSpace& space : spaces) {
    shape.capacity_seat_slots += static_cast<int64_t>(space.capacity) * days() * slots();
  }
  return shape;
}

absl::StatusOr<LoadSetUp> SetUpLoad(const ThreadStubs& venue, const ThreadStubs& home,
                                    const BenchOptions& options,
                                    const std::string& admin_credential) {
  const bool direct = options.mode == Mode::kDirect;
  const std::string prefix = direct ? "bench" : "fwd";
  const int members = direct ? options.threads : options.members;
  const absl::Time start = absl::Now();
  // Every connection made (TLS handshakes included) before anything is timed.
  for (const ThreadStubs* stubs : {&venue, &home}) {
    for (const std::unique_ptr<NodeStubs>& node : *stubs) {
      if (!node->channel->WaitForConnected(absl::ToChronoTime(start + options.rpc_timeout))) {
        return absl::UnavailableError(absl::StrCat("cannot connect to ", node->target, " within ",
                                                   absl::FormatDuration(options.rpc_timeout)));
      }
    }
  }
  const int threads = static_cast<int>(venue.size());
  const auto admin = [&] { return Context(admin_credential, options.rpc_timeout); };
  LoadSetUp setup;
  grpc::Status status = venue[0]->sites->GetSite(Context("", options.rpc_timeout).get(),
                                                 v1::GetSiteRequest(), &setup.site);
  if (!status.ok()) return Failed("GetSite", status);
  ASSIGN_OR_RETURN(setup.window, BookingWindow::ForSite(setup.site, options.days));
  setup.run_id = NewRunId();
  setup.spaces.resize(options.spaces);
  RETURN_IF_ERROR(ParallelFor(threads, options.spaces, [&](int worker, int64_t i) {
    const v1::CreateSpaceRequest request = DeskPoolRequest(prefix, setup.run_id, i, options.seats);
    v1::Space created;
    grpc::Status status = venue[worker]->sites->CreateSpace(admin().get(), request, &created);
    if (!status.ok())
      return Failed(absl::StrCat("CreateSpace ", request.space().space_id()), status);
    setup.spaces[i] = {created.space_id(), created.seats(), static_cast<int>(i)};
    return absl::OkStatus();
  }));
  setup.member_ids.resize(members);
  if (!direct) setup.tokens.resize(members);
  RETURN_IF_ERROR(ParallelFor(threads, members, [&](int worker, int64_t i) {
    v1::MemberService::Stub& members = *home[worker]->members;
    v1::RegisterMemberRequest request;
    request.set_display_name(
        absl::StrCat(direct ? "Bench " : "Forwarding bench ", setup.run_id, " member ", i));
    request.set_email(absl::StrCat(prefix, "-", setup.run_id, "-", i, "@bench.example"));
    v1::Member member;
    grpc::Status status = members.RegisterMember(admin().get(), request, &member);
    if (!status.ok()) return Failed("RegisterMember", status);
    setup.member_ids[i] = member.member_id();
    if (direct) return absl::OkStatus();
    v1::IssueTokenRequest issue;
    issue.set_member_id(member.member_id());
    v1::IssueTokenResponse issued;
    status = members.IssueToken(admin().get(), issue, &issued);
    if (!status.ok()) return Failed("IssueToken", status);
    setup.tokens[i] = issued.token();
    return absl::OkStatus();
  }));
  setup.wall = absl::Now() - start;
  return setup;
}

void Add(PhaseResult& sum, PhaseResult more) {
  BookingFigures& f = sum.figures;
  BookingFigures& m = more.figures;
  f.wall += m.wall;
  for (int64_t BookingFigures::*count :
       {&BookingFigures::attempts, &BookingFigures::acknowledged, &BookingFigures::refused,
        &BookingFigures::other_refused, &BookingFigures::errors, &BookingFigures::unanswered,
        &BookingFigures::resolved, &BookingFigures::unresolved}) {
    f.*count += m.*count;
  }
  for (const auto& [code, count] : m.codes) f.codes[code] += count;
  AddMessages(f.first_errors, m.first_errors);
  f.last_acknowledgement = m.last_acknowledgement;
  AddCpu(f.cpu, m.cpu);
  Append(sum.acknowledged_nanos, more.acknowledged_nanos);
  Append(sum.refused_nanos, more.refused_nanos);
  Append(sum.other_nanos, more.other_nanos);
}

BookingFigures Summarize(PhaseResult result) {
  BookingFigures figures = std::move(result.figures);
  std::vector<int64_t> answered = result.acknowledged_nanos;
  Append(answered, result.refused_nanos);
  figures.answered_latency = SummarizeLatencies(answered);
  Append(answered, result.other_nanos);
  figures.all_answered_latency = SummarizeLatencies(answered);
  figures.acknowledged_latency = SummarizeLatencies(result.acknowledged_nanos);
  figures.refused_latency = SummarizeLatencies(result.refused_nanos);
  return figures;
}

BookingLoad::BookingLoad(const LoadSetUp& setup, std::string admin_credential)
    : setup_(setup),
      admin_credential_(std::move(admin_credential)),
      tally_(static_cast<int>(setup.spaces.size()), setup.days(), setup.slots()) {}

// One client of a phase: books a random space, open day and slot, 1 seat, as member t,
// t + threads, ... in turn, one call at a time. A call without an answer is repeated with
// the same key, up to kResolveAttempts times, to learn its outcome.
class BookingLoad::Booker final : public ClosedLoopCaller {
 public:
  Booker(BookingLoad& load, const PhaseSpec& spec, int thread, Worker& worker,
         Steady::time_point end)
      : load_(load),
        spec_(spec),
        stub_(*(*spec.stubs)[thread]->bookings),
        thread_(thread),
        threads_(static_cast<int>(spec.stubs->size())),
        worker_(worker),
        end_(end) {
    if (!spec.site_id.empty()) request_.set_site_id(spec.site_id);  // The same request either way.
    request_.set_seats(1);
  }

  bool StartNext(grpc::CompletionQueue& queue, void* tag) override {
    if (!resolving_ && !PrepareNext()) return false;
    // With the member's token, or as the site's desk (admin credential) for the member.
    const LoadSetUp& setup = load_.setup_;
    const std::string& bearer =
        setup.tokens.empty() ? load_.admin_credential_ : setup.tokens[member_];
    call_.Start(Context(bearer, spec_.rpc_timeout), queue, tag,
                [&](grpc::ClientContext* context, grpc::CompletionQueue* cq) {
                  return stub_.PrepareAsyncCreateBooking(context, request_, cq);
                });
    return true;
  }

  void Finished() override {
    call_.Release();
    const grpc::Status& status = call_.status();
    BookingFigures& f = worker_.result.figures;
    if (resolving_) {
      if (IsUnanswered(status.error_code())) {
        if (++resolve_attempts_ < kResolveAttempts) return;  // Asked again.
        ++f.unresolved;
        resolving_ = false;
        return;
      }
      ++f.resolved;
      resolving_ = false;
      Record(/*answered=*/false, 0);
      return;
    }
    const int64_t nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - call_start_).count();
    if (!status.ok()) ++f.codes[absl::StatusCodeToString(rpc::FromGrpcStatus(status).code())];
    if (!status.ok() && status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      ++f.errors;
      Note(f.first_errors, std::string(Failed(absl::StrCat("CreateBooking ", request_.space_id(),
                                                           " ", request_.idempotency_key()),
                                              status)
                                           .message()));
    }
    if (IsUnanswered(status.error_code())) {
      // No answer: the venue may have booked. The same key returns the same booking.
      ++f.unanswered;
      resolving_ = true;
      resolve_attempts_ = 0;
      return;
    }
    Record(/*answered=*/true, nanos);
  }

 private:
  // The next booking's request; false once the phase is over.
  bool PrepareNext() {
    if (Steady::now() >= end_ ||
        (spec_.max_bookings != 0 && load_.phase_acknowledged_.load() >= spec_.max_bookings)) {
      return false;
    }
    const LoadSetUp& setup = load_.setup_;
    const int64_t members = static_cast<int64_t>(setup.member_ids.size());
    member_ = static_cast<int>((thread_ + sequence_ * threads_) % members);
    space_ = absl::Uniform(random_, 0, static_cast<int>(setup.spaces.size()));
    day_ = absl::Uniform(random_, 0, setup.days());
    slot_ = absl::Uniform(random_, 0, setup.slots());
    request_.set_member_id(setup.member_ids[member_]);
    request_.set_space_id(setup.spaces[space_].space_id);
    *request_.mutable_start() = setup.window->SlotStart(day_, slot_);
    *request_.mutable_end() = setup.window->SlotEnd(day_, slot_);
    request_.set_idempotency_key(absl::StrCat(spec_.key_prefix, thread_, "-", sequence_));
    ++sequence_;
    ++worker_.result.figures.attempts;
    call_start_ = Steady::now();
    return true;
  }

  // The outcome of the booking asked last; its latency when its first attempt answered.
  void Record(bool answered, int64_t nanos) {
    const grpc::Status& status = call_.status();
    const v1::Booking& booking = call_.response();
    BookingFigures& f = worker_.result.figures;
    SlotCount& count = worker_.tally.at(space_, day_, slot_);
    if (status.ok()) {
      ++load_.phase_acknowledged_;
      ++f.acknowledged;
      count.acknowledged_seats += booking.seats();
      worker_.last_acknowledgement = Steady::now();
      if (answered) worker_.result.acknowledged_nanos.push_back(nanos);
      worker_.bookings.push_back(
          {booking.booking_id(), space_, day_, slot_, load_.setup_.member_ids[member_]});
    } else if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      ++load_.phase_refused_;
      ++f.refused;
      ++count.refusals;
      if (answered) worker_.result.refused_nanos.push_back(nanos);
    } else {
      ++f.other_refused;
      if (answered) worker_.result.other_nanos.push_back(nanos);
    }
  }

  BookingLoad& load_;
  const PhaseSpec& spec_;
  v1::BookingService::Stub& stub_;
  const int thread_;
  const int threads_;
  Worker& worker_;
  const Steady::time_point end_;
  absl::BitGen random_;
  int64_t sequence_ = 0;
  int member_ = 0;
  int space_ = 0;
  int day_ = 0;
  int slot_ = 0;
  v1::CreateBookingRequest request_;
  Steady::time_point call_start_;
  bool resolving_ = false;  // The last call went unanswered: the next asks again.
  int resolve_attempts_ = 0;
  ClosedLoopCall<v1::Booking> call_;
};

PhaseResult BookingLoad::Run(const PhaseSpec& spec) {
  const int threads = static_cast<int>(spec.stubs->size());
  std::vector<Worker> workers;
  workers.reserve(threads);
  phase_acknowledged_ = 0;
  phase_refused_ = 0;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back(tally_.spaces(), tally_.days(), tally_.slots_per_day());
  }
  const testing::CpuSnapshot cpu_start = testing::TakeCpuSnapshot(spec.pids);
  const Steady::time_point start = Steady::now();
  absl::Notification done;
  std::thread reporter([&] {
    if (spec.progress == nullptr) return;
    // Every kProgressInterval until done, the phase's counts so far and the CPU shares of
    // the interval, to see a rate change and what it comes with.
    int64_t previous_acknowledged = 0;
    int64_t previous_answered = 0;
    testing::CpuSnapshot interval = testing::TakeCpuSnapshot(spec.pids);
    while (!done.WaitForNotificationWithTimeout(kProgressInterval)) {
      const testing::CpuSnapshot now = testing::TakeCpuSnapshot(spec.pids);
      const testing::CpuUse cpu = testing::CpuBetween(interval, now);
      interval = now;
      const int64_t acked = phase_acknowledged_.load();
      const int64_t answered = acked + phase_refused_.load();
      *spec.progress << absl::StrFormat(
                            "  %.0f s: %d acknowledged (%.0f/s), %d refused",
                            std::chrono::duration<double>(Steady::now() - start).count(), acked,
                            PerSecond(acked - previous_acknowledged, cpu.wall),
                            phase_refused_.load())
                     << ProgressCpu(cpu, answered - previous_answered) << std::endl;
      previous_acknowledged = acked;
      previous_answered = answered;
    }
  });
  const Steady::time_point end = start + absl::ToChronoNanoseconds(spec.duration);
  std::vector<std::unique_ptr<Booker>> bookers;
  std::vector<ClosedLoopCaller*> callers;
  for (int i = 0; i < threads; ++i) {
    bookers.push_back(std::make_unique<Booker>(*this, spec, i, workers[i], end));
    callers.push_back(bookers.back().get());
  }
  RunClosedLoop(callers, ClosedLoopThreads());
  const testing::CpuSnapshot cpu_end = testing::TakeCpuSnapshot(spec.pids);
  done.Notify();
  reporter.join();

  PhaseResult result;
  result.figures.cpu = testing::CpuBetween(cpu_start, cpu_end);
  Steady::time_point last_acknowledgement = start;
  for (Worker& w : workers) {
    last_acknowledgement = std::max(last_acknowledgement, w.last_acknowledgement);
    Add(result, std::move(w.result));
    tally_.Merge(w.tally);
    std::move(w.bookings.begin(), w.bookings.end(), std::back_inserter(bookings_));
    w = Worker(0, 0, 0);  // Frees its memory early.
  }
  result.figures.wall = result.figures.cpu.wall;
  result.figures.last_acknowledgement = absl::FromChrono(last_acknowledgement - start);
  return result;
}

absl::StatusOr<VerificationFigures> BookingLoad::Verify(const ThreadStubs& venue,
                                                        absl::Duration rpc_timeout,
                                                        std::ostream& progress) const {
  progress << "verifying " << bookings_.size() << " acknowledged bookings and "
           << static_cast<int64_t>(setup_.spaces.size()) * setup_.days() * setup_.slots()
           << " slots at " << setup_.site.site_id() << std::endl;
  const absl::Time start = absl::Now();
  const int threads = static_cast<int>(venue.size());
  VerificationFigures v;
  absl::Mutex mu;
  const auto note = [&](std::string problem) {
    absl::MutexLock lock(&mu);
    Note(v.first_problems, std::move(problem));
  };
  RETURN_IF_ERROR(ParallelFor(
      threads, static_cast<int64_t>(setup_.spaces.size()),
      [&](int worker, int64_t i) -> absl::Status {
        ASSIGN_OR_RETURN(VerificationFigures check,
                         CheckSpace(*venue[worker], setup_.spaces[i], *setup_.window, tally_,
                                    admin_credential_, rpc_timeout));
        for (std::string& problem : check.first_problems) note(std::move(problem));
        absl::MutexLock lock(&mu);
        for (int64_t VerificationFigures::*count :
             {&VerificationFigures::slots_checked, &VerificationFigures::oversold_slots,
              &VerificationFigures::availability_mismatches,
              &VerificationFigures::listing_mismatches, &VerificationFigures::spurious_refusals,
              &VerificationFigures::held_seats, &VerificationFigures::listed_confirmed_seats}) {
          v.*count += check.*count;
        }
        return absl::OkStatus();
      }));
  RETURN_IF_ERROR(
      ParallelFor(threads, static_cast<int64_t>(bookings_.size()), [&](int worker, int64_t i) {
        const AcknowledgedBooking& booking = bookings_[i];
        ASSIGN_OR_RETURN(
            BookingCheck check,
            CheckAcknowledgedBooking(*venue[worker], booking, setup_.spaces[booking.space].space_id,
                                     *setup_.window, admin_credential_, rpc_timeout));
        if (check.verdict == BookingVerdict::kSame) return absl::OkStatus();
        note(std::move(check.problem));
        absl::MutexLock lock(&mu);
        ++(check.verdict == BookingVerdict::kLost ? v.lost_bookings : v.altered_bookings);
        return absl::OkStatus();
      }));
  for (int space = 0; space < tally_.spaces(); ++space) {
    for (int day = 0; day < tally_.days(); ++day) {
      for (int slot = 0; slot < tally_.slots_per_day(); ++slot) {
        v.acknowledged_seats += tally_.at(space, day, slot).acknowledged_seats;
      }
    }
  }
  v.wall = absl::Now() - start;
  return v;
}

}  // namespace cantine::bench
