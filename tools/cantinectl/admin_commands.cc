// The node's administration: its replication state.

#include <string>

#include "absl/status/statusor.h"
#include "storage/status_macros.h"
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
       .read = Runs([](Console& console) -> absl::Status {
         ASSIGN_OR_RETURN(const std::string credential, console.AdminCredential());
         return console.Print(console.Call(&v1::AdminService::StubInterface::GetNetworkStatus,
                                           v1::GetNetworkStatusRequest(), &credential),
                              FormatNetworkStatus);
       })});
}

}  // namespace cantine::cantinectl
