#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "services/auth/admin_credential.h"
#include "services/booking/booking_ledger.h"
#include "services/booking/booking_service.h"
#include "services/booking/no_show_sweeper.h"
#include "services/domain/id_generator.h"
#include "services/logging/logger.h"
#include "services/member/member_registry.h"
#include "services/member/member_service.h"
#include "services/node/node_options.h"
#include "services/site/site_catalog.h"
#include "services/site/site_service.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace cantine::node {

// One site node: the store, the domain over it, the gRPC services over the domain, and
// the server with health checking and reflection. Used by main and by in-process tests.
class Node {
 public:
  // Opens the data folder, seeds it on first start, and starts serving. `clock` is not
  // owned and outlives the node. Errors name what to fix: a bad credential file, a data
  // folder in use or not writable, a port in use.
  static absl::StatusOr<std::unique_ptr<Node>> Start(const NodeOptions& options,
                                                     const storage::Clock* clock);

  // Shuts down with the options' drain timeout if Shutdown was not called.
  ~Node();

  // The port the public API listens on (the chosen one when the options said 0).
  int port() const { return port_; }
  const domain::SiteProfile& site() const { return options_.site; }

  // Reports NOT_SERVING on health, stops accepting calls, lets calls in flight finish until
  // `drain_timeout` and cancels the rest, then closes the database. Idempotent.
  void Shutdown(absl::Duration drain_timeout);

 private:
  explicit Node(const NodeOptions& options);

  const NodeOptions options_;
  const logging::Logger log_{"node"};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<auth::AdminCredential> admin_;
  std::unique_ptr<site::SiteCatalog> catalog_;
  std::unique_ptr<site::SiteServiceImpl> site_service_;
  domain::RandomIdGenerator ids_;
  std::unique_ptr<member::MemberRegistry> members_;
  std::unique_ptr<member::MemberServiceImpl> member_service_;
  std::unique_ptr<booking::BookingLedger> ledger_;
  std::unique_ptr<booking::BookingServiceImpl> booking_service_;
  std::unique_ptr<booking::NoShowSweeper> no_show_sweeper_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace cantine::node
