// A member's erasure removes its personal data network-wide: every node drops the payloads
// of the member's entries (keeping their digests, so chains still verify), serves none of it,
// and takes it off its disk (tables and write-ahead log); a node that joins later never gets
// it.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/member.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/support/mini_cluster.h"
#include "tests/support/rpc_client.h"
#include "tests/support/wait_for.h"

namespace cantine {
namespace {

using testing::DeskContext;
using testing::MiniCluster;

// Which of `needles` some file under `folder` holds.
std::vector<std::string> FoundOnDisk(const std::string& folder,
                                     const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& file : std::filesystem::recursive_directory_iterator(folder, error)) {
    if (!file.is_regular_file(error)) continue;
    std::ifstream in(file.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::string& needle : needles) {
      if (bytes.find(needle) != std::string::npos) {
        found.push_back(absl::StrCat(needle, " in ", file.path().filename().string()));
      }
    }
  }
  return found;
}

// Everything node `i` relays to a peer that holds nothing, as one string of payloads.
std::string RelayedPayloads(MiniCluster& cluster, int i, const std::string& as_site) {
  auto federation = v1::FederationService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", cluster.node(i).federation_port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  testing::SetDeadline(context);
  v1::PullRequest request;
  request.set_site_id(as_site);
  auto reader = federation->Pull(&context, request);
  std::string payloads;
  v1::PullResponse response;
  // The first heartbeat follows everything the node holds.
  while (reader->Read(&response) && response.entries_size() > 0) {
    for (const v1::OplogEntry& entry : response.entries()) payloads += entry.payload();
  }
  context.TryCancel();
  reader->Finish().IgnoreError();
  return payloads;
}

TEST(ErasureTest, ErasedDataLeavesEveryNodesStorageAndIsNeverServed) {
  MiniCluster cluster(4);  // 0-1-2 in a line; 3 joins after the erasure.
  cluster.Connect(1, 0);
  cluster.Connect(0, 1);
  cluster.Connect(2, 1);
  cluster.Connect(1, 2);

  // Unlikely strings, so that finding one is finding this member's data.
  absl::BitGen random;
  const std::string tag = absl::StrFormat("%016x", absl::Uniform<uint64_t>(random));
  const std::string name = absl::StrCat("Ada Erasable ", tag);
  const std::string email = absl::StrCat("ada.", tag, "@example.org");
  const std::string bio = absl::StrCat("Writes notes on engines ", tag);
  const std::vector<std::string> personal = {name, email, bio};

  auto members = v1::MemberService::NewStub(cluster.channel(0));
  v1::RegisterMemberRequest registration;
  registration.set_display_name(name);
  registration.set_email(email);
  registration.set_bio(bio);
  v1::Member ada;
  ASSERT_TRUE(members->RegisterMember(DeskContext(cluster, 0).get(), registration, &ada).ok());
  v1::UpdateMemberRequest update;  // A second entry of hers, with her name again.
  update.set_member_id(ada.member_id());
  update.set_display_name(absl::StrCat(name, " (Countess)"));
  v1::Member updated;
  ASSERT_TRUE(members->UpdateMember(DeskContext(cluster, 0).get(), update, &updated).ok());

  auto replicated_at = [&](int i) {
    v1::GetMemberRequest request;
    request.set_member_id(ada.member_id());
    v1::Member member;
    grpc::ClientContext context;
    testing::SetDeadline(context);
    return v1::MemberService::NewStub(cluster.channel(i))
                   ->GetMember(&context, request, &member)
                   .ok()
               ? member
               : v1::Member();
  };
  ASSERT_TRUE(testing::WaitFor([&] { return !replicated_at(2).display_name().empty(); }));
  // The search below finds what is there: before the erasure, node 2 holds her name.
  ASSERT_FALSE(FoundOnDisk(cluster.data_dir(2), {name}).empty());
  ASSERT_NE(RelayedPayloads(cluster, 1, cluster.site_id(2)).find(name), std::string::npos);

  v1::EraseMemberRequest erase;
  erase.set_member_id(ada.member_id());
  v1::Member erased;
  ASSERT_TRUE(members->EraseMember(DeskContext(cluster, 0).get(), erase, &erased).ok());

  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(testing::WaitFor([&] { return replicated_at(i).erased(); })) << i;
    EXPECT_TRUE(testing::WaitFor([&] { return FoundOnDisk(cluster.data_dir(i), personal).empty(); },
                                 absl::Seconds(30)))
        << "node " << i << " still holds: " << FoundOnDisk(cluster.data_dir(i), personal)[0];
    const std::string relayed = RelayedPayloads(cluster, i, cluster.site_id(3));
    for (const std::string& data : personal) {
      EXPECT_EQ(relayed.find(data), std::string::npos) << "node " << i << " relays " << data;
    }
  }

  // A node that joins afterwards gets the erasure, never the data, and converges.
  cluster.Connect(3, 2);
  cluster.Connect(2, 3);
  ASSERT_TRUE(cluster.WaitForConvergence(4));
  EXPECT_TRUE(replicated_at(3).erased());
  EXPECT_TRUE(testing::WaitFor([&] { return FoundOnDisk(cluster.data_dir(3), personal).empty(); },
                               absl::Seconds(30)))
      << FoundOnDisk(cluster.data_dir(3), personal)[0];
}

}  // namespace
}  // namespace cantine
