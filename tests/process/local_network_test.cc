// Runs deploy/local-network, the launcher tools/quickstart execs, against a temporary state
// folder on ports of its own: the three founding sites start, Lyon is onboarded live and
// becomes bookable from Paris, where a Paris member books a desk at Lyon; SIGTERM stops the
// network cleanly. A rerun on the same state starts Lyon again from its data folder, with
// its booking. Every call goes through the real cantinectl, as a person would type it.

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/member.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/cantined_launcher.h"
#include "tests/support/process_stop.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait_for.h"
#include "tests/support/weekdays.h"

namespace cantine {
namespace {

// How long the launcher may take to make its certificates and keys, start four nodes,
// onboard Lyon and see it bookable from Paris (about 10 s on the reference machine).
constexpr absl::Duration kNetworkUp = absl::Seconds(40);

// Whether a TCP port of 127.0.0.1 can be bound now.
bool LoopbackPortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return free;
}

// A CANTINE_PORT_BASE whose twelve ports (BASE+1..4, BASE+101..104, BASE+301..304) are free
// now, below the ephemeral range; 0 if none was found. Its bases (20000 to 25500, ports up
// to 25804) are apart from web_journey_test.py's (26000 and up): the test stops its network
// and starts it again on the same ports, which the other, running alongside, could
// otherwise have found free in between and taken.
int FreePortBase() {
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> hundreds(200, 255);
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int base = hundreds(random) * 100;
    bool free = true;
    for (int offset : {1, 2, 3, 4, 101, 102, 103, 104, 301, 302, 303, 304}) {
      free &= LoopbackPortFree(base + offset);
    }
    if (free) return base;
  }
  return 0;
}

// How a cantinectl run ended, and what it wrote (stdout and stderr).
struct CtlRun {
  int exit_code = -1;
  std::string out;
};

class LocalNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_base_ = FreePortBase();
    ASSERT_NE(port_base_, 0) << "no free ports for the network";
    // The launcher reads these; the test's own process is single-threaded here.
    setenv("CANTINE_PORT_BASE", absl::StrCat(port_base_).c_str(), 1);
    setenv("CANTINE_BUILD_DIR", CANTINE_BUILD_DIR, 1);
  }

  void TearDown() override {
    // A failed test leaves no node running: the launcher stops every node on SIGTERM.
    if (launcher_ != nullptr && launcher_->running()) {
      launcher_->Stop(SIGTERM, absl::Seconds(30));
    }
  }

  std::string State() const { return dir_.Sub("state"); }
  // The Paris node's public API: the launcher's first site, on CANTINE_PORT_BASE + 1.
  std::string ParisNode() const { return absl::StrCat("127.0.0.1:", port_base_ + 1); }

  // The end of the launcher's output (and so of the logs it quotes), for a failure message.
  std::string LauncherLog() const { return testing::LogTail(dir_.Sub("launcher.log"), 12); }

  void StartLauncher() {
    launcher_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{
            "/bin/bash", absl::StrCat(CANTINE_SOURCE_DIR, "/deploy/local-network"), State()},
        dir_.Sub("launcher.log"));
    ASSERT_TRUE(launcher_->Spawn().ok());
  }

  // cantinectl ARGS against `node`, trusting the state's network CA, with a token file of
  // the test's own: how it ended, and what it wrote on stdout and stderr (nothing on stderr
  // when it succeeds with the arguments this test gives).
  CtlRun Ctl(const std::string& node, std::vector<std::string> args) {
    std::vector<std::string> argv = {
        CANTINECTL_PATH, "--node",          node,        "--ca", State() + "/certs/ca.pem",
        "--token_file",  dir_.Sub("token"), "--timeout", "3s"};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string output = dir_.Sub(absl::StrCat("cantinectl-", ++ctl_runs_, ".out"));
    testing::Subprocess ctl(argv, output);
    CtlRun run;
    if (!ctl.Spawn().ok()) return run;
    run.exit_code = ctl.Wait(absl::Seconds(15)).value_or(-1);
    std::ifstream file(output);
    std::stringstream text;
    text << file.rdbuf();
    run.out = text.str();
    return run;
  }

  // Lyon's desks at `day`, asked of the Paris node, which forwards the call to Lyon's.
  std::optional<v1::GetAvailabilityResponse> LyonDesksFromParis(absl::CivilDay day) {
    const CtlRun run = Ctl(ParisNode(), {"--json", "availability", "bureaux", "--site", "lyon",
                                         "--from", absl::FormatCivilTime(day)});
    v1::GetAvailabilityResponse availability;
    if (run.exit_code != 0 ||
        !google::protobuf::util::JsonStringToMessage(run.out, &availability).ok()) {
      return std::nullopt;
    }
    return availability;
  }

  // The desks free in the afternoon of the first day of `availability`, -1 if none is listed.
  static int AfternoonSeatsFree(const v1::GetAvailabilityResponse& availability) {
    for (const v1::SlotAvailability& slot : availability.slots()) {
      if (slot.slot().name() == "afternoon") return slot.seats_free();
    }
    return -1;
  }

  testing::TempDir dir_;
  int port_base_ = 0;
  int ctl_runs_ = 0;
  std::unique_ptr<testing::Subprocess> launcher_;
};

TEST_F(LocalNetworkTest, LyonJoinsLiveIsBookableFromParisAndRestartsFromItsState) {
  const absl::CivilDay day = testing::ParisWeekdayFromNextWeek(0);
  StartLauncher();
  std::optional<v1::GetAvailabilityResponse> before;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        if (!launcher_->running()) return true;  // Failed: said below.
        before = LyonDesksFromParis(day);
        return before.has_value();
      },
      kNetworkUp))
      << "Lyon was not bookable from Paris in time" << LauncherLog();
  ASSERT_TRUE(before.has_value()) << "the launcher ended" << LauncherLog();
  EXPECT_EQ(before->time_zone(), "Europe/Paris");
  const int free_before = AfternoonSeatsFree(*before);
  ASSERT_GT(free_before, 0);

  // A Paris member, registered and signed in by the Paris desk, books a desk at Lyon through
  // the Paris node.
  const std::string paris_desk = State() + "/credentials/paris";
  const CtlRun registered =
      Ctl(ParisNode(), {"--json", "--admin_credential_file", paris_desk, "member", "register",
                        "--name", "Hedy Lamarr", "--email", "hedy@example.org"});
  ASSERT_EQ(registered.exit_code, 0) << registered.out;
  v1::Member member;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(registered.out, &member).ok())
      << registered.out;
  EXPECT_EQ(member.home_site_id(), "paris");
  ASSERT_EQ(Ctl(ParisNode(),
                {"--admin_credential_file", paris_desk, "login", "--member", member.member_id()})
                .exit_code,
            0);
  const std::string day_text = absl::FormatCivilTime(day);
  CtlRun booked;
  // The member's profile reaches Lyon within about a second of its registration.
  EXPECT_TRUE(testing::WaitFor([&] {
    booked = Ctl(ParisNode(),
                 {"--json", "book", "bureaux", "--site", "lyon", "--start", day_text + " 14:00",
                  "--end", day_text + " 19:00", "--key", "local-network-test-1"});
    return booked.exit_code == 0;
  })) << booked.out;
  v1::Booking booking;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(booked.out, &booking).ok()) << booked.out;
  EXPECT_EQ(booking.site_id(), "lyon");
  EXPECT_EQ(booking.home_site_id(), "paris");
  EXPECT_EQ(booking.member_id(), member.member_id());
  EXPECT_EQ(booking.state(), v1::BOOKING_STATE_CONFIRMED);
  EXPECT_EQ(booking.price().currency_code(), "EUR");

  // SIGTERM stops every node cleanly: the launcher exits 0 only when each node did.
  ASSERT_TRUE(testing::ExitsOnSignal(*launcher_, SIGTERM, 0)) << LauncherLog();

  // A rerun on the same state: Lyon, joined already, starts from its data folder and still
  // holds the booking.
  StartLauncher();
  std::optional<v1::GetAvailabilityResponse> after;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        if (!launcher_->running()) return true;
        after = LyonDesksFromParis(day);
        return after.has_value();
      },
      kNetworkUp))
      << "Lyon was not bookable from Paris after a rerun" << LauncherLog();
  ASSERT_TRUE(after.has_value()) << "the launcher ended" << LauncherLog();
  EXPECT_EQ(AfternoonSeatsFree(*after), free_before - 1);
  ASSERT_TRUE(testing::ExitsOnSignal(*launcher_, SIGTERM, 0)) << LauncherLog();
}

}  // namespace
}  // namespace cantine
