#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "services/federation/peer_status.h"
#include "storage/rocks_store.h"

namespace cantine::metrics {

// What a node shows its operators at /metrics, in the Prometheus text format: calls and
// their latencies per method (both ports; the JSON API's calls are the public port's),
// bookings made and refused, HTTP requests, and, read at each scrape, each peer's
// replication lag and entries behind and each RocksDB table's size. Thread-safe.
class NodeMetrics {
 public:
  // What is read at each scrape rather than counted.
  struct Sources {
    std::function<std::vector<federation::PeerStatus>()> peers;
    std::function<std::vector<storage::TableSize>()> tables;
  };

  explicit NodeMetrics(Sources sources);

  // One RPC ended: `method` is gRPC's path ("/cantine.v1.BookingService/CreateBooking").
  void RecordRpc(absl::string_view method, grpc::StatusCode code, absl::Duration elapsed);
  // One HTTP request answered; `kind` is "api", "static", "metrics" or "calendar".
  void RecordHttp(absl::string_view kind, int status);

  // Everything, in the Prometheus text exposition format (version 0.0.4).
  std::string Render() const;

  // Has every call of a gRPC server it is given to recorded (RecordRpc).
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

 private:
  std::vector<prometheus::MetricFamily> ScrapeSources() const;

  const Sources sources_;
  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& rpcs_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Family<prometheus::Counter>& bookings_;
  prometheus::Family<prometheus::Counter>& http_requests_;
};

}  // namespace cantine::metrics
