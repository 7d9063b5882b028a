// Bounded work per caller: an in-process node whose ports cap their threads and the calls
// of one connection. Federation Pull streams hold a server thread each for as long as they
// are open, so they are what these tests open to reach the limits.

#include <functional>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "cantine/v1/federation.grpc.pb.h"
#include "cantine/v1/site.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "services/node/node.h"
#include "tests/support/fake_clock.h"
#include "tests/support/rpc_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_site.h"
#include "tests/support/wait_for.h"

namespace cantine::node {
namespace {

constexpr char kAdminSecret[] = "test-admin-credential-0123456789";

std::chrono::system_clock::time_point In(absl::Duration d) {
  return absl::ToChronoTime(absl::Now() + d);
}

// One Pull stream, read on a thread of its own, as a peer would: whether the node opened it
// (its first message came) and how it ended.
class PullStream {
 public:
  PullStream(std::shared_ptr<grpc::Channel> channel, const std::string& site_id)
      : stub_(v1::FederationService::NewStub(std::move(channel))) {
    request_.set_site_id(site_id);
    context_.set_deadline(In(absl::Minutes(2)));
    thread_ = std::thread([this] { Run(); });
  }
  ~PullStream() {
    context_.TryCancel();
    thread_.join();
  }

  bool opened() const {
    absl::MutexLock lock(&mu_);
    return opened_;
  }
  std::optional<grpc::StatusCode> ended() const {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  void Cancel() { context_.TryCancel(); }

 private:
  void Run() {
    std::unique_ptr<grpc::ClientReader<v1::PullResponse>> reader = stub_->Pull(&context_, request_);
    v1::PullResponse response;
    if (reader->Read(&response)) {
      {
        absl::MutexLock lock(&mu_);
        opened_ = true;
      }
      while (reader->Read(&response)) {
      }
    }
    const grpc::Status status = reader->Finish();
    absl::MutexLock lock(&mu_);
    ended_ = status.error_code();
  }

  std::unique_ptr<v1::FederationService::Stub> stub_;
  v1::PullRequest request_;
  grpc::ClientContext context_;
  mutable absl::Mutex mu_;
  bool opened_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::StatusCode> ended_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

class ServerLimitsTest : public ::testing::Test {
 protected:
  ServerLimitsTest() {
    options_ = testing::ParisNodeOptions(dir_, kAdminSecret);
    options_.federation_listen_address = "127.0.0.1:0";
    options_.drain_timeout = absl::Seconds(1);
  }

  void StartNode() {
    absl::StatusOr<std::unique_ptr<Node>> node = Node::Start(options_, &clock_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = *std::move(node);
  }

  // A site the node knows, so that its Pull is served (insecure: the claimed id is trusted).
  std::string KnownSite(int i) {
    const std::string site_id = absl::StrCat("peer-", i);
    node_->TrustSite(site_id, auth::Ed25519PrivateKey::Generate().PublicKey());
    return site_id;
  }

  // GetSite on a connection of its own to the public port.
  grpc::Status GetSite() {
    auto site = v1::SiteService::NewStub(testing::LoopbackChannelOfItsOwn(node_->port()));
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(10)));
    v1::Site response;
    return site->GetSite(&context, {}, &response);
  }

  static int Count(const std::vector<std::unique_ptr<PullStream>>& streams,
                   const std::function<bool(const PullStream&)>& which) {
    int n = 0;
    for (const auto& stream : streams) n += which(*stream) ? 1 : 0;
    return n;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  NodeOptions options_;
  std::unique_ptr<Node> node_;
};

TEST_F(ServerLimitsTest, PastTheThreadCapCallsGetResourceExhaustedAndTheNodeStillServes) {
  options_.max_federation_threads = 4;
  ASSERT_NO_FATAL_FAILURE(StartNode());
  // Each on its own connection: only the thread cap limits them.
  constexpr int kStreams = 10;
  std::vector<std::unique_ptr<PullStream>> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(std::make_unique<PullStream>(
        testing::LoopbackChannelOfItsOwn(node_->federation_port()), KnownSite(i)));
  }
  // Every stream is answered at once, opened or refused: none waits for a thread.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return Count(streams, [](const PullStream& s) {
                 return s.opened() || s.ended().has_value();
               }) == kStreams;
      },
      absl::Seconds(30)));
  const int open = Count(streams, [](const PullStream& s) { return s.opened(); });
  const int exhausted = Count(streams, [](const PullStream& s) {
    return s.ended() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  });
  EXPECT_GE(open, 1);
  EXPECT_LT(open, options_.max_federation_threads);
  // What ended the others, should one neither open nor be refused for the cap (seen once
  // on a loaded machine: explained by this line when it happens again).
  std::string others;
  for (const auto& stream : streams) {
    if (!stream->opened() && stream->ended() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      absl::StrAppend(&others, " ", stream->ended().has_value() ? *stream->ended() : -1);
    }
  }
  EXPECT_EQ(open + exhausted, kStreams) << "other ends (grpc::StatusCode):" << others;

  // The public port has its own threads: a fresh caller is served.
  EXPECT_TRUE(GetSite().ok());
  {
    auto health =
        grpc::health::v1::Health::NewStub(testing::LoopbackChannelOfItsOwn(node_->port()));
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(10)));
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, {}, &response).ok());
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }

  // Even the federation port answers health checks while its threads are taken.
  {
    auto health = grpc::health::v1::Health::NewStub(
        testing::LoopbackChannelOfItsOwn(node_->federation_port()));
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(10)));
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = health->Check(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  }

  // Once the open streams end (a server thread notices within a heartbeat), their threads
  // serve new ones.
  for (auto& stream : streams) stream->Cancel();
  streams.clear();
  std::unique_ptr<PullStream> again;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        if (again != nullptr && again->opened()) return true;
        if (again == nullptr || again->ended().has_value()) {
          again = std::make_unique<PullStream>(
              testing::LoopbackChannelOfItsOwn(node_->federation_port()), KnownSite(99));
        }
        return false;
      },
      absl::Seconds(30)));
}

TEST_F(ServerLimitsTest, OneConnectionHasAtMostItsStreamLimitOpenTheNextWait) {
  options_.max_streams_per_connection = 2;
  ASSERT_NO_FATAL_FAILURE(StartNode());
  const std::shared_ptr<grpc::Channel> one_connection =
      testing::LoopbackChannelOfItsOwn(node_->federation_port());
  constexpr int kStreams = 4;
  std::vector<std::unique_ptr<PullStream>> streams;
  for (int i = 0; i < kStreams; ++i) {
    streams.push_back(std::make_unique<PullStream>(one_connection, KnownSite(i)));
  }
  auto open = [&] { return Count(streams, [](const PullStream& s) { return s.opened(); }); };
  ASSERT_TRUE(testing::WaitFor([&] { return open() == 2; }));
  // The others wait in the client, neither opened nor refused. (Without the limit they
  // open within milliseconds; a second is the bounded wait that shows they do not.)
  EXPECT_FALSE(testing::WaitFor([&] { return open() > 2; }, absl::Seconds(1)));
  EXPECT_EQ(Count(streams, [](const PullStream& s) { return s.ended().has_value(); }), 0);
  // Other connections are served meanwhile.
  auto other = std::make_unique<PullStream>(
      testing::LoopbackChannelOfItsOwn(node_->federation_port()), KnownSite(9));
  EXPECT_TRUE(testing::WaitFor([&] { return other->opened(); }));
  EXPECT_TRUE(GetSite().ok());

  // One open stream ends: a waiting one takes its place.
  for (auto& stream : streams) {
    if (stream->opened()) {
      stream->Cancel();
      break;
    }
  }
  EXPECT_TRUE(testing::WaitFor([&] { return open() == 3; }));
}

TEST_F(ServerLimitsTest, ABurstOfPublicCallsNeitherHangsNorTouchesThePeersStreams) {
  options_.max_threads = 4;
  options_.max_federation_threads = 8;
  ASSERT_NO_FATAL_FAILURE(StartNode());
  std::vector<std::unique_ptr<PullStream>> peers;
  for (int i = 0; i < 3; ++i) {
    peers.push_back(std::make_unique<PullStream>(
        testing::LoopbackChannelOfItsOwn(node_->federation_port()), KnownSite(i)));
  }
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Count(peers, [](const PullStream& s) { return s.opened(); }) == 3; }));

  constexpr int kCallers = 48;
  std::vector<grpc::StatusCode> codes(kCallers, grpc::StatusCode::UNKNOWN);
  std::latch start(kCallers);  // All call at once: a burst.
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      start.arrive_and_wait();
      codes[i] = GetSite().error_code();
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (grpc::StatusCode code : codes) {
    // Served, or refused at once: never a hang to the deadline.
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::RESOURCE_EXHAUSTED)
        << static_cast<int>(code);
  }
  EXPECT_EQ(Count(peers, [](const PullStream& s) { return s.ended().has_value(); }), 0);
  EXPECT_TRUE(GetSite().ok());
}

TEST_F(ServerLimitsTest, AnOversizedPublicRequestIsRefusedBeforeItIsRead) {
  ASSERT_NO_FATAL_FAILURE(StartNode());
  auto site = v1::SiteService::NewStub(testing::LoopbackChannelOfItsOwn(node_->port()));
  v1::GetSpaceRequest request;
  request.set_space_id(std::string(256 * 1024, 'a'));
  grpc::ClientContext context;
  context.set_deadline(In(absl::Seconds(10)));
  v1::Space response;
  EXPECT_EQ(site->GetSpace(&context, request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(GetSite().ok());
}

}  // namespace
}  // namespace cantine::node
