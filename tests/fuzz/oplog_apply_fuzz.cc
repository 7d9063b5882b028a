// Replication: the input's PullResponse (the federation wire message) taken as a replicator
// takes it (replicator.cc): its directory merged, then its entries and redaction notices
// through Oplog::ApplyRemote into the real record owners (directory, members, events). Mode
// 1 first signs what the input carries (entries and notices with Lyon's entry key, directory
// changes with the admin key), as a peer holding a key could, so that payloads reach the
// record owners. Each input starts from an empty node: an OverlayStore over one empty RocksDB
// made once, dropped after the input.
//
// Invariants: the apply never fails on an in-memory store (only storage errors may abort
// it); every entry is counted once in the report; and what the node holds of each origin
// is a chain from its first entry to a head whose signature verifies, every signature kept
// verifying: no entry that a valid signature does not cover is stored.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "cantine/v1/federation.pb.h"
#include "services/event/event_board.h"
#include "services/member/member_registry.h"
#include "services/replication/entry_signing.h"
#include "services/replication/record_applier.h"
#include "services/site/directory_change.h"
#include "services/site/site_directory.h"
#include "storage/hybrid_clock.h"
#include "storage/oplog.h"
#include "storage/overlay_store.h"
#include "storage/rocks_store.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fixed_signer.h"
#include "tests/support/paris.h"
#include "tests/support/sequential_ids.h"
#include "tests/support/temp_dir.h"

namespace cantine::fuzz {
namespace {

using storage::Oplog;

constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

// What every input shares and never writes: the empty database below each input's overlay.
struct Base {
  testing::TempDir dir;
  std::unique_ptr<storage::RocksStore> store =
      storage::RocksStore::Open({.path = dir.Sub("base"), .sync_writes = false}).value();
  testing::FakeClock clock{kNow};
  testing::FixedSigner signer;
};

// Signs what `response` carries with the fixed keys: each signed entry over its origin's
// chain as the input orders it, each notice, each directory change.
void SignAll(v1::PullResponse& response) {
  absl::flat_hash_map<std::string, std::string> chains;  // By origin key.
  for (v1::OplogEntry& entry : *response.mutable_entries()) {
    auto [it, inserted] =
        chains.try_emplace(Oplog::OriginKey(entry.origin()), std::string(32, '\0'));
    it->second = Oplog::ChainHash(it->second, entry);
    if (!entry.signature().empty()) entry.set_signature(LyonKey().Sign(it->second));
  }
  for (v1::RedactionNotice& notice : *response.mutable_redactions()) {
    notice.set_signature(LyonKey().Sign(Oplog::RedactionDigest(notice.subject())));
  }
  for (v1::SignedDirectoryChange& signed_change : *response.mutable_directory()) {
    v1::DirectoryChange change;
    if (change.ParseFromString(signed_change.change())) {
      signed_change = site::SignDirectoryChange(change, AdminKey());
    }
  }
}

// What the node holds of each remote origin is a verified chain (see the top).
void CheckHeld(const Oplog& oplog, const storage::EntryVerifier& verifier,
               const v1::PullResponse& response) {
  for (const v1::VersionVectorEntry& head : oplog.Vector()) {
    if (Oplog::OriginKey(head.origin()) == Oplog::OriginKey(oplog.self())) continue;
    const bool sent = std::any_of(
        response.entries().begin(), response.entries().end(), [&](const v1::OplogEntry& entry) {
          return Oplog::OriginKey(entry.origin()) == Oplog::OriginKey(head.origin());
        });
    FUZZ_CHECK(sent);
    const absl::StatusOr<std::vector<v1::OplogEntry>> held =
        oplog.Read(head.origin(), 0, head.seq() + 1);
    FUZZ_CHECK(held.ok());
    FUZZ_CHECK(held->size() == head.seq());
    std::string chain(32, '\0');
    for (size_t i = 0; i < held->size(); ++i) {
      const v1::OplogEntry& entry = (*held)[i];
      FUZZ_CHECK(entry.seq() == i + 1);
      chain = Oplog::ChainHash(chain, entry);
      if (!entry.signature().empty()) {
        FUZZ_CHECK(verifier.Verify(head.origin().site_id(), chain, entry.signature()).ok());
      }
    }
    FUZZ_CHECK(head.seq() == 0 || !held->back().signature().empty());
  }
}

void Apply(v1::PullResponse& response, bool sign) {
  // Destroyed at exit, after the last input: the store closes and its folder is removed
  // (a leaked Base left a database in /tmp on every run).
  static Base shared;
  Base* const base = &shared;
  if (sign) SignAll(response);

  // One node, as Node::Start assembles it, over a fresh overlay.
  // Small arena blocks: an input writes a few kilobytes, and a 4 MiB block made and freed
  // for each, under ASan, took most of an execution's time.
  storage::OverlayStore store(base->store.get(), /*arena_block_bytes=*/size_t{16} << 10);
  storage::HybridClock hlc(&base->clock, kMaxClockSkew);
  std::unique_ptr<Oplog> oplog =
      Oplog::Open(&store, &base->clock, &hlc, &base->signer, "paris").value();
  replication::SiteKeyRing key_ring;
  key_ring.Add("lyon", LyonKey().PublicKey());
  site::SiteDirectory directory(&store, oplog.get(), AdminKey().PublicKey(), &key_ring);
  testing::SequentialIds ids;
  member::MemberRegistry members(&store, oplog.get(), &ids, "paris");
  event::EventBoard events(&store, oplog.get(), &base->clock, &ids, testing::ParisProfile());
  replication::RecordApplier applier;
  directory.RegisterWith(applier);
  members.RegisterWith(applier);
  events.RegisterWith(applier);

  if (response.directory_size() > 0) {
    const absl::StatusOr<site::SignedDirectory::MergeReport> merged =
        directory.MergeChanges({response.directory().begin(), response.directory().end()});
    if (!merged.ok()) std::fprintf(stderr, "merge: %s\n", merged.status().ToString().c_str());
    FUZZ_CHECK(merged.ok());
  }
  // The keys the entries are verified with: those the apply may change as it lists sites
  // must not decide what it kept before.
  replication::SiteKeyRing verified_with;
  verified_with.Add("lyon", LyonKey().PublicKey());
  FUZZ_CHECK(site::SiteDirectory(&store, oplog.get(), AdminKey().PublicKey(), &verified_with)
                 .TrustListedKeys()
                 .ok());

  std::vector<v1::OplogEntry> entries(response.entries().begin(), response.entries().end());
  const absl::StatusOr<Oplog::ApplyReport> report = oplog->ApplyRemote(
      entries, key_ring, applier, {response.redactions().begin(), response.redactions().end()});
  if (!report.ok()) std::fprintf(stderr, "apply: %s\n", report.status().ToString().c_str());
  FUZZ_CHECK(report.ok());
  FUZZ_CHECK(report->applied + report->rejected + report->skipped + report->held ==
             static_cast<int>(entries.size()));
  FUZZ_CHECK(report->forged <= report->refused);
  // CANTINE_FUZZ_VERBOSE=1 says what each input did: whether a seed reaches the owners.
  if (std::getenv("CANTINE_FUZZ_VERBOSE") != nullptr) {
    std::fprintf(stderr,
                 "entries %d: applied %d rejected %d skipped %d held %d forged %d refused %d\n",
                 response.entries_size(), report->applied, report->rejected, report->skipped,
                 report->held, report->forged, report->refused);
  }
  CheckHeld(*oplog, verified_with, response);
}

}  // namespace
}  // namespace cantine::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cantine::fuzz;
  const Input input = SplitInput(data, size);
  cantine::v1::PullResponse response;
  if (!response.ParseFromArray(input.bytes.data(), static_cast<int>(input.bytes.size()))) {
    return 0;
  }
  Apply(response, input.sign);
  return 0;
}
