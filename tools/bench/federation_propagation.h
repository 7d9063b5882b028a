#pragma once

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cantine::fedbench {

struct PropagationOptions {
  int nodes = 5;      // In a line, each pulling from its neighbours.
  double rate = 200;  // Registrations per second at the first node.
  absl::Duration duration = absl::Seconds(10);
  std::string work_dir;  // Holds the nodes' data folders.
  int cores = 0;         // Of the machine, for the CPU lines.
};

// Starts `nodes` real nodes in this process on 127.0.0.1 (ports chosen at run time), in a
// line; registers members at the first node through its public gRPC API at a steady rate;
// for each write, times when every node's version vector holds it (the record commits in
// the same batch as the vector, so it is then readable there); prints percentiles per node
// and for all of them.
absl::Status RunPropagation(const PropagationOptions& options, std::ostream& out);

}  // namespace cantine::fedbench
