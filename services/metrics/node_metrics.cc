#include "services/metrics/node_metrics.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace cantine::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// From 1 ms to 10 s: a local call takes about a millisecond, a forwarded one tens.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// The methods that book: at the public port, and at the venue for a forwarded booking.
bool Books(absl::string_view method) {
  return method == "/cantine.v1.BookingService/CreateBooking" ||
         method == "/cantine.v1.FederationService/ForwardCreateBooking";
}

// The codes gRPC names, as grpc::StatusCode enumerates them.
std::string CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  if (index < 0 || index >= static_cast<int>(std::size(kNames))) return absl::StrCat(index);
  return kNames[index];
}

MetricFamily Gauges(std::string name, std::string help) {
  return {
      .name = std::move(name), .help = std::move(help), .type = MetricType::Gauge, .metric = {}};
}

void AddGauge(MetricFamily& family, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

// Records one call when it ends: its method, the status it sent (CANCELLED when it sent
// none: the client went away), how long it took.
class RecordingInterceptor final : public grpc::experimental::Interceptor {
 public:
  RecordingInterceptor(NodeMetrics* metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)), start_(absl::Now()) {}

  ~RecordingInterceptor() override { metrics_->RecordRpc(method_, code_, absl::Now() - start_); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      code_ = methods->GetSendStatus().error_code();
    }
    methods->Proceed();
  }

 private:
  NodeMetrics* const metrics_;
  const std::string method_;
  const absl::Time start_;
  grpc::StatusCode code_ = grpc::StatusCode::CANCELLED;
};

class RecordingInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RecordingInterceptorFactory(NodeMetrics* metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RecordingInterceptor(metrics_, info->method());
  }

 private:
  NodeMetrics* const metrics_;
};

}  // namespace

NodeMetrics::NodeMetrics(Sources sources)
    : sources_(std::move(sources)),
      rpcs_(prometheus::BuildCounter()
                .Name("cantine_rpc_requests_total")
                .Help("RPCs ended, by method and status code")
                .Register(registry_)),
      rpc_seconds_(prometheus::BuildHistogram()
                       .Name("cantine_rpc_duration_seconds")
                       .Help("How long RPCs took, by method")
                       .Register(registry_)),
      bookings_(prometheus::BuildCounter()
                    .Name("cantine_bookings_total")
                    .Help("Booking requests at this node: made (OK) or refused, by status code; "
                          "a forwarded one counts at the node asked and at the venue")
                    .Register(registry_)),
      http_requests_(prometheus::BuildCounter()
                         .Name("cantine_http_requests_total")
                         .Help("HTTP requests answered, by kind and HTTP status")
                         .Register(registry_)) {}

void NodeMetrics::RecordRpc(absl::string_view method, grpc::StatusCode code,
                            absl::Duration elapsed) {
  const std::string method_name(method);
  const std::string code_name = CodeName(code);
  rpcs_.Add({{"method", method_name}, {"code", code_name}}).Increment();
  rpc_seconds_.Add({{"method", method_name}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(elapsed));
  if (Books(method)) {
    bookings_.Add({{"method", method_name}, {"code", code_name}}).Increment();
  }
}

void NodeMetrics::RecordHttp(absl::string_view kind, int status) {
  http_requests_.Add({{"kind", std::string(kind)}, {"status", absl::StrCat(status)}}).Increment();
}

std::vector<MetricFamily> NodeMetrics::ScrapeSources() const {
  std::vector<MetricFamily> families;
  if (sources_.peers) {
    MetricFamily behind = Gauges("cantine_replication_entries_behind",
                                 "Entries a peer holds that this node does not, as of its last "
                                 "answer");
    MetricFamily lag = Gauges("cantine_replication_lag_seconds",
                              "Time since a peer last answered this node's pull (+Inf: never)");
    MetricFamily connected =
        Gauges("cantine_replication_connected", "Whether this node's pull from a peer is open");
    const absl::Time now = absl::Now();
    for (const federation::PeerStatus& peer : sources_.peers()) {
      std::vector<ClientMetric::Label> labels = {{"peer", peer.site_id}};
      AddGauge(behind, labels, static_cast<double>(peer.entries_behind));
      AddGauge(lag, labels, absl::ToDoubleSeconds(now - peer.last_contact));
      AddGauge(connected, labels, peer.connected ? 1 : 0);
    }
    families.push_back(std::move(behind));
    families.push_back(std::move(lag));
    families.push_back(std::move(connected));
  }
  if (sources_.tables) {
    MetricFamily sst = Gauges("cantine_rocksdb_sst_bytes", "Bytes of a table's files on disk");
    MetricFamily memtable =
        Gauges("cantine_rocksdb_memtable_bytes", "Bytes of a table's memtables");
    MetricFamily keys = Gauges("cantine_rocksdb_estimated_keys", "Keys of a table (estimated)");
    MetricFamily readers =
        Gauges("cantine_rocksdb_table_reader_bytes",
               "Bytes a table's open files hold outside the block cache (estimated)");
    for (const storage::TableSize& size : sources_.tables()) {
      std::vector<ClientMetric::Label> labels = {
          {"table", std::string(storage::TableName(size.table))}};
      AddGauge(sst, labels, static_cast<double>(size.sst_bytes));
      AddGauge(memtable, labels, static_cast<double>(size.memtable_bytes));
      AddGauge(keys, labels, static_cast<double>(size.keys));
      AddGauge(readers, labels, static_cast<double>(size.table_reader_bytes));
    }
    families.push_back(std::move(sst));
    families.push_back(std::move(memtable));
    families.push_back(std::move(keys));
    families.push_back(std::move(readers));
  }
  return families;
}

std::string NodeMetrics::Render() const {
  std::vector<MetricFamily> families = registry_.Collect();
  for (MetricFamily& family : ScrapeSources()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NodeMetrics::InterceptorFactory() {
  return std::make_unique<RecordingInterceptorFactory>(this);
}

}  // namespace cantine::metrics
