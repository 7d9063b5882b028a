#include "services/rpc/peer_address.h"

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace cantine::rpc {

std::string PeerHost(absl::string_view peer) {
  absl::string_view rest = peer;
  if (absl::ConsumePrefix(&rest, "ipv4:")) {
    const size_t colon = rest.rfind(':');
    return std::string(colon == absl::string_view::npos ? rest : rest.substr(0, colon));
  }
  if (absl::ConsumePrefix(&rest, "ipv6:")) {
    const std::string unescaped = absl::StrReplaceAll(rest, {{"%5B", "["}, {"%5D", "]"}});
    absl::string_view address = unescaped;
    if (absl::ConsumePrefix(&address, "[")) {
      const size_t close = address.find(']');
      if (close != absl::string_view::npos) return std::string(address.substr(0, close));
    }
    return std::string(address);
  }
  return std::string(peer);
}

}  // namespace cantine::rpc
