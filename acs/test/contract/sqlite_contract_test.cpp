// The store contract on SQLite: the private in-memory database and a real WAL file.
#include <atomic>
#include <filesystem>

#include "contract/store_contract.h"
#include <unistd.h>

namespace acs::store::contract {
namespace {

class MemoryDatabase final : public ContractDatabase {
 public:
  std::string url() const override { return "sqlite::memory:"; }
  bool shared() const override { return false; }
};

class FileDatabase final : public ContractDatabase {
 public:
  FileDatabase() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("acs_store_contract_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter.fetch_add(1)));
    std::filesystem::create_directories(dir_);
  }
  ~FileDatabase() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string url() const override { return "sqlite://" + (dir_ / "acs.db").string(); }
  bool shared() const override { return true; }

 private:
  std::filesystem::path dir_;
};

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreContract,
    ::testing::Values(ContractBackend{"Memory", [] { return std::make_unique<MemoryDatabase>(); }},
                      ContractBackend{"File", [] { return std::make_unique<FileDatabase>(); }}),
    backendName);

INSTANTIATE_TEST_SUITE_P(Sqlite, SharedStoreContract,
                         ::testing::Values(ContractBackend{
                             "File", [] { return std::make_unique<FileDatabase>(); }}),
                         backendName);

}  // namespace
}  // namespace acs::store::contract
