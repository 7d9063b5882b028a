#include "services/rpc/peer_address.h"

#include "gtest/gtest.h"

namespace cantine::rpc {
namespace {

TEST(PeerAddressTest, TheHostWithoutThePort) {
  EXPECT_EQ(PeerHost("ipv4:203.0.113.7:51234"), "203.0.113.7");
  EXPECT_EQ(PeerHost("ipv4:127.0.0.1:1"), "127.0.0.1");
  EXPECT_EQ(PeerHost("ipv6:[2001:db8::1]:51234"), "2001:db8::1");
  EXPECT_EQ(PeerHost("ipv6:%5B2001:db8::1%5D:51234"), "2001:db8::1");
  EXPECT_EQ(PeerHost("ipv6:%5B::1%5D:8080"), "::1");
  // Two ports of one host are one caller.
  EXPECT_EQ(PeerHost("ipv4:10.0.0.1:1000"), PeerHost("ipv4:10.0.0.1:2000"));
  EXPECT_EQ(PeerHost("unix:/run/cantine.sock"), "unix:/run/cantine.sock");
  EXPECT_EQ(PeerHost(""), "");
}

}  // namespace
}  // namespace cantine::rpc
