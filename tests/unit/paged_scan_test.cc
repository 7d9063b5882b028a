#include "storage/paged_scan.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "storage/rocks_store.h"
#include "tests/support/temp_dir.h"

namespace cantine::storage {
namespace {

class ListIndexPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RocksStore>> store = RocksStore::Open({.path = dir_.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    std::unique_ptr<Transaction> txn = store_->BeginTransaction();
    for (const char* name : {"a", "b", "c", "d", "e"}) {
      ASSERT_TRUE(txn->Put(Table::kBookingsByMember, std::string("ada/") + name, name).ok());
    }
    ASSERT_TRUE(txn->Put(Table::kBookingsByMember, "bob/z", "z").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }

  // Lists the values under "ada/" upper-cased, leaving `skip` out.
  absl::StatusOr<Page<std::string>> List(int page_size, absl::string_view token,
                                         absl::string_view skip = "") {
    return ListIndexPage<std::string>(
        *store_, Table::kBookingsByMember, "ada/", page_size, token, {},
        [&](const KeyValue& row) -> absl::StatusOr<std::optional<std::string>> {
          if (row.value == skip) return std::nullopt;
          std::string upper = row.value;
          for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
          return upper;
        });
  }

  testing::TempDir dir_;
  std::unique_ptr<RocksStore> store_;
};

TEST_F(ListIndexPageTest, ResolvesEachRowInOrderAndPages) {
  absl::StatusOr<Page<std::string>> first = List(2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->items, (std::vector<std::string>{"A", "B"}));
  ASSERT_FALSE(first->next_page_token.empty());

  absl::StatusOr<Page<std::string>> rest = List(10, first->next_page_token);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->items, (std::vector<std::string>{"C", "D", "E"}));
  EXPECT_TRUE(rest->next_page_token.empty());
}

TEST_F(ListIndexPageTest, ARowResolvedToNothingIsLeftOutButPassed) {
  absl::StatusOr<Page<std::string>> first = List(2, "", /*skip=*/"b");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->items, (std::vector<std::string>{"A"}));
  absl::StatusOr<Page<std::string>> rest = List(10, first->next_page_token, /*skip=*/"b");
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->items, (std::vector<std::string>{"C", "D", "E"}));
}

TEST_F(ListIndexPageTest, TheFirstResolveErrorIsReturned) {
  int calls = 0;
  absl::StatusOr<Page<std::string>> page = ListIndexPage<std::string>(
      *store_, Table::kBookingsByMember, "ada/", 10, "", {},
      [&](const KeyValue& row) -> absl::StatusOr<std::optional<std::string>> {
        ++calls;
        if (row.value == "b") return absl::DataLossError("stored b does not parse");
        return row.value;
      });
  EXPECT_EQ(page.status(), absl::DataLossError("stored b does not parse"));
  EXPECT_EQ(calls, 2);
}

TEST_F(ListIndexPageTest, ScanPageErrorsComeFirst) {
  int calls = 0;
  absl::StatusOr<Page<std::string>> page = ListIndexPage<std::string>(
      *store_, Table::kBookingsByMember, "ada/", -1, "", {},
      [&](const KeyValue& row) -> absl::StatusOr<std::optional<std::string>> {
        ++calls;
        return row.value;
      });
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 0);
}

TEST(PageSizeLimitTest, ZeroIsTheDefaultAndTheMaximumIsAllowed) {
  EXPECT_EQ(PageSizeLimit(0, {.default_size = 7, .max_size = 9}).value(), 7u);
  EXPECT_EQ(PageSizeLimit(1, {.default_size = 7, .max_size = 9}).value(), 1u);
  EXPECT_EQ(PageSizeLimit(9, {.default_size = 7, .max_size = 9}).value(), 9u);
}

TEST(PageSizeLimitTest, OutOfRangeIsInvalidArgumentNamingPageSize) {
  EXPECT_EQ(PageSizeLimit(-1, {}).status(),
            absl::InvalidArgumentError("page_size is -1; it must be between 0 and 1000"));
  EXPECT_EQ(PageSizeLimit(10, {.default_size = 7, .max_size = 9}).status(),
            absl::InvalidArgumentError("page_size is 10; it must be between 0 and 9"));
}

}  // namespace
}  // namespace cantine::storage
