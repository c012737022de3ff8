// The dashboard endpoints (issue 7) over real HTTP, run on each store backend: the SQLite
// instantiation is in api_dashboard_sqlite_test.cpp (label integration), the PostgreSQL one in
// api_dashboard_pg_test.cpp (label pg).
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "integration/api_test_server.h"
#include <gtest/gtest.h>

namespace acs::api::testing {

// One fresh database per test case, shared by every server opened on url().
class DashboardDatabase {
 public:
  virtual ~DashboardDatabase() = default;
  virtual std::string url() const = 0;
};

struct DashboardBackend {
  std::string name;
  // nullptr after GTEST_SKIP-worthy absence (local runs) or ADD_FAILURE (CI).
  std::function<std::unique_ptr<DashboardDatabase>()> create;
};

inline void PrintTo(const DashboardBackend& backend, std::ostream* os) { *os << backend.name; }
inline std::string dashboardBackendName(const ::testing::TestParamInfo<DashboardBackend>& info) {
  return info.param.name;
}

class DashboardHttpTest : public ::testing::TestWithParam<DashboardBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Another server (another "ACS process") on the same database.
  std::unique_ptr<ApiTestServer> openServer() const;

  std::unique_ptr<DashboardDatabase> db_;
  std::unique_ptr<ApiTestServer> server_;
  static constexpr std::uint64_t kMaxFileBytes = 3 * 1024 * 1024;
};

}  // namespace acs::api::testing
