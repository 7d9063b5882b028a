#include "tests/support/site_processes.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "cantine/v1/admin.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/auth/ed25519.h"
#include "tests/support/cantined_launcher.h"

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
  absl::StatusOr<uint64_t> seq = HeldSeq(*admin, admin_secret_, site, absl::Seconds(2));
  return seq.ok() ? static_cast<int64_t>(*seq) : -1;
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
  absl::StatusOr<CantinedProcess> node = StartCantined(
      {.cantined = cantined_,
       .dir = dir_.path(),
       .site = site,
       .config = absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/", site, ".textproto,", fragment),
       .config_override = absl::StrCat(
           "signing_key_file: ", TextFormatString(dir_.Sub(site + ".key")), " insecure: true")});
  EXPECT_TRUE(node.ok()) << node.status();
  if (!node.ok()) return std::make_unique<Subprocess>(std::vector<std::string>{cantined_}, "");
  *port = node->port;
  *federation_port = node->federation_port;
  return std::move(node->process);
}

}  // namespace cantine::testing
