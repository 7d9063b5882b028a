#include "tests/fault/nemesis.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"

namespace cantine::testing {

Nemesis::Nemesis(FaultNetwork* network, NemesisOptions options)
    : network_(network), options_(options), random_(options.seed) {}

absl::Duration Nemesis::Hold() {
  const int64_t most = absl::ToInt64Milliseconds(options_.max_hold);
  return absl::Milliseconds(most / 3 + Uniform(static_cast<int>(most - most / 3) + 1));
}

std::vector<std::string> Nemesis::Shuffled() {
  std::vector<std::string> sites = network_->sites();
  std::shuffle(sites.begin(), sites.end(), random_);
  return sites;
}

absl::StatusOr<std::string> Nemesis::Strike() {
  ++faults_;
  std::vector<std::string> sites = Shuffled();
  const absl::Duration hold = Hold();
  std::string what;
  switch (Uniform(7)) {
    case 0: {
      const std::string& victim = sites[0];
      network_->Kill(victim);
      absl::Duration skew = absl::ZeroDuration();
      if (Uniform(3) == 0) {
        const int64_t most = absl::ToInt64Seconds(options_.max_skew);
        skew = absl::Seconds(1 + Uniform(static_cast<int>(most))) * (Uniform(2) == 0 ? 1 : -1);
      }
      absl::SleepFor(hold);  // Down for a while: its clients' calls fail meanwhile.
      RETURN_IF_ERROR(network_->Restart(victim, skew));
      return absl::StrCat("killed ", victim, " for ", absl::FormatDuration(hold),
                          "; restarted, clock skew ", absl::FormatDuration(skew));
    }
    case 1: {
      const auto cut = sites.begin() + 1 + Uniform(static_cast<int>(sites.size()) - 1);
      const std::vector<std::string> left(sites.begin(), cut), right(cut, sites.end());
      network_->Partition({left, right});
      what = absl::StrCat("partition {", absl::StrJoin(left, " "), "} | {",
                          absl::StrJoin(right, " "), "}");
      break;
    }
    case 2: {
      network_->Partition({{sites[0]}, std::vector<std::string>(sites.begin() + 1, sites.end())});
      what = absl::StrCat("isolated ", sites[0]);
      break;
    }
    case 3: {
      // sites[0] bridges the rest, split in two.
      const auto cut = sites.begin() + 2 + Uniform(static_cast<int>(sites.size()) - 2);
      std::vector<std::string> left(sites.begin() + 1, cut), right(cut, sites.end());
      left.push_back(sites[0]);
      right.push_back(sites[0]);
      network_->Partition({left, right});
      what = absl::StrCat("bridge ", sites[0], " between {", absl::StrJoin(left, " "), "} and {",
                          absl::StrJoin(right, " "), "}");
      break;
    }
    case 4:
    case 5: {
      const bool throttle = Uniform(2) == 0;
      int slowed = 0;
      for (const std::string& from : sites) {
        for (const std::string& to : sites) {
          if (from == to || Uniform(2) == 0) continue;
          ++slowed;
          if (throttle) {
            network_->Link(from, to).Throttle(16'384 * (1 + Uniform(8)));
          } else {
            network_->Link(from, to).Delay(absl::Milliseconds(20 + Uniform(180)));
          }
        }
      }
      what = absl::StrCat(throttle ? "throttled " : "delayed ", slowed, " links");
      break;
    }
    default: {
      for (const std::string& other : sites) {
        if (other == sites[0]) continue;
        network_->Link(sites[0], other).Reset();
        network_->Link(other, sites[0]).Reset();
      }
      what = absl::StrCat("reset the connections of ", sites[0]);
      break;
    }
  }
  absl::SleepFor(hold);
  network_->HealAll();
  return absl::StrCat(what, " for ", absl::FormatDuration(hold));
}

}  // namespace cantine::testing
