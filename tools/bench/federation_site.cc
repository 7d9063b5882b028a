#include "tools/bench/federation_site.h"

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/files/atomic_file.h"
#include "storage/status_macros.h"

namespace cantine::bench {

BenchSite::BenchSite(const auth::Ed25519PrivateKey& key)
    : hlc_(&clock_, absl::Minutes(2)), signer_(key) {}

absl::StatusOr<std::unique_ptr<BenchSite>> BenchSite::Open(const SiteOptions& options,
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
  return site;
}

uint64_t BenchSite::OwnSeq() const {
  const std::string own = storage::Oplog::OriginKey(oplog_->self());
  for (const v1::VersionVectorEntry& entry : oplog_->Vector()) {
    if (storage::Oplog::OriginKey(entry.origin()) == own) return entry.seq();
  }
  return 0;
}

absl::StatusOr<int64_t> RegisterMembers(member::MemberRegistry& members, int64_t first,
                                        int64_t last, int threads, absl::Duration time_limit) {
  const absl::Time give_up = absl::Now() + time_limit;
  std::atomic<int64_t> next{first};
  std::atomic<int64_t> registered{0};
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  absl::Status first_error;
  auto work = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const int64_t i = next.fetch_add(1);
      if (i > last || absl::Now() > give_up) return;
      // The bio is shown network-wide, so that it replicates as a real profile's would.
      absl::StatusOr<domain::Member> member = members.Register(
          {.display_name = absl::StrCat("Member ", i),
           .email = absl::StrCat("member-", i, "@bench.example.org"),
           .bio = "Works from the third floor most weeks; prefers a quiet desk by the window.",
           .network_visible_fields = {domain::ProfileField::kBio}});
      if (!member.ok()) {
        absl::MutexLock lock(&mu);
        if (first_error.ok()) first_error = member.status();
        stop = true;
        return;
      }
      registered.fetch_add(1, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (std::thread& thread : pool) thread.join();
  RETURN_IF_ERROR(first_error);
  return registered.load();
}

FederationServer::FederationServer(storage::Oplog* oplog,
                                   const federation::SiteKeyRing* known_sites)
    : service_(
          oplog, known_sites, [](absl::string_view) { return v1::SITE_STATUS_UNSPECIFIED; },
          /*bookings=*/nullptr, /*peer_heads=*/nullptr) {}

absl::StatusOr<std::unique_ptr<FederationServer>> FederationServer::Start(
    storage::Oplog* oplog, const federation::SiteKeyRing* known_sites) {
  auto server = std::unique_ptr<FederationServer>(new FederationServer(oplog, known_sites));
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError("cannot listen on 127.0.0.1 for the federation service");
  }
  return server;
}

FederationServer::~FederationServer() {
  service_.Stop();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
}

std::string FederationServer::address() const { return absl::StrCat("127.0.0.1:", port_); }

absl::Status WriteFile(const std::string& path, const std::string& contents) {
  return files::WriteFileAtomically(path, contents, 0600);
}

}  // namespace cantine::bench
