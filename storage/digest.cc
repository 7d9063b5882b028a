#include "storage/digest.h"

#include "absl/strings/escaping.h"
#include "openssl/evp.h"
#include "openssl/sha.h"
#include "storage/key_codec.h"
#include "storage/status_macros.h"

namespace cantine::storage {

std::string Sha256(absl::string_view data) {
  // Fetched once: OpenSSL 3's SHA256() looks the algorithm up again on every call, which
  // costs as much as hashing an entry.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(digest.data()), nullptr,
             sha256, nullptr);
  return digest;
}

absl::StatusOr<std::string> DigestTables(Store& store, absl::Span<const Table> tables) {
  constexpr size_t kPage = 10000;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (Table table : tables) {
    std::string after;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<KeyValue> rows, store.Scan(table, "", kPage, after));
      for (const KeyValue& row : rows) {
        // Length-prefixed, so that no two different tables of rows hash alike.
        const std::string framed = KeyBuilder()
                                       .AddUint64(static_cast<uint64_t>(table))
                                       .AddString(row.key)
                                       .AddString(row.value)
                                       .Build();
        EVP_DigestUpdate(ctx.get(), framed.data(), framed.size());
      }
      if (rows.size() < kPage) break;
      after = rows.back().key;
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
}

absl::StatusOr<std::string> DigestAllTables(Store& store) {
  std::vector<Table> tables;
  for (size_t i = 0; i < kTableCount; ++i) tables.push_back(static_cast<Table>(i));
  return DigestTables(store, tables);
}

absl::StatusOr<std::string> ReplicatedStateDigest(Store& store) {
  return DigestTables(store, {Table::kMembers, Table::kDirectory, Table::kSiteListings,
                              Table::kEvents, Table::kVersionVector});
}

}  // namespace cantine::storage
