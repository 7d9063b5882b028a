// The node's administration: its replication state.

#include "tools/cantinectl/command_line.h"
#include "tools/cantinectl/console.h"
#include "tools/cantinectl/output.h"

namespace cantine::cantinectl {

void AddAdminCommands(CommandTable& table) {
  table.AddGroup("network", "network status");
  table.Add(
      {.words = "network status",
       .help = R"(  network status    What this node holds of each origin site, and its links to its
                    peers (manager).
)",
       .read = Runs(Send(Caller::kManager, &v1::AdminService::StubInterface::GetNetworkStatus,
                         v1::GetNetworkStatusRequest(), FormatNetworkStatus))});
}

}  // namespace cantine::cantinectl
