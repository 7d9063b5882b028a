#include "services/node/node.h"

#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "storage/rocks_store.h"

namespace cantine::node {
namespace {

// Written to a temporary name and renamed, so a reader never sees a partial file.
absl::Status WritePortFile(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot write port_file '", path, "'"));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write port_file '", path, "': ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

Node::Node(const NodeOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeOptions& options,
                                                  const storage::Clock* clock) {
  if (absl::Status s = ValidateNodeOptions(options); !s.ok()) return s;
  auto node = std::unique_ptr<Node>(new Node(options));

  absl::StatusOr<auth::AdminCredential> admin =
      auth::AdminCredential::LoadFromFile(options.admin_credential_file);
  if (!admin.ok()) return admin.status();
  node->admin_ = std::make_unique<auth::AdminCredential>(*std::move(admin));

  absl::StatusOr<std::unique_ptr<storage::RocksStore>> store =
      storage::RocksStore::Open({.path = options.data_dir});
  if (!store.ok()) return store.status();
  node->store_ = *std::move(store);

  absl::StatusOr<std::unique_ptr<site::SiteCatalog>> catalog = site::SiteCatalog::Open(
      node->store_.get(), clock, {options.site, options.initial_policy, options.initial_spaces});
  if (!catalog.ok()) return catalog.status();
  node->catalog_ = *std::move(catalog);
  node->site_service_ =
      std::make_unique<site::SiteServiceImpl>(node->catalog_.get(), node->admin_.get());
  node->members_ = std::make_unique<member::MemberRegistry>(node->store_.get(), clock, &node->ids_,
                                                            options.site.site_id);
  node->member_service_ = std::make_unique<member::MemberServiceImpl>(node->members_.get());
  node->ledger_ = std::make_unique<booking::BookingLedger>(
      node->store_.get(), clock, &node->ids_, node->catalog_.get(), node->members_.get());
  node->booking_service_ = std::make_unique<booking::BookingServiceImpl>(
      node->ledger_.get(), node->catalog_.get(), node->admin_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which would let a second node share a busy port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &node->port_);
  builder.RegisterService(node->site_service_.get());
  builder.RegisterService(node->member_service_.get());
  builder.RegisterService(node->booking_service_.get());
  node->server_ = builder.BuildAndStart();
  if (node->server_ == nullptr || node->port_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     ": the port is in use or the address is not local to this machine"));
  }
  if (!options.port_file.empty()) {
    if (absl::Status s = WritePortFile(options.port_file, node->port_); !s.ok()) return s;
  }
  node->no_show_sweeper_ =
      std::make_unique<booking::NoShowSweeper>(node->ledger_.get(), options.no_show_sweep_interval);
  node->server_->GetHealthCheckService()->SetServingStatus(true);
  node->log_.Info("site '", options.site.site_id, "' (", options.site.display_name,
                  ") serving on port ", node->port_, ", data in ", options.data_dir);
  return node;
}

Node::~Node() { Shutdown(options_.drain_timeout); }

void Node::Shutdown(absl::Duration drain_timeout) {
  if (server_ == nullptr) return;
  log_.Info("shutting down: draining calls in flight for up to ",
            absl::FormatDuration(drain_timeout));
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + drain_timeout));
  server_->Wait();
  server_.reset();
  no_show_sweeper_.reset();
  booking_service_.reset();
  ledger_.reset();
  member_service_.reset();
  members_.reset();
  site_service_.reset();
  catalog_.reset();
  store_.reset();  // Closes RocksDB after the last call that could use it.
  log_.Info("stopped; database closed");
}

}  // namespace cantine::node
