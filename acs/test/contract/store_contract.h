// The store contract: one suite of tests, run against every backend (Poco's DataTest idea).
// Each backend's binary instantiates StoreContract with its ContractBackend values.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"
#include <gtest/gtest.h>

namespace acs::store::contract {

// One fresh, empty database per test case.
class ContractDatabase {
 public:
  virtual ~ContractDatabase() = default;
  // DATABASE_URL of this database, for openStore().
  virtual std::string url() const = 0;
  // True when several Store objects opened on url() share the data (not so for :memory:).
  virtual bool shared() const = 0;
};

struct ContractBackend {
  std::string name;  // the instantiation's suffix: "Memory", "File", "Postgres"
  // Creates a fresh database, or returns nullptr after calling GTEST_SKIP / ADD_FAILURE.
  std::function<std::unique_ptr<ContractDatabase>()> create;
};

// gtest prints the parameter of a failing case with this.
inline void PrintTo(const ContractBackend& backend, std::ostream* os) { *os << backend.name; }

inline std::string backendName(const ::testing::TestParamInfo<ContractBackend>& info) {
  return info.param.name;
}

class StoreContract : public ::testing::TestWithParam<ContractBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Opens another Store on the same database (another "ACS process").
  StorePtr openAnother(const StoreOptions& options);

  std::unique_ptr<ContractDatabase> db_;
  StoreOptions options_;
  StorePtr store_;
};

// Cases that need a database shared by several Store objects and kept across reopening:
// instantiated only for file and server databases (not the private :memory: one).
class SharedStoreContract : public StoreContract {};

}  // namespace acs::store::contract
