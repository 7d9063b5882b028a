#include "services/auth/password_hash.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace cantine::auth {
namespace {

// A cheap cost: the rules are the same at any cost.
constexpr ScryptCost kCheap{.log2_n = 10, .r = 8, .p = 1};

TEST(PasswordHashTest, TheRightPasswordVerifiesAndAnyOtherDoesNot) {
  const absl::StatusOr<std::string> hash = HashPassword("correct horse battery", kCheap);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_EQ(VerifyPassword("correct horse battery", *hash).value_or(false), true);
  EXPECT_EQ(VerifyPassword("correct horse batterx", *hash).value_or(true), false);
  EXPECT_EQ(VerifyPassword("", *hash).value_or(true), false);
  EXPECT_EQ(VerifyPassword(std::string(200, 'c'), *hash).value_or(true), false);
}

TEST(PasswordHashTest, TheHashHoldsNoPasswordAndASaltOfItsOwn) {
  const std::string first = HashPassword("correct horse battery", kCheap).value();
  const std::string second = HashPassword("correct horse battery", kCheap).value();
  EXPECT_NE(first, second);  // Each hash its own salt.
  EXPECT_EQ(first.find("correct"), std::string::npos);
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(first, '$')).size(), 6u);
  EXPECT_EQ(first.substr(0, 14), "scrypt$10$8$1$");
}

TEST(PasswordHashTest, AHashOfTheDefaultCostVerifies) {
  const std::string hash = HashPassword("correct horse battery").value();
  EXPECT_EQ(hash.substr(0, 14), "scrypt$15$8$1$");
  EXPECT_TRUE(VerifyPassword("correct horse battery", hash).value());
}

TEST(PasswordHashTest, ATamperedOrCostlyEncodingIsRefused) {
  const std::string hash = HashPassword("correct horse battery", kCheap).value();
  for (const std::string& bad :
       {std::string(""), std::string("plain"), std::string("bcrypt$10$8$1$c2FsdA==$aGFzaA=="),
        absl::StrReplaceAll(hash, {{"scrypt$10$", "scrypt$40$"}}),  // 2^40: minutes, TiB.
        absl::StrReplaceAll(hash, {{"$8$1$", "$8$99$"}}), hash.substr(0, hash.size() - 4),
        hash + "$extra"}) {
    const absl::StatusOr<bool> verified = VerifyPassword("correct horse battery", bad);
    EXPECT_EQ(verified.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PasswordHashTest, APasswordIsTenTo128Bytes) {
  EXPECT_EQ(CheckPassword("password", "short").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(CheckPassword("password", "short").message().find("password"), std::string::npos);
  EXPECT_TRUE(CheckPassword("password", "ten chars!").ok());
  EXPECT_TRUE(CheckPassword("password", std::string(128, 'x')).ok());
  EXPECT_FALSE(CheckPassword("password", std::string(129, 'x')).ok());
  EXPECT_FALSE(HashPassword("short", kCheap).ok());
}

}  // namespace
}  // namespace cantine::auth
