// --mode=postgres: durable desk bookings of a cantined this run starts, against the same
// workload on a throwaway PostgreSQL (Debian's), one after the other on this machine.

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/files/atomic_file.h"
#include "services/node/text_proto.h"
#include "storage/status_macros.h"
#include "tests/support/cantined_launcher.h"
#include "tools/bench/booking_load.h"
#include "tools/bench/modes.h"

namespace cantine::bench {
namespace {

constexpr char kSite[] = "paris";
constexpr absl::Duration kStopTimeout = absl::Seconds(15);
constexpr absl::Duration kCommandTimeout = absl::Minutes(2);
// The server listens on a Unix socket in the work folder only (listen_addresses empty), so
// the port only names the socket file.
constexpr int kPostgresPort = 55432;
constexpr char kPostgresRole[] = "bench";

// PostgreSQL refuses to run as root: as root, its commands run as the user "postgres" that
// Debian's package creates.
class PostgresCommands {
 public:
  PostgresCommands(std::string bin_dir, std::string dir)
      : bin_(std::move(bin_dir)), dir_(std::move(dir)) {}

  std::string Path(absl::string_view name) const { return absl::StrCat(dir_, "/", name); }

  // Gives the folder (new, made by the caller) to the user the server runs as.
  absl::Status Prepare() {
    if (geteuid() != 0) return absl::OkStatus();
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "running as root and there is no user 'postgres' to run PostgreSQL as; install "
          "Debian's postgresql package");
    }
    if (chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::FailedPreconditionError(absl::StrCat("cannot give ", dir_, " to postgres"));
    }
    return absl::OkStatus();
  }

  // Runs bin/`program` with `args` to its end; its output (stdout and stderr) on success.
  // FAILED_PRECONDITION with the end of its output when it fails.
  absl::StatusOr<std::string> Run(absl::string_view program, std::vector<std::string> args,
                                  absl::Duration timeout = kCommandTimeout) {
    std::vector<std::string> argv;
    if (geteuid() == 0) argv = {"/usr/sbin/runuser", "-u", "postgres", "--"};
    argv.push_back(absl::StrCat(bin_, "/", program));
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = Path(absl::StrCat(program, ".out"));
    std::error_code ignored;
    std::filesystem::remove(log, ignored);
    testing::Subprocess command(argv, log);
    RETURN_IF_ERROR(command.Spawn());
    if (const int code = command.Stop(0, timeout); code != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(bin_, "/", program, " exited with code ", code, testing::LogTail(log, 12)));
    }
    return node::ReadTextFile(absl::StrCat(program, "'s output"), log);
  }

  // Connection flags of psql and pgbench.
  std::vector<std::string> Connection() const {
    return {"-h", dir_, "-p", absl::StrCat(kPostgresPort), "-U", kPostgresRole};
  }

 private:
  const std::string bin_;
  const std::string dir_;
};

// A throwaway cluster in `dir`: initdb, started with synchronous commit (an acknowledged
// booking is in the flushed WAL, as the node's), stopped and its folder removed by the caller.
class ThrowawayPostgres {
 public:
  ThrowawayPostgres(const std::string& bin_dir, const std::string& dir) : pg_(bin_dir, dir) {}
  ~ThrowawayPostgres() {
    if (started_) Stop().IgnoreError();
  }

  PostgresCommands& commands() { return pg_; }

  // `max_connections`: the clients, and a few for psql.
  absl::Status Start(int max_connections) {
    RETURN_IF_ERROR(pg_.Prepare());
    RETURN_IF_ERROR(pg_.Run("initdb", {"-D", pg_.Path("data"), "-U", kPostgresRole, "-A", "trust",
                                       "--no-locale", "-E", "UTF8", "--no-sync"})
                        .status());
    // Marked started first: a start that times out may still leave a server running.
    started_ = true;
    return pg_
        .Run("pg_ctl", {"-D", pg_.Path("data"), "-l", pg_.Path("server.log"), "-w", "-o",
                        absl::StrCat("-p ", kPostgresPort, " -k ", pg_.Path(""),
                                     " -c listen_addresses= -c fsync=on -c synchronous_commit=on",
                                     " -c max_connections=", max_connections),
                        "start"})
        .status();
  }

  // A fast shutdown, or an immediate one when that fails.
  absl::Status Stop() {
    absl::Status fast =
        pg_.Run("pg_ctl", {"-D", pg_.Path("data"), "-m", "fast", "-w", "stop"}).status();
    if (!fast.ok()) {
      RETURN_IF_ERROR(
          pg_.Run("pg_ctl", {"-D", pg_.Path("data"), "-m", "immediate", "-w", "stop"}).status());
    }
    started_ = false;
    return absl::OkStatus();
  }

 private:
  PostgresCommands pg_;
  bool started_ = false;
};

// The value after `label` in pgbench's output ("tps = 7327.66 (...)"); DATA_LOSS when absent.
absl::StatusOr<double> PgbenchFigure(absl::string_view output, absl::string_view label) {
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::ConsumePrefix(&line, label)) continue;
    double value = 0;
    const absl::string_view number = line.substr(0, line.find(' '));
    if (absl::SimpleAtod(number, &value)) return value;
  }
  return absl::DataLossError(absl::StrCat("pgbench printed no '", label, "'"));
}

// In a new folder of its own under /tmp, given to the server's user, with a copy of the
// workload's files (the server's user may not reach the source tree); removed afterwards.
absl::StatusOr<PostgresFigures> RunPostgres(const BenchOptions& options, std::ostream& progress) {
  std::string pattern = "/tmp/cantine-postgres-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError("cannot create a folder for PostgreSQL under /tmp");
  }
  const std::string dir = pattern;
  struct RemoveDir {
    const std::string& dir;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } remove_dir{dir};
  for (const char* name : {"seats.sql", "seats.pgbench"}) {
    std::error_code error;
    std::filesystem::copy_file(absl::StrCat(options.postgres_sql_dir, "/", name),
                               absl::StrCat(dir, "/", name), error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot copy ", name, " from ", options.postgres_sql_dir, ": ", error.message()));
    }
  }
  ThrowawayPostgres server(options.postgres_bin, dir);
  RETURN_IF_ERROR(server.Start(options.threads + 10));
  PostgresCommands& pg = server.commands();
  const std::vector<std::string> connection = pg.Connection();
  std::vector<std::string> psql = connection;
  psql.insert(psql.end(), {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"});

  std::vector<std::string> setup = psql;
  setup.insert(setup.end(), {"-v", absl::StrCat("spaces=", options.spaces), "-v",
                             absl::StrCat("days=", options.days), "-v",
                             absl::StrCat("seats=", options.seats), "-f", pg.Path("seats.sql")});
  RETURN_IF_ERROR(pg.Run("psql", setup).status());

  PostgresFigures figures;
  figures.clients = options.threads;
  // pgbench runs whole seconds.
  const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(options.duration));
  progress << "postgres: book() for " << seconds << "s, " << options.threads << " clients"
           << std::endl;
  std::vector<std::string> bench = connection;
  bench.insert(bench.end(),
               {"-n", "-c", absl::StrCat(options.threads), "-j",
                absl::StrCat(std::min(options.threads, std::max(1, options.cores))), "-T",
                absl::StrCat(seconds), "-D", absl::StrCat("spaces=", options.spaces), "-D",
                absl::StrCat("days=", options.days), "-f", pg.Path("seats.pgbench"), "postgres"});
  const testing::CpuSnapshot start = testing::TakeCpuSnapshot();
  ASSIGN_OR_RETURN(const std::string output,
                   pg.Run("pgbench", bench, absl::Seconds(seconds) + kCommandTimeout));
  figures.cpu = testing::CpuBetween(start, testing::TakeCpuSnapshot());
  ASSIGN_OR_RETURN(figures.tps, PgbenchFigure(output, "tps = "));
  ASSIGN_OR_RETURN(figures.latency_average_ms, PgbenchFigure(output, "latency average = "));
  ASSIGN_OR_RETURN(const double transactions,
                   PgbenchFigure(output, "number of transactions actually processed: "));
  figures.transactions = static_cast<int64_t>(transactions);

  // The same verification as the node's, in SQL: bookings made, slots past their capacity,
  // and seats counted against rows.
  std::vector<std::string> check = psql;
  check.insert(check.end(), {"-tA", "-c",
                             "SELECT (SELECT count(*) FROM booking), (SELECT count(*) FROM "
                             "slot_count WHERE taken > capacity), (SELECT coalesce(sum(taken), 0) "
                             "FROM slot_count)"});
  ASSIGN_OR_RETURN(const std::string counts, pg.Run("psql", check));
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(counts), '|');
  int64_t taken = 0;
  if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &figures.bookings) ||
      !absl::SimpleAtoi(fields[1], &figures.oversold_slots) ||
      !absl::SimpleAtoi(fields[2], &taken)) {
    return absl::DataLossError(absl::StrCat("psql answered '", counts, "' to the counts"));
  }
  figures.seat_mismatch = taken - figures.bookings;
  RETURN_IF_ERROR(server.Stop());
  return figures;
}

}  // namespace

absl::StatusOr<VersusPostgresReport> RunVersusPostgres(const BenchOptions& options,
                                                       std::ostream& progress) {
  RETURN_IF_ERROR(ValidateBenchOptions(options));
  VersusPostgresReport report;
  std::string dir = options.work_dir;
  bool made_dir = false;
  if (dir.empty()) {
    std::string pattern = "/tmp/cantine-versus-postgres-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::FailedPreconditionError("cannot create a work folder under /tmp");
    }
    dir = pattern;
    made_dir = true;
  } else {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return absl::FailedPreconditionError(absl::StrCat("cannot create ", dir));
  }
  report.work_dir = dir;

  const std::string admin = NewRunId() + NewRunId() + NewRunId() + NewRunId();
  RETURN_IF_ERROR(files::WriteFileAtomically(absl::StrCat(dir, "/admin"), admin + "\n", 0600));
  progress << "work folder " << dir << "; starting " << kSite << std::endl;
  ASSIGN_OR_RETURN(
      testing::CantinedProcess node,
      testing::StartCantined(
          {.cantined = options.cantined_path,
           .dir = dir,
           .site = kSite,
           .config = absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/sites/", kSite, ".textproto"),
           .config_override = "insecure: true drain_timeout { seconds: 2 }",
           .flags = {"--log_level=warning"},
           .timeout = options.startup_timeout}));
  ASSIGN_OR_RETURN(
      report.node,
      RunDirect(DirectRunAgainst(options, node.port, admin, node.process->pid()), progress));
  if (const int code = node.process->Stop(SIGTERM, kStopTimeout); code != 0) {
    report.shutdown_problem = absl::StrCat(kSite, " exited with code ", code);
  }

  ASSIGN_OR_RETURN(report.postgres, RunPostgres(options, progress));
  if (made_dir && !options.keep_work_dir && !VersusPostgresFailed(report)) {
    std::error_code error;
    std::filesystem::remove_all(dir, error);
  } else {
    report.work_dir_kept = true;
  }
  return report;
}

}  // namespace cantine::bench
