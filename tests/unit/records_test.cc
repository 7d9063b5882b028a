#include "storage/records.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cantine/v1/federation.pb.h"
#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "tests/support/temp_dir.h"

namespace cantine::storage {
namespace {

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RocksStore>> store =
        RocksStore::Open({.path = dir_.path(), .lock_timeout = absl::Milliseconds(50)});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void PutRaw(absl::string_view key, absl::string_view value) {
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    ASSERT_TRUE(txn->Put(Table::kMeta, key, value).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<RocksStore> store_;
};

v1::Origin MakeOrigin() {
  v1::Origin origin;
  origin.set_site_id("paris");
  origin.set_incarnation(7);
  return origin;
}

TEST_F(RecordsTest, PutRecordThenParseRecordRoundTrips) {
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  ASSERT_TRUE(PutRecord(*txn, Table::kMeta, "origin", MakeOrigin()).ok());
  ASSERT_TRUE(txn->Commit().ok());

  std::optional<std::string> bytes = store_->Get(Table::kMeta, "origin").value();
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(*bytes, MakeOrigin().SerializeAsString());
  absl::StatusOr<v1::Origin> parsed = ParseRecord<v1::Origin>(*bytes, "stored origin");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->site_id(), "paris");
  EXPECT_EQ(parsed->incarnation(), 7u);
}

TEST(ParseRecordTest, BytesThatDoNotParseAreDataLossNamingTheRecord) {
  absl::StatusOr<v1::Origin> parsed = ParseRecord<v1::Origin>("\xff\xff\xff", "stored origin");
  EXPECT_EQ(parsed.status(), absl::DataLossError("stored origin does not parse"));
}

TEST_F(RecordsTest, ParseOptionalRecordOfEachRead) {
  PutRaw("origin", MakeOrigin().SerializeAsString());
  PutRaw("corrupt", "\xff\xff\xff");

  absl::StatusOr<std::optional<v1::Origin>> found =
      ParseOptionalRecord<v1::Origin>(store_->Get(Table::kMeta, "origin"), "stored origin");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->site_id(), "paris");

  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  absl::StatusOr<std::optional<v1::Origin>> locked =
      ParseOptionalRecord<v1::Origin>(txn->GetForUpdate(Table::kMeta, "origin"), "stored origin");
  ASSERT_TRUE(locked.ok()) << locked.status();
  EXPECT_EQ((*locked)->incarnation(), 7u);

  absl::StatusOr<std::optional<v1::Origin>> missing =
      ParseOptionalRecord<v1::Origin>(txn->Get(Table::kMeta, "nothing"), "stored origin");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());

  EXPECT_EQ(
      ParseOptionalRecord<v1::Origin>(txn->Get(Table::kMeta, "corrupt"), "home origin").status(),
      absl::DataLossError("home origin does not parse"));
}

TEST(ParseOptionalRecordTest, PassesTheReadErrorOnAsItIs) {
  const absl::Status error = absl::AbortedError("lock timeout");
  EXPECT_EQ(ParseOptionalRecord<v1::Origin>(error, "stored origin").status(), error);
}

TEST(DecodeCountTest, NoValueIsZero) {
  EXPECT_EQ(DecodeCount<int32_t>(std::nullopt, "slot counter").value(), 0);
  EXPECT_EQ(DecodeCount<int64_t>(std::nullopt, "slot counter").value(), 0);
}

TEST(DecodeCountTest, DecimalDigitsAreTheCount) {
  EXPECT_EQ(DecodeCount<int32_t>("12", "slot counter").value(), 12);
  EXPECT_EQ(DecodeCount<int64_t>("5000000000", "visit-day count").value(), 5000000000);
}

TEST(DecodeCountTest, AnythingElseIsDataLossNamingTheCount) {
  for (const char* bad : {"", "x", "-1", "1.5", "12 seats"}) {
    EXPECT_EQ(DecodeCount<int32_t>(std::string(bad), "slot counter").status(),
              absl::DataLossError("stored slot counter does not parse"))
        << bad;
    EXPECT_EQ(DecodeCount<int64_t>(std::string(bad), "visit-day count").status(),
              absl::DataLossError("stored visit-day count does not parse"))
        << bad;
  }
  // Out of the type's range.
  EXPECT_EQ(DecodeCount<int32_t>(std::string("5000000000"), "slot counter").status(),
            absl::DataLossError("stored slot counter does not parse"));
}

TEST_F(RecordsTest, PutCountWritesDigitsAndDeletesAtZero) {
  std::unique_ptr<Transaction> txn = store_->BeginTransaction();
  ASSERT_TRUE(PutCount(*txn, Table::kSlotCounters, "a", 3).ok());
  ASSERT_TRUE(PutCount(*txn, Table::kSlotCounters, "b", 1).ok());
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(store_->Get(Table::kSlotCounters, "a").value(), "3");

  txn = store_->BeginTransaction();
  EXPECT_EQ(LockCount<int32_t>(*txn, Table::kSlotCounters, "a", "slot counter").value(), 3);
  EXPECT_EQ(LockCount<int64_t>(*txn, Table::kSlotCounters, "none", "slot counter").value(), 0);
  ASSERT_TRUE(PutCount(*txn, Table::kSlotCounters, "b", 0).ok());
  EXPECT_EQ(PutCount(*txn, Table::kSlotCounters, "a", -1).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_FALSE(store_->Get(Table::kSlotCounters, "b").value().has_value());
  EXPECT_EQ(store_->Get(Table::kSlotCounters, "a").value(), "3");  // The refused write left it.
}

TEST_F(RecordsTest, LockCountHoldsTheLockUntilTheTransactionEnds) {
  std::unique_ptr<Transaction> first = store_->BeginTransaction();
  ASSERT_TRUE(LockCount<int32_t>(*first, Table::kSlotCounters, "a", "slot counter").ok());
  std::unique_ptr<Transaction> second = store_->BeginTransaction();
  EXPECT_EQ(LockCount<int32_t>(*second, Table::kSlotCounters, "a", "slot counter").status().code(),
            absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace cantine::storage
