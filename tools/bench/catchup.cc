// --mode=catchup: a node catching up from a source of member and event entries: fresh, by
// replay and by bootstrap, and restarted behind, with an Ed25519 baseline of the same run, where
// the time goes, and the caught-up node's RSS.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/auth/ed25519.h"
#include "services/domain/id_generator.h"
#include "services/event/event_board.h"
#include "services/federation/federation_service.h"
#include "services/files/atomic_file.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/node/node.h"
#include "services/replication/entry_signing.h"
#include "services/replication/record_applier.h"
#include "storage/clock.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"
#include "storage/store.h"
#include "storage/table.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/paris.h"
#include "tests/support/proc_stats.h"
#include "tests/support/subprocess.h"
#include "tests/support/wait_for.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/modes.h"
#include "tools/bench/report.h"

namespace cantine::bench {
namespace {

// Decorators that time the calls they pass on, to show where an apply spends its time.
// Each timed call costs two steady-clock reads (some 50 ns). Thread-safe.

// Calls and their summed wall time.
class CallTimer {
 public:
  // Calls `call` and adds its time.
  template <typename Call>
  auto Time(Call call) const {
    const auto start = std::chrono::steady_clock::now();
    auto result = call();
    calls_.fetch_add(1, std::memory_order_relaxed);
    nanos_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count(),
                     std::memory_order_relaxed);
    return result;
  }
  int64_t calls() const { return calls_.load(std::memory_order_relaxed); }
  absl::Duration total() const { return absl::Nanoseconds(nanos_.load(std::memory_order_relaxed)); }

 private:
  mutable std::atomic<int64_t> calls_{0};
  mutable std::atomic<int64_t> nanos_{0};
};

// What a TimedStore measured: reads (locking or not) and writes per table, commits.
struct StoreTimes {
  CallTimer read[storage::kTableCount];
  CallTimer put[storage::kTableCount];
  CallTimer commit;
};

size_t Index(storage::Table table) { return static_cast<size_t>(table); }

class TimedTransaction final : public testing::ForwardingTransaction {
 public:
  TimedTransaction(std::unique_ptr<storage::Transaction> inner, StoreTimes* times)
      : ForwardingTransaction(std::move(inner)), times_(times) {}

  absl::StatusOr<std::optional<std::string>> Get(storage::Table t, absl::string_view k) override {
    return times_->read[Index(t)].Time([&] { return inner().Get(t, k); });
  }
  absl::StatusOr<std::optional<std::string>> GetForUpdate(storage::Table t,
                                                          absl::string_view k) override {
    return times_->read[Index(t)].Time([&] { return inner().GetForUpdate(t, k); });
  }
  absl::Status Put(storage::Table t, absl::string_view k, absl::string_view v) override {
    return times_->put[Index(t)].Time([&] { return inner().Put(t, k, v); });
  }
  absl::Status PutUnread(storage::Table t, absl::string_view k, absl::string_view v) override {
    return times_->put[Index(t)].Time([&] { return inner().PutUnread(t, k, v); });
  }
  absl::Status Commit() override {
    return times_->commit.Time([&] { return inner().Commit(); });
  }
  absl::Status CommitWithoutSync() override {
    return times_->commit.Time([&] { return inner().CommitWithoutSync(); });
  }

 private:
  StoreTimes* const times_;
};

// A Store passing every call to `inner`, timing transaction reads, writes and commits
// into `times`. Neither owned; both outlive it.
class TimedStore final : public testing::ForwardingStore {
 public:
  TimedStore(storage::Store* inner, StoreTimes* times) : ForwardingStore(inner), times_(times) {}

  std::unique_ptr<storage::Transaction> BeginTransaction() override {
    return std::make_unique<TimedTransaction>(inner().BeginTransaction(), times_);
  }

 private:
  StoreTimes* const times_;
};

// Times each Verify of `inner` (not owned).
class TimedVerifier final : public storage::EntryVerifier {
 public:
  explicit TimedVerifier(const storage::EntryVerifier* inner) : inner_(inner) {}
  absl::Status Verify(absl::string_view site, absl::string_view hash,
                      absl::string_view signature) const override {
    return timer_.Time([&] { return inner_->Verify(site, hash, signature); });
  }
  const CallTimer& timer() const { return timer_; }

 private:
  const storage::EntryVerifier* const inner_;
  CallTimer timer_;
};

// How a bench site opens its store.
struct SiteOptions {
  std::string data_dir;
  std::string site_id;
  bool sync_writes = true;
  // When set, every transaction is timed into it (not owned; outlives the site).
  StoreTimes* times = nullptr;
};

// The replication part of a node, as services/node/node.cc assembles it: a RocksDB store,
// the hybrid clock, the signed oplog and the member registry over it. Thread-safe as its
// parts are.
class BenchSite {
 public:
  static absl::StatusOr<std::unique_ptr<BenchSite>> Open(const SiteOptions& options,
                                                         const auth::Ed25519PrivateKey& key) {
    auto site = std::unique_ptr<BenchSite>(new BenchSite(key));
    ASSIGN_OR_RETURN(site->rocks_, storage::RocksStore::Open({.path = options.data_dir,
                                                              .sync_writes = options.sync_writes}));
    site->store_ = site->rocks_.get();
    if (options.times != nullptr) {
      site->timed_ = std::make_unique<TimedStore>(site->rocks_.get(), options.times);
      site->store_ = site->timed_.get();
    }
    ASSIGN_OR_RETURN(site->oplog_, storage::Oplog::Open(site->store_, &site->clock_, &site->hlc_,
                                                        &site->signer_, options.site_id));
    site->members_ = std::make_unique<member::MemberRegistry>(site->store_, site->oplog_.get(),
                                                              &site->ids_, options.site_id);
    domain::SiteProfile host = testing::ParisProfile();
    host.site_id = options.site_id;
    site->events_ = std::make_unique<event::EventBoard>(site->store_, site->oplog_.get(),
                                                        &site->clock_, &site->ids_, host);
    return site;
  }

  storage::Oplog& oplog() { return *oplog_; }
  member::MemberRegistry& members() { return *members_; }
  event::EventBoard& events() { return *events_; }
  // The highest seq of this site's own entries.
  uint64_t OwnSeq() const { return SeqOf(oplog_->Vector(), oplog_->self().site_id()); }

 private:
  explicit BenchSite(const auth::Ed25519PrivateKey& key)
      : hlc_(&clock_, absl::Minutes(2)), signer_(key) {}

  storage::SystemClock clock_;
  storage::HybridClock hlc_;
  replication::KeySigner signer_;
  std::unique_ptr<storage::RocksStore> rocks_;
  std::unique_ptr<TimedStore> timed_;
  storage::Store* store_ = nullptr;
  std::unique_ptr<storage::Oplog> oplog_;
  domain::TimeOrderedIdGenerator ids_{&clock_};
  std::unique_ptr<member::MemberRegistry> members_;
  std::unique_ptr<event::EventBoard> events_;
};

// Registers members `first`..`last` (inclusive; emails member-<i>@bench.example.org) with
// MemberRegistry::Register from `threads` threads, stopping early after `time_limit`.
// Returns how many it registered; the first error stops every thread.
absl::StatusOr<int64_t> RegisterMembers(member::MemberRegistry& members, int64_t first,
                                        int64_t last, int threads, absl::Duration time_limit) {
  const absl::Time give_up = absl::Now() + time_limit;
  std::atomic<int64_t> registered{0};
  RETURN_IF_ERROR(ParallelFor(threads, last - first + 1, [&](int, int64_t k) -> absl::Status {
    if (absl::Now() > give_up) return absl::OkStatus();
    // The bio is shown network-wide, so that it replicates as a real profile's would.
    RETURN_IF_ERROR(members.Register(
        {.display_name = absl::StrCat("Member ", first + k),
         .email = absl::StrCat("member-", first + k, "@bench.example.org"),
         .bio = "Works from the third floor most weeks; prefers a quiet desk by the window.",
         .network_visible_fields = {domain::ProfileField::kBio}}));
    ++registered;
    return absl::OkStatus();
  }));
  return registered.load();
}

// Announces `count` events at `events`' site, one entry each: evenings from 30 days ahead.
absl::Status AnnounceEvents(event::EventBoard& events, int64_t count) {
  const absl::CivilDay first = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 30;
  for (int64_t i = 0; i < count; ++i) {
    const absl::CivilDay day = first + i % 300;
    const absl::CivilMinute start(day.year(), day.month(), day.day(), 18, i % 60);
    RETURN_IF_ERROR(events
                        .Announce({.title = absl::StrCat("Bench evening ", i),
                                   .description = "An apéro du futur, announced by the bench.",
                                   .tags = {"bench", "apero"},
                                   .local_start = start,
                                   .local_end = start + 120,
                                   .capacity = 40})
                        .status());
  }
  return absl::OkStatus();
}

// A FederationServiceImpl over `oplog`, served on 127.0.0.1 at a port chosen at run time.
// Neither argument is owned; both outlive the server.
class FederationServer {
 public:
  FederationServer(storage::Oplog* oplog, const replication::SiteKeyRing* known_sites)
      : service_(
            oplog, known_sites, [](absl::string_view) { return v1::SITE_STATUS_UNSPECIFIED; },
            /*bookings=*/nullptr, /*rsvps=*/nullptr, /*peer_heads=*/nullptr) {
    grpc::ServerBuilder builder;
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  // Ends the open streams and shuts down.
  ~FederationServer() {
    service_.Stop();
    if (server_ == nullptr) return;
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
  bool serving() const { return server_ != nullptr && port_ != 0; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  federation::FederationServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  return files::WriteFileAtomically(path, contents, 0600);
}

using testing::CpuSnapshot;
using testing::LoadAverage;
using testing::TakeCpuSnapshot;

constexpr char kSourceSite[] = "site-src";
constexpr char kDestinationSite[] = "site-dst";
constexpr char kApplySite[] = "site-apply";
constexpr char kAdminSecret[] = "federation-bench-admin-credential";
constexpr int64_t kTargetEntriesPerSecond = 100'000;
constexpr size_t kBatch = storage::Oplog::kMaxSpanEntries;

// The integer fields "key=value key=value" of a destination's line; a field that is not an
// integer is 0, words without '=' are skipped.
absl::flat_hash_map<std::string, int64_t> ParseFields(absl::string_view line) {
  absl::flat_hash_map<std::string, int64_t> fields;
  for (absl::string_view word : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    const size_t equals = word.find('=');
    if (equals == absl::string_view::npos) continue;
    int64_t& value = fields[word.substr(0, equals)];
    if (!absl::SimpleAtoi(word.substr(equals + 1), &value)) value = 0;
  }
  return fields;
}

absl::StatusOr<auth::Ed25519PrivateKey> LoadOrCreateKey(const std::string& path) {
  if (std::filesystem::exists(path)) return auth::Ed25519PrivateKey::LoadPemFile(path);
  auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
  RETURN_IF_ERROR(WriteFile(path, key.ToPem()));
  return key;
}

// The source with at least `options.entries` member entries, generated through
// MemberRegistry::Register, then `options.events` events (EventBoard::Announce), then opened
// synced for serving.
class Source {
 public:
  absl::Status Prepare(const BenchOptions& options, std::ostream& out) {
    dir_ = options.work_dir + "/source";
    ASSIGN_OR_RETURN(key_, LoadOrCreateKey(options.work_dir + "/source.key"));

    RETURN_IF_ERROR(Reopen(/*sync=*/true));
    const int64_t held = static_cast<int64_t>(site_->OwnSeq());
    if (held >= options.entries + options.events) {
      Figure(out, "source", absl::StrCat("reused ", Thousands(held), " entries in ", dir_));
      return absl::OkStatus();
    }
    bool sync = options.generation_sync != GenerationSync::kOff;
    if (!sync) {
      Figure(out, "generation sync_writes",
             "false (--generation_sync=off), for the generation phase only");
      RETURN_IF_ERROR(Reopen(false));
    }
    const absl::Time start = absl::Now();
    int64_t next = held + 1;
    if (sync && options.generation_sync == GenerationSync::kAuto && next <= options.entries) {
      // Probe the synced rate; a node's CommitLocal syncs every entry, one at a time.
      const absl::Time probe_start = absl::Now();
      ASSIGN_OR_RETURN(const int64_t probed,
                       RegisterMembers(site_->members(), next, options.entries,
                                       options.generation_threads, absl::Seconds(3)));
      next += probed;
      const int64_t rate = Rate(probed, absl::Now() - probe_start);
      const int64_t left = options.entries - next + 1;
      const absl::Duration projected =
          rate > 0 ? absl::Seconds(static_cast<double>(left) / static_cast<double>(rate))
                   : absl::InfiniteDuration();
      Figure(out, "generation probe, sync_writes=true",
             absl::StrCat(Thousands(rate), " Register/s: ", Thousands(left), " more would take ",
                          absl::FormatDuration(absl::Trunc(projected, absl::Seconds(1)))));
      if (projected > options.generation_budget) {
        sync = false;
        Figure(out, "generation sync_writes",
               absl::StrCat("false for the generation phase ONLY (synced would exceed the ",
                            absl::FormatDuration(options.generation_budget),
                            " budget); the source serves, and every other store runs, synced"));
        RETURN_IF_ERROR(Reopen(false));
      }
    }
    if (sync) Figure(out, "generation sync_writes", "true");
    while (next <= options.entries && static_cast<int64_t>(head()) < options.entries) {
      ASSIGN_OR_RETURN(const int64_t made,
                       RegisterMembers(site_->members(), next, options.entries,
                                       options.generation_threads, absl::Seconds(10)));
      next += made;
      std::cerr << "generation: " << Thousands(next - 1) << " of " << Thousands(options.entries)
                << " after " << Human(absl::Now() - start) << std::endl;
    }
    const absl::Duration took = absl::Now() - start;
    const int64_t made = std::max<int64_t>(options.entries - held, 0);
    Figure(
        out, "generation (MemberRegistry::Register)",
        absl::StrCat(Thousands(made), " entries from ", options.generation_threads, " threads in ",
                     Human(took), " = ", Thousands(Rate(made, took)), " entries/s"));
    // Members come first: what the source holds past them are its events.
    const int64_t events = options.entries + options.events - static_cast<int64_t>(head());
    const absl::Time events_start = absl::Now();
    RETURN_IF_ERROR(AnnounceEvents(site_->events(), events));
    Figure(out, "generation (EventBoard::Announce)",
           absl::StrCat(Thousands(events), " entries in ", Human(absl::Now() - events_start)));
    return Reopen(/*sync=*/true);
  }

  BenchSite& site() { return *site_; }
  const auth::Ed25519PrivateKey& key() const { return *key_; }
  uint64_t head() const { return site_->OwnSeq(); }

 private:
  absl::Status Reopen(bool sync) {
    site_.reset();
    ASSIGN_OR_RETURN(
        site_,
        BenchSite::Open({.data_dir = dir_, .site_id = kSourceSite, .sync_writes = sync}, *key_));
    return absl::OkStatus();
  }

  std::string dir_;
  std::optional<auth::Ed25519PrivateKey> key_;
  std::unique_ptr<BenchSite> site_;
};

// Ed25519 verifications per second on one core, of 32-byte messages like chain hashes.
absl::StatusOr<int64_t> VerificationBaseline(const auth::Ed25519PrivateKey& key, int count,
                                             std::ostream& out) {
  std::vector<std::string> messages;
  std::vector<std::string> signatures;
  for (int i = 0; i < count; ++i) {
    std::string message(32, '\0');
    for (size_t b = 0; b < message.size(); ++b) {
      message[b] = static_cast<char>((i * 131 + static_cast<int>(b) * 17) & 0xff);
    }
    signatures.push_back(key.Sign(message));
    messages.push_back(std::move(message));
  }
  const auth::Ed25519PublicKey public_key = key.PublicKey();
  int verified = 0;
  const absl::Time start = absl::Now();
  for (int i = 0; i < count; ++i) verified += public_key.Verify(messages[i], signatures[i]) ? 1 : 0;
  const absl::Duration took = absl::Now() - start;
  if (verified != count) return absl::InternalError("a valid signature did not verify");
  const int64_t rate = Rate(count, took);
  Figure(out, "Ed25519PublicKey::Verify, one thread",
         absl::StrCat(Thousands(count), " in ", Human(took), " = ", Thousands(rate),
                      " verifications/s"));
  return rate;
}

// How the destination comes to hold the source.
enum class Path {
  kReplay,     // A fresh node, the source added as a peer once it serves.
  kBootstrap,  // A fresh node, started with the source as its seed.
  kRestart,    // A node that replayed about half the source, stopped, and started again.
};

// Phase: the destination node in its own process, coming to hold the source by `path`. Its
// figures into `figures` (which holds the baselines), the ratios to the baselines and its
// RSS printed.
absl::Status RunEndToEnd(const BenchOptions& options, Source& source,
                         const std::string& source_address, Path path, CatchupFigures& figures,
                         std::ostream& out) {
  const bool bootstrap = path == Path::kBootstrap;
  const std::string dir = options.work_dir + "/destination";
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  const std::string admin_file = options.work_dir + "/admin";
  const std::string source_pub = options.work_dir + "/source.pub";
  RETURN_IF_ERROR(WriteFile(admin_file, absl::StrCat(kAdminSecret, "\n")));
  RETURN_IF_ERROR(WriteFile(source_pub, source.key().PublicKey().ToPem()));
  const uint64_t expected = source.head();

  auto child = std::make_unique<testing::Subprocess>(
      std::vector<std::string>{
          options.self_path, "--mode=catchup_destination", absl::StrCat("--destination_dir=", dir),
          absl::StrCat("--destination_key_file=", options.work_dir, "/destination.key"),
          absl::StrCat("--admin_credential_file=", admin_file),
          absl::StrCat("--source_site=", kSourceSite),
          absl::StrCat("--source_address=", source_address),
          absl::StrCat("--source_public_key_file=", source_pub),
          absl::StrCat("--expected_seq=", expected),
          absl::StrCat("--destination_bootstrap=", bootstrap ? "true" : "false"),
          absl::StrCat("--destination_restart_after_seq=",
                       path == Path::kRestart ? std::max<uint64_t>(expected / 2, 1) : 0),
          absl::StrCat("--settle_seconds=", absl::ToDoubleSeconds(options.settle))},
      "");
  RETURN_IF_ERROR(child->Spawn());

  // The fields of the child's lines "restarting", "started", "caught_up" and "settled";
  // "progress" lines come before each of the last two.
  absl::flat_hash_map<std::string, int64_t> restarting;
  absl::flat_hash_map<std::string, int64_t> started;
  absl::flat_hash_map<std::string, int64_t> caught_up;
  absl::flat_hash_map<std::string, int64_t> settled;
  std::optional<CpuSnapshot> start;
  std::optional<CpuSnapshot> end;
  std::string load_before;
  while (settled.empty()) {
    ASSIGN_OR_RETURN(const std::string line, child->ReadLine(options.catchup_timeout));
    auto fields = ParseFields(line);
    if (absl::StartsWith(line, "progress")) {
      std::cerr << "catch-up: " << Thousands(fields["seq"]) << " of "
                << Thousands(static_cast<int64_t>(expected)) << " after "
                << Human(absl::Microseconds(fields["elapsed_us"])) << std::endl;
    } else if (absl::StartsWith(line, "restarting") && path == Path::kRestart && started.empty()) {
      restarting = std::move(fields);
      std::cerr << "catch-up: restarting, holding " << Thousands(restarting["held"]) << std::endl;
    } else if (absl::StartsWith(line, "started") && started.empty() &&
               (path != Path::kRestart || !restarting.empty())) {
      started = std::move(fields);
      start = TakeCpuSnapshot({child->pid()});
      load_before = LoadAverage();
    } else if (absl::StartsWith(line, "caught_up") && !started.empty()) {
      end = TakeCpuSnapshot({child->pid()});
      caught_up = std::move(fields);
    } else if (absl::StartsWith(line, "settled") && !caught_up.empty()) {
      settled = std::move(fields);
    } else {
      return absl::InternalError(absl::StrCat("destination: ", line));
    }
  }
  if (path == Path::kReplay && options.bookings_after_catchup > 0) {
    out << "\n-- The caught-up node, then booking: the direct load, every booking verified --\n";
    BenchOptions direct =
        DirectRunAgainst(options, static_cast<int>(settled["port"]), kAdminSecret, child->pid());
    direct.max_bookings = options.bookings_after_catchup;
    direct.duration = options.catchup_timeout;
    ASSIGN_OR_RETURN(figures.bookings_after_catchup, RunDirect(direct, std::cerr));
    PrintReport(*figures.bookings_after_catchup, out);
  }
  const int exit_code = child->Stop(0, absl::Seconds(30));
  const int64_t folder_bytes = testing::FolderBytes(dir);
  std::filesystem::remove_all(dir, error);

  const absl::Duration elapsed = absl::Microseconds(caught_up["elapsed_us"]);
  if (path != Path::kReplay) {
    // From the node's start to its vector holding the source's head.
    const int64_t held = restarting["held"];
    const int64_t taken = caught_up["seq"] - held;
    const int64_t rate = Rate(taken, elapsed);
    if (bootstrap) {
      figures.bootstrap_applied = taken;
      figures.bootstrap_entries_per_second = rate;
      Figure(out, "entries taken, chains and signatures verified, every record applied",
             absl::StrCat(Thousands(taken), " in ", Human(elapsed),
                          " (from the node's start to its vector holding the source's head)"));
      Figure(out, "bootstrap rate", absl::StrCat(Thousands(rate), " entries/s"));
    } else {
      figures.restart_held = held;
      figures.restart_taken = taken;
      figures.restart_entries_per_second = rate;
      Figure(out, "held when it stopped (replayed)", Thousands(held));
      Figure(out, "entries taken after the restart, chains and signatures verified",
             absl::StrCat(Thousands(taken), " in ", Human(elapsed),
                          " (from the node's start to its vector holding the source's head)"));
      Figure(out, "restart catch-up rate", absl::StrCat(Thousands(rate), " entries/s"));
    }
    if (caught_up.contains("loads")) {
      Figure(out, "  waiting on the stream", Human(absl::Microseconds(caught_up["read_us"])));
      Figure(out, "  applying into memory (chains, signatures, records)",
             Human(absl::Microseconds(caught_up["apply_us"])));
      Figure(out, "  bulk loads into RocksDB",
             absl::StrCat(caught_up["loads"], " in ",
                          Human(absl::Microseconds(caught_up["load_us"]))));
      Figure(out, "  the rest (node start, first response, vector reload)",
             Human(elapsed - absl::Microseconds(caught_up["read_us"] + caught_up["apply_us"] +
                                                caught_up["load_us"])));
    }
    Figure(out, "target",
           bootstrap
               ? absl::StrCat("under 10 s: ", elapsed < absl::Seconds(10) ? "met" : "MISSED")
               : absl::StrCat(">= ", Thousands(kTargetEntriesPerSecond),
                              " entries/s: ", rate >= kTargetEntriesPerSecond ? "met" : "MISSED"));
    if (figures.entries_per_second > 0) {
      Figure(out,
             absl::StrCat("ratio ", bootstrap ? "bootstrap" : "restart",
                          " / replay entries/s (same run)"),
             absl::StrFormat("%.2f", static_cast<double>(rate) /
                                         static_cast<double>(figures.entries_per_second)));
    }
    Figure(out, "CPU from the start (child = destination)",
           DescribeCpu(*start, *end, options.cores));
    Figure(out, "load average before / after", absl::StrCat(load_before, " / ", LoadAverage()));
    Figure(out, "destination exit code", absl::StrCat(exit_code));
    Figure(out, "VmRSS caught up / VmHWM (peak)",
           absl::StrCat(MiB(caught_up["rss_kb"]), " / ", MiB(settled["hwm_kb"])));
    Figure(out, "data folder on disk",
           absl::StrFormat("%.1f MiB", static_cast<double>(folder_bytes) / 1048576));
    return absl::OkStatus();
  }
  const absl::Duration to_first = absl::Microseconds(caught_up["first_us"]);
  figures.applied = caught_up["seq"];
  figures.received = caught_up["received"];
  figures.caught_up_rss_kb = caught_up["rss_kb"];
  const int64_t rate = figures.entries_per_second = Rate(figures.applied, elapsed);
  Figure(out, "entries applied, signatures verified",
         absl::StrCat(Thousands(figures.applied), " in ", Human(elapsed)));
  Figure(out, "catch-up rate", absl::StrCat(Thousands(rate), " entries/s"));
  Figure(out, "  of the time, until the first batch was applied", Human(to_first));
  Figure(out, "  rate after the first batch",
         absl::StrCat(
             Thousands(Rate(figures.applied - static_cast<int64_t>(kBatch), elapsed - to_first)),
             " entries/s"));
  Figure(out, "target",
         absl::StrCat(">= ", Thousands(kTargetEntriesPerSecond),
                      " entries/s: ", rate >= kTargetEntriesPerSecond ? "met" : "MISSED"));
  Figure(out, "CPU during catch-up (child = destination)",
         DescribeCpu(*start, *end, options.cores));
  Figure(out, "load average before / after", absl::StrCat(load_before, " / ", LoadAverage()));
  Figure(out, "destination exit code", absl::StrCat(exit_code));
  Figure(out, "ratio catch-up entries/s / verifications/s",
         absl::StrFormat(
             "%.1f (signature checks made: about %d, one per %d-entry batch)",
             static_cast<double>(rate) / static_cast<double>(figures.verifications_per_second),
             static_cast<int>((expected + kBatch - 1) / kBatch), kBatch));

  out << "\n-- RSS of the destination node (its own process) --\n";
  Figure(out, "VmRSS started, empty", MiB(started["rss_kb"]));
  Figure(out, "VmRSS caught up", MiB(figures.caught_up_rss_kb));
  Figure(out, absl::StrCat("VmRSS ", absl::FormatDuration(options.settle), " later"),
         MiB(settled["rss_kb"]));
  Figure(out, "VmHWM (peak)", MiB(settled["hwm_kb"]));
  Figure(out, "data folder on disk",
         absl::StrFormat("%.1f MiB", static_cast<double>(folder_bytes) / 1048576));
  return absl::OkStatus();
}

// Phase: a raw Pull stream from the source, entries parsed and dropped: the ceiling of the
// serving side plus gRPC.
absl::StatusOr<int64_t> RunStreamOnly(const BenchOptions& options,
                                      const std::string& source_address, uint64_t expected,
                                      std::ostream& out) {
  uint64_t received = 0;
  int64_t bytes = 0;
  int64_t responses = 0;
  std::optional<absl::Time> first_entries;
  CpuSnapshot end;
  const CpuSnapshot start = TakeCpuSnapshot();
  RETURN_IF_ERROR(Pull(source_address, kDestinationSite, options.catchup_timeout,
                       [&](const v1::PullResponse& response) -> absl::StatusOr<bool> {
                         if (response.entries_size() > 0 && !first_entries.has_value()) {
                           first_entries = absl::Now();
                         }
                         received += response.entries_size();
                         bytes += static_cast<int64_t>(response.ByteSizeLong());
                         ++responses;
                         if (received < expected) return false;
                         end = TakeCpuSnapshot();
                         return true;
                       }));
  const absl::Duration took = end.at - start.at;
  Figure(out, "received, parsed, dropped",
         absl::StrCat(Thousands(static_cast<int64_t>(received)), " entries in ",
                      Thousands(responses), " responses, ", Human(took)));
  Figure(out, "  of the time, until the first entries arrived",
         Human(first_entries.value_or(end.at) - start.at));
  Figure(out, "stream rate",
         absl::StrFormat("%s entries/s, %.1f MB/s, %d bytes/entry on the wire",
                         Thousands(Rate(static_cast<int64_t>(received), took)),
                         static_cast<double>(bytes) / 1e6 / absl::ToDoubleSeconds(took),
                         received > 0 ? bytes / static_cast<int64_t>(received) : 0));
  Figure(out, "CPU (source and client, both here)", DescribeCpu(start, end, options.cores));
  return static_cast<int64_t>(received);
}

// Phase: the source's entries read in 1000-entry batches in-process and applied with
// Oplog::ApplyRemote into a fresh synced store, every layer timed.
absl::StatusOr<int64_t> RunApplyOnly(const BenchOptions& options, Source& source,
                                     std::ostream& out) {
  const std::string dir = options.work_dir + "/apply-only";
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  StoreTimes times;
  ASSIGN_OR_RETURN(
      std::unique_ptr<BenchSite> site,
      BenchSite::Open(
          {.data_dir = dir, .site_id = kApplySite, .sync_writes = true, .times = &times},
          auth::Ed25519PrivateKey::Generate()));
  replication::SiteKeyRing ring;
  ring.Add(kSourceSite, source.key().PublicKey());
  TimedVerifier verifier(&ring);
  replication::RecordApplier applier;
  member::MemberRegistry* members = &site->members();
  CallTimer member_applies;
  applier.Register(v1::ENTRY_KIND_MEMBER,
                   [&](storage::Transaction& txn, const v1::OplogEntry& entry) {
                     return member_applies.Time([&] { return members->ApplyRemote(txn, entry); });
                   });
  site->events().RegisterWith(applier);

  const int64_t commits_before = times.commit.calls();
  const absl::Duration commit_before = times.commit.total();
  const v1::Origin origin = source.site().oplog().self();
  const uint64_t expected = source.head();
  absl::Duration read_time;
  absl::Duration apply_time;
  int64_t applied = 0;
  std::vector<v1::OplogEntry> first_batch;
  const CpuSnapshot start = TakeCpuSnapshot();
  for (uint64_t after = 0; after < expected;) {
    const absl::Time read_start = absl::Now();
    ASSIGN_OR_RETURN(std::vector<v1::OplogEntry> batch,
                     source.site().oplog().ReadBatch(origin, after));
    if (batch.empty()) return absl::DataLossError("the source's oplog ended early");
    const absl::Time apply_start = absl::Now();
    ASSIGN_OR_RETURN(const storage::Oplog::ApplyReport report,
                     site->oplog().ApplyRemote(batch, verifier, applier));
    const absl::Time apply_end = absl::Now();
    if (report.applied != static_cast<int>(batch.size())) {
      return absl::InternalError(absl::StrCat("applied ", report.applied, " of ", batch.size(),
                                              " (rejected ", report.rejected, ", held ",
                                              report.held, ")"));
    }
    read_time += apply_start - read_start;
    apply_time += apply_end - apply_start;
    applied += report.applied;
    after = batch.back().seq();
    if (first_batch.empty()) first_batch = std::move(batch);
  }
  const CpuSnapshot end = TakeCpuSnapshot();

  // Chain hashing alone, over the first batch, a few rounds.
  constexpr int kRounds = 20;
  std::string chain(32, '\0');
  const absl::Time hash_start = absl::Now();
  for (int round = 0; round < kRounds; ++round) {
    for (const v1::OplogEntry& entry : first_batch) chain = storage::Oplog::ChainHash(chain, entry);
  }
  const absl::Duration per_hash =
      (absl::Now() - hash_start) / static_cast<double>(kRounds * first_batch.size());

  const absl::Duration verify = verifier.timer().total();
  const absl::Duration member_apply = member_applies.total();
  // Another site's member is read without a lock (Get), this site's own with GetForUpdate.
  const absl::Duration read_members = times.read[Index(storage::Table::kMembers)].total();
  const absl::Duration put_members = times.put[Index(storage::Table::kMembers)].total();
  const absl::Duration put_log = times.put[Index(storage::Table::kOplog)].total() +
                                 times.put[Index(storage::Table::kVersionVector)].total();
  const absl::Duration commit = times.commit.total() - commit_before;
  const int64_t commits = times.commit.calls() - commits_before;
  const absl::Duration chain_hashing = per_hash * static_cast<double>(applied);
  const absl::Duration rest = apply_time - verify - member_apply - put_log - commit - chain_hashing;
  const auto share = [&](absl::Duration part) {
    return absl::StrFormat("%s (%4.1f%%, %.2f us/entry)", Human(part),
                           100 * absl::FDivDuration(part, apply_time),
                           absl::ToDoubleMicroseconds(part) / static_cast<double>(applied));
  };
  Figure(out, "ApplyRemote, 1000-entry batches",
         absl::StrCat(Thousands(applied), " entries in ", Human(apply_time), " = ",
                      Thousands(Rate(applied, apply_time)), " entries/s"));
  Figure(out, "  signature checks (one per batch)",
         absl::StrCat(share(verify), ", ", verifier.timer().calls(), " calls"));
  Figure(out, "  chain hashing (2 SHA-256 per entry, measured apart)", share(chain_hashing));
  Figure(out, "  MemberRegistry::ApplyRemote, all of it", share(member_apply));
  Figure(out, "    of which Get/GetForUpdate(members)", share(read_members));
  Figure(out, "    of which Put(members)", share(put_members));
  Figure(out, "  Put(oplog) + Put(version vector)", share(put_log));
  Figure(
      out, "  Commit (WAL append, memtables; synced only with an erasure)",
      absl::StrCat(share(commit), ", ", commits, " commits, ", Human(commit / commits), " each"));
  Figure(out, "  rest (entry copies and serialization, locks, phases)", share(rest));
  Figure(out, "reading the batches from the source (excluded)",
         absl::StrCat(Human(read_time), " = ", Thousands(Rate(applied, read_time)), " entries/s"));
  Figure(out, "CPU over reads and applies", DescribeCpu(start, end, options.cores));
  site.reset();
  std::filesystem::remove_all(dir, error);
  return applied;
}

}  // namespace

absl::StatusOr<CatchupFigures> RunCatchup(const BenchOptions& options, std::ostream& out) {
  std::error_code error;
  std::filesystem::create_directories(options.work_dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create '", options.work_dir, "': ", error.message()));
  }
  out << "\n== Catch-up: a fresh node pulls " << Thousands(options.entries) << " member and "
      << Thousands(options.events) << " event entries from one source ==\n";
  Figure(out, "machine", absl::StrCat(options.cores, " cores, load average ", LoadAverage()));
  Source source;
  RETURN_IF_ERROR(source.Prepare(options, out));
  const uint64_t expected = source.head();
  ASSIGN_OR_RETURN(const auth::Ed25519PrivateKey destination_key,
                   LoadOrCreateKey(options.work_dir + "/destination.key"));
  replication::SiteKeyRing known_sites;
  known_sites.Add(kDestinationSite, destination_key.PublicKey());
  const auto server = std::make_unique<FederationServer>(&source.site().oplog(), &known_sites);
  if (!server->serving()) {
    return absl::UnavailableError("cannot listen on 127.0.0.1 for the federation service");
  }
  Figure(out, "source federation port", server->address());
  CatchupFigures figures;
  figures.source_entries = static_cast<int64_t>(expected);

  out << "\n-- Baseline: Ed25519 verification, same run --\n";
  ASSIGN_OR_RETURN(figures.verifications_per_second,
                   VerificationBaseline(source.key(), options.verifications, out));

  out << "\n-- End to end: a real Node (services/node) in a child process, synced store, "
         "its Replicator pulling over gRPC --\n";
  RETURN_IF_ERROR(RunEndToEnd(options, source, server->address(), Path::kReplay, figures, out));
  if (options.bootstrap) {
    out << "\n-- Bootstrap: a real Node started with the source as its seed, taking its log in "
           "one stream into memory and loading it in bulk (federation/seed_bootstrap.h) --\n";
    RETURN_IF_ERROR(
        RunEndToEnd(options, source, server->address(), Path::kBootstrap, figures, out));
  }
  if (options.restart) {
    out << "\n-- Restart: a real Node that replayed about half the source, stopped and started "
           "again with the source as its peer, takes the rest at start (services/node: it "
           "bootstraps when it lacks any of it) --\n";
    RETURN_IF_ERROR(RunEndToEnd(options, source, server->address(), Path::kRestart, figures, out));
  }

  if (options.baselines) {
    out << "\n-- Where the time goes (a): the stream alone --\n";
    ASSIGN_OR_RETURN(figures.streamed, RunStreamOnly(options, server->address(), expected, out));
    out << "\n-- Where the time goes (b): the apply alone, no network --\n";
    ASSIGN_OR_RETURN(figures.applied_alone, RunApplyOnly(options, source, out));
  }
  return figures;
}

namespace {

// Where a bootstrap's time went, as fields of the "caught_up" line; none without one.
std::string BootstrapFields(const node::Node& node) {
  if (node.bootstraps().empty() || !node.bootstraps().back().bootstrapped) return "";
  const federation::BootstrapReport& report = node.bootstraps().back();
  return absl::StrCat(" read_us=", absl::ToInt64Microseconds(report.reading),
                      " apply_us=", absl::ToInt64Microseconds(report.applying),
                      " load_us=", absl::ToInt64Microseconds(report.loading),
                      " loads=", report.loads);
}

// Reports a "progress" line every 5 s until `node` holds `source_site_id`'s entries up to
// `target`; the seq it holds then. Sets `first_entry` when it first holds one.
uint64_t WaitForSource(const node::Node& node, const std::string& source_site_id, uint64_t target,
                       absl::Time start, std::optional<absl::Time>& first_entry,
                       const std::function<void(const std::string&)>& report) {
  absl::Time last_progress = start;
  uint64_t seq = 0;
  while ((seq = SeqOf(node.Vector(), source_site_id)) < target) {
    if (seq > 0 && !first_entry.has_value()) first_entry = absl::Now();
    absl::SleepFor(absl::Milliseconds(1));
    if (absl::Now() - last_progress >= absl::Seconds(5)) {
      last_progress = absl::Now();
      report(absl::StrCat("progress seq=", seq,
                          " elapsed_us=", absl::ToInt64Microseconds(last_progress - start)));
    }
  }
  return seq;
}

// The destination's run, its lines on stdout; the error that stopped it.
absl::Status CatchUp(const DestinationOptions& options) {
  const auto report = [](const std::string& line) { std::cout << line << std::endl; };
  const auto rss = [] { return testing::ProcStatusKb(0, "VmRSS").value_or(0); };
  const auto hwm = [] { return testing::ProcStatusKb(0, "VmHWM").value_or(0); };
  node::NodeOptions node_options;
  node_options.site = testing::ParisProfile();
  node_options.site.site_id = kDestinationSite;
  node_options.listen_address = "127.0.0.1:0";
  node_options.federation_listen_address = "127.0.0.1:0";
  node_options.data_dir = options.data_dir;
  node_options.admin_credential_file = options.admin_credential_file;
  node_options.signing_key_file = options.signing_key_file;
  node_options.drain_timeout = absl::Seconds(2);
  node_options.insecure = true;  // The source serves plaintext (FederationServer).
  ASSIGN_OR_RETURN(const auth::Ed25519PublicKey source_key,
                   auth::Ed25519PublicKey::LoadPemFile(options.source_public_key_file));
  const federation::PeerOptions source{options.source_site_id, options.source_address};
  storage::SystemClock clock;

  // Restart: a first life replays part of the source and stops; the node then starts again
  // behind, with the source among its configured peers, as a site does after an outage.
  if (options.restart_after_seq > 0) {
    node_options.bootstrap_min_entries = 0;
    ASSIGN_OR_RETURN(const std::unique_ptr<node::Node> first_life,
                     node::Node::Start(node_options, &clock));
    first_life->AddPeer(source, source_key);
    std::optional<absl::Time> ignored;
    WaitForSource(*first_life, options.source_site_id, options.restart_after_seq, absl::Now(),
                  ignored, report);
    first_life->Shutdown(absl::Seconds(2));
    report(absl::StrCat("restarting held=", SeqOf(first_life->Vector(), options.source_site_id)));
  }
  // Replay: the source is added once the node started, and the node never bootstraps.
  // Bootstrap and restart: the source is a peer the node starts with, which it bootstraps
  // from when it lacks any of the source's entries, and the time runs from before the start.
  const bool seeded = options.bootstrap || options.restart_after_seq > 0;
  node_options.bootstrap_min_entries = seeded ? 1 : 0;
  if (seeded) {
    node_options.peers = {{.site_id = options.source_site_id,
                           .address = options.source_address,
                           .public_key_file = options.source_public_key_file}};
    report(absl::StrCat("started rss_kb=", rss()));
  }
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(const std::unique_ptr<node::Node> node, node::Node::Start(node_options, &clock));
  if (!seeded) {
    report(absl::StrCat("started rss_kb=", rss()));
    node->AddPeer(source, source_key);
  }
  std::optional<absl::Time> first_entry;
  const uint64_t seq = WaitForSource(*node, options.source_site_id, options.expected_seq, start,
                                     first_entry, report);
  const absl::Duration elapsed = absl::Now() - start;
  // The link counts what it received once the batch is applied: a moment after the vector.
  uint64_t received = 0;
  if (!seeded) {
    testing::WaitFor([&] { return (received = EntriesReceived(*node)) >= seq; }, absl::Seconds(1));
  }
  const absl::Duration to_first = first_entry.value_or(absl::Now()) - start;
  report(absl::StrCat("caught_up elapsed_us=", absl::ToInt64Microseconds(elapsed), " first_us=",
                      absl::ToInt64Microseconds(to_first), " seq=", seq, " rss_kb=", rss(),
                      " hwm_kb=", hwm(), " received=", received, BootstrapFields(*node)));
  absl::SleepFor(options.settle);
  report(absl::StrCat("settled rss_kb=", rss(), " hwm_kb=", hwm(), " port=", node->port()));

  char ignored;
  while (read(STDIN_FILENO, &ignored, 1) > 0) {
  }
  node->Shutdown(absl::Seconds(2));
  return absl::OkStatus();
}

}  // namespace

int RunDestination(const DestinationOptions& options) {
  logging::SetMinLogLevel(logging::LogLevel::kWarning);
  if (absl::Status s = CatchUp(options); !s.ok()) {
    std::cout << "error " << s.ToString() << std::endl;
    return kExitCannotRun;
  }
  return 0;
}

}  // namespace cantine::bench
