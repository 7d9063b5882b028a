// --mode=network: many sites in this process, each pulling only from the few peers it
// chooses in the signed directory: how long the network takes to converge after a load, and
// what each node receives and stores.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "services/node/node.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/proc_stats.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/modes.h"
#include "tools/bench/report.h"

namespace cantine::bench {
namespace {

using testing::MiniCluster;

constexpr absl::Duration kPollInterval = absl::Milliseconds(2);
constexpr int kClientThreads = 4;
constexpr int kDeskSeats = 1000;  // Never full: every booking is acknowledged.
constexpr char kSpace[] = "desks";
constexpr int kBookingDays = 10;  // Weekdays from next week the bookings are spread over.

// Each node's share of one process: a small RocksDB and few threads.
MiniCluster::Tuning NodeTuning(const BenchOptions& options) {
  return {.peer_fan_out = options.fan_out,
          .memtable_budget_bytes = 8 << 20,
          .block_cache_bytes = 2 << 20,
          .max_threads = 8,
          .max_federation_threads = 32,
          // A new network: nothing to bootstrap, and no node waits at start for peers that
          // have not started yet.
          .bootstrap_min_entries = 0,
          .start_threads = 8};
}

struct Member {
  int home = 0;
  std::string member_id;
  std::string token;  // BOOKING scope, from its home's desk: books at any venue.
};

// The network, a stub of each node's public services on one channel per node.
class Network : public MiniCluster {
 public:
  explicit Network(const BenchOptions& options)
      : MiniCluster(options.sites, nullptr, Keys::kDirectory, NodeTuning(options)) {}

  // After start (once every node runs).
  void OpenStubs() {
    for (int i = 0; i < size(); ++i) {
      std::shared_ptr<grpc::Channel> channel = this->channel(i);
      sites_.push_back(v1::SiteService::NewStub(channel));
      members_.push_back(v1::MemberService::NewStub(channel));
      bookings_.push_back(v1::BookingService::NewStub(channel));
    }
  }
  v1::SiteService::Stub& sites(int i) { return *sites_[i]; }
  v1::MemberService::Stub& members(int i) { return *members_[i]; }
  v1::BookingService::Stub& bookings(int i) { return *bookings_[i]; }

  // Whether every node runs; the first that does not is named.
  absl::Status CheckRunning() const {
    for (int i = 0; i < size(); ++i) {
      if (!running(i)) {
        return absl::UnavailableError(absl::StrCat(site_id(i), " did not start"));
      }
    }
    return absl::OkStatus();
  }

 private:
  std::vector<std::unique_ptr<v1::SiteService::Stub>> sites_;
  std::vector<std::unique_ptr<v1::MemberService::Stub>> members_;
  std::vector<std::unique_ptr<v1::BookingService::Stub>> bookings_;
};

// Min, median and max of `values` ("3 / 3 / 5"), formatted by `format`.
template <typename T, typename Format>
std::string Spread(std::vector<T> values, Format format) {
  if (values.empty()) return "none";
  const T min = *std::min_element(values.begin(), values.end());
  const T max = *std::max_element(values.begin(), values.end());
  const T median = NearestRank(values, 0.5);
  return absl::StrCat(format(min), " / ", format(median), " / ", format(max));
}

std::string Count(int64_t value) { return Thousands(value); }

// Bytes, in a fitting unit.
std::string Bytes(int64_t bytes) {
  if (bytes < 10 * 1024) return absl::StrCat(Thousands(bytes), " B");
  if (bytes < 10 * 1024 * 1024) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  return absl::StrFormat("%.1f MiB", bytes / (1024.0 * 1024.0));
}

std::string ProcessMemory() {
  const absl::StatusOr<int64_t> rss = testing::ProcStatusKb(getpid(), "VmRSS");
  std::error_code error;
  int threads = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++threads;
  }
  return absl::StrCat(rss.ok() ? MiB(*rss) : "RSS unknown", " resident, ", threads, " threads");
}

// Waits until every node pulls from the peers it chose and each link has answered.
absl::Status WaitConnected(Network& network, int fan_out, absl::Duration timeout) {
  const size_t wanted = static_cast<size_t>(std::min(fan_out, network.size() - 1));
  const bool connected = testing::WaitFor(
      [&] {
        for (int i = 0; i < network.size(); ++i) {
          const std::vector<federation::PeerStatus> peers = network.node(i).PeerStatuses();
          if (peers.size() < wanted) return false;
          for (const federation::PeerStatus& peer : peers) {
            if (!peer.connected) return false;
          }
        }
        return true;
      },
      timeout);
  if (connected) return absl::OkStatus();
  for (int i = 0; i < network.size(); ++i) {
    const std::vector<federation::PeerStatus> peers = network.node(i).PeerStatuses();
    int up = 0;
    for (const federation::PeerStatus& peer : peers) up += peer.connected ? 1 : 0;
    if (peers.size() < wanted || up < static_cast<int>(peers.size())) {
      return absl::DeadlineExceededError(
          absl::StrCat(network.site_id(i), " pulls from ", peers.size(), " peers, ", up,
                       " connected, after ", absl::FormatDuration(timeout),
                       peers.empty() ? "" : ": ", peers.empty() ? "" : peers[0].last_error));
    }
  }
  return absl::DeadlineExceededError("the nodes did not connect");
}

// Each node's own head: what every node must hold once the network converged.
std::vector<uint64_t> OwnHeads(Network& network) {
  std::vector<uint64_t> heads;
  for (int i = 0; i < network.size(); ++i) {
    heads.push_back(SeqOf(network.node(i).Vector(), network.site_id(i)));
  }
  return heads;
}

// Who pulls from whom, as the nodes report it (PeerStatuses): entries of an origin reach a
// node only along a chain of pulls.
struct PullGraph {
  std::vector<int> pulled_by;              // Per node: how many nodes pull from it.
  std::vector<std::vector<bool>> reaches;  // [origin][node]: a chain of pulls links them.
  int64_t unreachable = 0;                 // (origin, node) pairs no chain links.
  std::vector<std::string> unpulled;       // Sites no node pulls from.
};

PullGraph GraphOf(Network& network) {
  const int n = network.size();
  absl::flat_hash_map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[network.site_id(i)] = i;
  std::vector<std::vector<int>> pullers(n);  // [x]: the nodes that pull from x.
  PullGraph graph;
  graph.pulled_by.assign(n, 0);
  for (int i = 0; i < n; ++i) {
    for (const federation::PeerStatus& peer : network.node(i).PeerStatuses()) {
      const auto it = index.find(peer.site_id);
      if (it == index.end()) continue;
      pullers[it->second].push_back(i);
      ++graph.pulled_by[it->second];
    }
  }
  for (int i = 0; i < n; ++i) {
    if (graph.pulled_by[i] == 0) graph.unpulled.push_back(network.site_id(i));
  }
  graph.reaches.assign(n, std::vector<bool>(n, false));
  for (int origin = 0; origin < n; ++origin) {
    std::vector<bool>& reached = graph.reaches[origin];
    std::vector<int> next = {origin};
    reached[origin] = true;
    while (!next.empty()) {
      const int x = next.back();
      next.pop_back();
      for (int y : pullers[x]) {
        if (!reached[y]) {
          reached[y] = true;
          next.push_back(y);
        }
      }
    }
    graph.unreachable += std::count(reached.begin(), reached.end(), false);
  }
  return graph;
}

// Waits until every node holds at least `heads` of every origin, then until every node's
// replicated state digest is the same. The time it took from `since`.
//
// Where the graph leaves (origin, node) pairs unlinked, only the linked ones are waited for
// and the digests are not compared: they cannot agree.
absl::StatusOr<absl::Duration> WaitConverged(Network& network, const PullGraph& graph,
                                             const std::vector<uint64_t>& heads, absl::Time since,
                                             absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  int node = 0;  // The first node not known to hold everything.
  while (node < network.size()) {
    const std::vector<v1::VersionVectorEntry> vector = network.node(node).Vector();
    int lacking = 0;  // The first origin the node does not hold up to its head.
    while (lacking < network.size() &&
           (!graph.reaches[lacking][node] ||
            SeqOf(vector, network.site_id(lacking)) >= heads[lacking])) {
      ++lacking;
    }
    if (lacking == network.size()) {
      ++node;
      continue;
    }
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError(
          absl::StrCat(network.site_id(node), " holds ", SeqOf(vector, network.site_id(lacking)),
                       " of the ", heads[lacking], " entries of ", network.site_id(lacking),
                       " after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  const absl::Duration converged = absl::Now() - since;
  if (graph.unreachable > 0) return converged;
  // The vectors say every write arrived; the digests, that the nodes hold the same state.
  std::string first;
  for (int i = 0; i < network.size(); ++i) {
    ASSIGN_OR_RETURN(const std::string digest, network.node(i).ReplicatedStateDigest());
    if (i == 0) first = digest;
    if (digest != first) {
      return absl::DataLossError(absl::StrCat(network.site_id(i), " holds every entry of ",
                                              network.site_id(0), " but another replicated state"));
    }
  }
  return converged;
}

// Waits until the itinerary of each of `members` at its home holds `trips` bookings (by
// index), checking the members not yet complete in rounds, kClientThreads at once. The time
// it took from `since`, and in `rounds` how many rounds it took (the first one alone costs
// a call per member: the figure's resolution).
absl::StatusOr<absl::Duration> WaitItineraries(Network& network, const std::vector<Member>& members,
                                               const std::vector<int>& trips, absl::Time since,
                                               absl::Duration timeout, int* rounds) {
  const absl::Time give_up = absl::Now() + timeout;
  std::vector<size_t> waiting(members.size());
  std::iota(waiting.begin(), waiting.end(), 0);
  for (*rounds = 1;; ++*rounds) {
    std::vector<char> complete(waiting.size(), 0);
    RETURN_IF_ERROR(ParallelFor(
        kClientThreads, static_cast<int64_t>(waiting.size()), [&](int, int64_t k) -> absl::Status {
          const Member& member = members[waiting[k]];
          v1::ListBookingsRequest request;
          request.set_member_id(member.member_id);
          request.set_page_size(1000);
          v1::ListBookingsResponse response;
          const grpc::Status status =
              network.bookings(member.home)
                  .ListBookings(testing::Context(member.token).get(), request, &response);
          if (!status.ok()) {
            return Failed(absl::StrCat("the itinerary of ", member.member_id), status);
          }
          complete[k] = response.bookings_size() >= trips[waiting[k]];
          return absl::OkStatus();
        }));
    std::vector<size_t> still;
    for (size_t k = 0; k < waiting.size(); ++k) {
      if (!complete[k]) still.push_back(waiting[k]);
    }
    if (still.empty()) return absl::Now() - since;
    if (absl::Now() > give_up) {
      const Member& member = members[still.front()];
      return absl::DeadlineExceededError(absl::StrCat(
          still.size(), " members' itineraries lack receipts after ", absl::FormatDuration(timeout),
          ", the first ", member.member_id, " at ", network.site_id(member.home)));
    }
    waiting = std::move(still);
    absl::SleepFor(kPollInterval);
  }
}

absl::Status CreateDesks(Network& network, int i) {
  v1::CreateSpaceRequest create;
  v1::Space* space = create.mutable_space();
  space->set_space_id(kSpace);
  space->set_display_name("Desks");
  space->set_kind(v1::SPACE_KIND_DESK_POOL);
  space->set_seats(kDeskSeats);
  space->mutable_price_per_slot()->set_amount_minor(1500);
  v1::Space created;
  const grpc::Status status =
      network.sites(i).CreateSpace(testing::DeskContext(network, i).get(), create, &created);
  if (!status.ok()) return Failed(absl::StrCat("creating desks at ", network.site_id(i)), status);
  return absl::OkStatus();
}

absl::StatusOr<Member> RegisterMember(Network& network, int home, int n) {
  v1::RegisterMemberRequest request;
  const std::string name = absl::StrCat("m", n, "-", network.site_id(home));
  request.set_display_name(name);
  request.set_email(absl::StrCat(name, "@example.org"));
  v1::Member member;
  grpc::Status status = network.members(home).RegisterMember(
      testing::DeskContext(network, home).get(), request, &member);
  if (!status.ok()) return Failed(absl::StrCat("registering at ", network.site_id(home)), status);
  v1::IssueTokenRequest issue;
  issue.set_member_id(member.member_id());
  v1::IssueTokenResponse issued;
  status =
      network.members(home).IssueToken(testing::DeskContext(network, home).get(), issue, &issued);
  if (!status.ok()) return Failed(absl::StrCat("a token at ", network.site_id(home)), status);
  return Member{.home = home, .member_id = member.member_id(), .token = issued.token()};
}

// The venue of a member's `trip`th booking: another site than its home, a different one
// each trip.
int VenueOf(const Member& member, int64_t trip, int sites) {
  return static_cast<int>((member.home + 1 + trip % (sites - 1)) % sites);
}

}  // namespace

absl::StatusOr<NetworkFigures> RunNetwork(const BenchOptions& options, std::ostream& out) {
  RETURN_IF_ERROR(ValidateBenchOptions(options));
  const int sites = options.sites;
  out << "\n== Network: " << sites << " sites in this process, each pulling from "
      << options.fan_out
      << " sites it is linked to in the signed directory (federation::LinkedPeers) ==\n";
  Figure(out, "machine",
         absl::StrCat(options.cores, " cores, load average ", testing::LoadAverage()));
  NetworkFigures figures;
  figures.sites = sites;

  // Start: every node once (its ports chosen), then again with the directory listing every
  // site, as a join bundle gives it.
  absl::Time start = absl::Now();
  Network network(options);
  RETURN_IF_ERROR(network.CheckRunning());
  const absl::Duration first_start = absl::Now() - start;
  Figure(out, "nodes started",
         absl::StrCat(Human(first_start), " (", Human(first_start / sites), " a node), ",
                      ProcessMemory()));
  start = absl::Now();
  network.StartWithDirectoryOfEverySite();
  RETURN_IF_ERROR(network.CheckRunning());
  const absl::Duration restart = absl::Now() - start;
  Figure(out, "restarted with the directory", Human(restart));
  start = absl::Now();
  RETURN_IF_ERROR(WaitConnected(network, options.fan_out, options.convergence_timeout));
  Figure(out, "every node connected to its peers",
         absl::StrCat(Human(absl::Now() - start), ", ", ProcessMemory()));
  network.OpenStubs();

  std::vector<int64_t> peers;
  for (int i = 0; i < sites; ++i) {
    peers.push_back(static_cast<int64_t>(network.node(i).PeerStatuses().size()));
  }
  figures.min_peers = static_cast<int>(*std::min_element(peers.begin(), peers.end()));
  figures.max_peers = static_cast<int>(*std::max_element(peers.begin(), peers.end()));
  Figure(out, "peers pulled from per node, min / median / max", Spread(peers, Count));
  const PullGraph graph = GraphOf(network);
  Figure(out, "nodes pulling from each node, min / median / max",
         Spread(std::vector<int64_t>(graph.pulled_by.begin(), graph.pulled_by.end()), Count));
  Figure(out, "sites no node pulls from",
         graph.unpulled.empty()
             ? "none"
             : absl::StrCat(graph.unpulled.size(), ": ", absl::StrJoin(graph.unpulled, " ")));
  figures.unreachable_pairs = graph.unreachable;
  Figure(out, "(origin, node) pairs no chain of pulls links",
         graph.unreachable == 0
             ? "none: every write can reach every node"
             : absl::StrCat(Thousands(graph.unreachable), " of ",
                            Thousands(static_cast<int64_t>(sites) * sites),
                            ": the network cannot converge; timed below is every linked pair"));

  // Every venue's desks, then the members.
  RETURN_IF_ERROR(ParallelFor(kClientThreads, sites, [&](int, int64_t i) {
    return CreateDesks(network, static_cast<int>(i));
  }));
  const std::vector<uint64_t> heads_before_load = OwnHeads(network);
  std::vector<int64_t> received_before;
  for (int i = 0; i < sites; ++i) {
    received_before.push_back(static_cast<int64_t>(EntriesReceived(network.node(i))));
  }
  const int64_t registrations = static_cast<int64_t>(sites) * options.members_per_site;
  std::vector<Member> members(registrations);
  absl::Mutex mu;
  absl::Time last_write = absl::InfinitePast();
  start = absl::Now();
  RETURN_IF_ERROR(ParallelFor(kClientThreads, registrations, [&](int, int64_t n) -> absl::Status {
    ASSIGN_OR_RETURN(members[n], RegisterMember(network, static_cast<int>(n % sites),
                                                static_cast<int>(n / sites)));
    absl::MutexLock lock(&mu);
    last_write = std::max(last_write, absl::Now());
    return absl::OkStatus();
  }));
  figures.registrations = registrations;
  Figure(out, "registrations (with a token each)",
         absl::StrCat(Thousands(registrations), " in ", Human(absl::Now() - start), ", ",
                      kClientThreads, " client threads"));
  ASSIGN_OR_RETURN(
      const absl::Duration registered,
      WaitConverged(network, graph, OwnHeads(network), last_write, options.convergence_timeout));
  Figure(out, "converged after the last registration", Human(registered));

  // The bookings, each directly at the venue with the member's token from its home.
  std::vector<int64_t> bytes_before;
  for (int i = 0; i < sites; ++i) bytes_before.push_back(testing::FolderBytes(network.data_dir(i)));
  last_write = absl::InfinitePast();
  start = absl::Now();
  RETURN_IF_ERROR(
      ParallelFor(kClientThreads, options.bookings, [&](int, int64_t k) -> absl::Status {
        const Member& member = members[k % registrations];
        const int64_t trip = k / registrations;
        const int venue = VenueOf(member, trip, sites);
        const absl::CivilDay day =
            testing::ParisWeekdayFromNextWeek(static_cast<int>(trip % kBookingDays));
        v1::CreateBookingRequest request;
        request.set_site_id(network.site_id(venue));
        request.set_space_id(kSpace);
        *request.mutable_start() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 9 * 60);
        *request.mutable_end() = rpc::CivilMinuteToProto(absl::CivilMinute(day) + 13 * 60);
        request.set_seats(1);
        request.set_idempotency_key(absl::StrCat("network-", k));
        v1::Booking booking;
        const grpc::Status status = network.bookings(venue).CreateBooking(
            testing::Context(member.token).get(), request, &booking);
        if (!status.ok()) {
          return Failed(absl::StrCat("booking at ", network.site_id(venue), " for a member of ",
                                     network.site_id(member.home)),
                        status);
        }
        absl::MutexLock lock(&mu);
        last_write = std::max(last_write, absl::Now());
        return absl::OkStatus();
      }));
  figures.bookings = options.bookings;
  Figure(out, "bookings at another venue than the member's home",
         absl::StrCat(Thousands(options.bookings), " in ", Human(absl::Now() - start)));
  // Each booking's receipt goes to its member's home alone (booking::ReceiptPuller), a few
  // ms after the booking: timed until every member's itinerary at home holds its bookings.
  std::vector<int> trips(registrations, 0);
  for (int64_t k = 0; k < options.bookings; ++k) ++trips[k % registrations];
  int rounds = 0;
  ASSIGN_OR_RETURN(figures.convergence, WaitItineraries(network, members, trips, last_write,
                                                        options.convergence_timeout, &rounds));
  // Bookings replicate nothing: the replicated state is still the same everywhere.
  const std::vector<uint64_t> heads = OwnHeads(network);
  RETURN_IF_ERROR(
      WaitConverged(network, graph, heads, last_write, options.convergence_timeout).status());
  figures.converged = graph.unreachable == 0;
  Figure(out,
         figures.converged
             ? "CONVERGED: every receipt at its member's home after the last booking"
             : "NOT CONVERGED; every receipt at its member's home after the last booking",
         absl::StrCat(Human(figures.convergence), " (", rounds, " rounds of checks of ",
                      kClientThreads, " itineraries at once)"));

  for (int i = 0; i < sites; ++i) {
    figures.received.push_back(static_cast<int64_t>(EntriesReceived(network.node(i))) -
                               received_before[i]);
    const int64_t grown = testing::FolderBytes(network.data_dir(i)) - bytes_before[i];
    figures.booking_bytes.push_back(grown / options.bookings);
  }
  int64_t written = 0;  // Entries of the load, every origin's.
  for (int i = 0; i < sites; ++i) written += static_cast<int64_t>(heads[i] - heads_before_load[i]);
  Figure(out, "entries written by the load (members; bookings write none)", Thousands(written));
  Figure(out, "entries received per node, min / median / max", Spread(figures.received, Count));
  std::vector<double> per_needed;  // Received over what a node needs: the others' entries.
  for (int i = 0; i < sites; ++i) {
    const int64_t needed = written - static_cast<int64_t>(heads[i] - heads_before_load[i]);
    per_needed.push_back(static_cast<double>(figures.received[i]) /
                         static_cast<double>(std::max<int64_t>(1, needed)));
  }
  Figure(out, "  received / entries of other origins, min / median / max",
         Spread(per_needed, [](double ratio) { return absl::StrFormat("%.2f", ratio); }));
  Figure(out, "data folder growth per booking, per node, min / median / max",
         Spread(figures.booking_bytes, Bytes));
  const int64_t network_bytes =
      std::accumulate(figures.booking_bytes.begin(), figures.booking_bytes.end(), int64_t{0});
  Figure(out, "  summed over the nodes (a receipt is kept at its venue and its home)",
         Bytes(network_bytes));
  std::vector<int64_t> folders;
  for (int i = 0; i < sites; ++i) folders.push_back(testing::FolderBytes(network.data_dir(i)));
  Figure(out, "data folder per node, min / median / max", Spread(folders, Bytes));
  Figure(out, "this process", ProcessMemory());
  return figures;
}

}  // namespace cantine::bench
