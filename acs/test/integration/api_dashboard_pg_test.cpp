// The dashboard HTTP tests on PostgreSQL (label pg). ACS_TEST_PG_DSN names the server; each
// test case gets its own schema, dropped afterwards. Without the variable the cases skip
// locally and fail when CI=true.
#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "integration/api_dashboard_http_test.h"
#include "store/postgres/pg_conn.h"
#include "store/store_factory.h"
#include <unistd.h>

namespace acs::api::testing {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::unique_ptr<store::sql::PgConn> adminConnection(const std::string& dsn) {
  auto url = store::parseDatabaseUrl(dsn);
  if (!url) throw std::runtime_error("bad ACS_TEST_PG_DSN: " + url.error().message);
  return std::make_unique<store::sql::PgConn>(store::postgresConnectorString(*url));
}

class PgDatabase final : public DashboardDatabase {
 public:
  explicit PgDatabase(std::string dsn) : dsn_(std::move(dsn)) {
    static std::atomic<int> counter{0};
    schema_ =
        "acs_dashboard_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    adminConnection(dsn_)->exec("CREATE SCHEMA " + schema_);
  }
  ~PgDatabase() override {
    try {
      adminConnection(dsn_)->exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop schema " << schema_ << ": " << e.what();
    }
  }
  std::string url() const override {
    const char sep = dsn_.find('?') == std::string::npos ? '?' : '&';
    return dsn_ + sep + "options=-csearch_path%3D" + schema_;
  }

 private:
  std::string dsn_;
  std::string schema_;
};

std::unique_ptr<DashboardDatabase> createPgDatabase() {
  const std::string dsn = env("ACS_TEST_PG_DSN");
  if (dsn.empty()) {
    if (env("CI") == "true") {
      ADD_FAILURE() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL tests must run in CI";
    }
    return nullptr;
  }
  return std::make_unique<PgDatabase>(dsn);
}

INSTANTIATE_TEST_SUITE_P(Pg, DashboardHttpTest,
                         ::testing::Values(DashboardBackend{"Postgres", createPgDatabase}),
                         dashboardBackendName);

}  // namespace
}  // namespace acs::api::testing
