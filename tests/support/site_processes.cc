#include "tests/support/site_processes.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "tests/support/wait_for.h"

namespace cantine::testing {

SiteProcesses::SiteProcesses(const TempDir& dir, std::string cantined, std::string admin_secret,
                             const std::vector<std::string>& sites)
    : dir_(dir), cantined_(std::move(cantined)), admin_secret_(std::move(admin_secret)) {
  WritePrivateFile(dir_.Sub("admin"), admin_secret_ + "\n");
  for (const std::string& site : sites) {
    const auth::Ed25519PrivateKey key = auth::Ed25519PrivateKey::Generate();
    WritePrivateFile(dir_.Sub(site + ".key"), key.ToPem());
    std::ofstream(dir_.Sub(site + ".pub")) << key.PublicKey().ToPem();
  }
}

int64_t SiteProcesses::Held(int port, const std::string& site) const {
  auto admin = v1::AdminService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  context.AddMetadata("authorization", absl::StrCat("Bearer ", admin_secret_));
  v1::NetworkStatus status;
  if (!admin->GetNetworkStatus(&context, {}, &status).ok()) return -1;
  for (const v1::VersionVectorEntry& origin : status.origins()) {
    if (origin.origin().site_id() == site) return static_cast<int64_t>(origin.seq());
  }
  return 0;
}

std::string SiteProcesses::PublicKeyFile(const std::string& site) const {
  return dir_.Sub(site + ".pub");
}

std::string SiteProcesses::LogFile(const std::string& site) const {
  return dir_.Sub(site + ".log");
}

std::unique_ptr<Subprocess> SiteProcesses::Start(const std::string& site,
                                                 const std::string& network, int* port,
                                                 int* federation_port) const {
  const std::string fragment = dir_.Sub(site + ".net");
  std::ofstream(fragment) << network;
  std::filesystem::remove(dir_.Sub(site + ".port"));
  std::filesystem::remove(dir_.Sub(site + ".fport"));
  auto process = std::make_unique<Subprocess>(
      std::vector<std::string>{
          cantined_,
          absl::StrCat("--config=", CANTINE_SOURCE_DIR, "/deploy/sites/", site, ".textproto,",
                       fragment),
          "--listen_address=127.0.0.1:0", "--federation_listen_address=127.0.0.1:0",
          absl::StrCat("--data_dir=", dir_.Sub(site)),
          absl::StrCat("--admin_credential_file=", dir_.Sub("admin")),
          absl::StrCat("--signing_key_file=", dir_.Sub(site + ".key")),
          absl::StrCat("--port_file=", dir_.Sub(site + ".port")),
          absl::StrCat("--federation_port_file=", dir_.Sub(site + ".fport")), "--insecure"},
      LogFile(site));
  EXPECT_TRUE(process->Start());
  auto read_port = [](const std::string& file, int* value) {
    std::ifstream in(file);
    std::string text;
    return std::getline(in, text) && absl::SimpleAtoi(text, value) && *value > 0;
  };
  EXPECT_TRUE(WaitFor([&] {
    return read_port(dir_.Sub(site + ".port"), port) &&
           read_port(dir_.Sub(site + ".fport"), federation_port);
  })) << "see "
      << LogFile(site);
  return process;
}

}  // namespace cantine::testing
