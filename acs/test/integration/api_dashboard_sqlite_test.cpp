// The dashboard HTTP tests on a SQLite file (label integration).
#include "integration/api_dashboard_http_test.h"

namespace acs::api::testing {
namespace {

class SqliteDatabase final : public DashboardDatabase {
 public:
  std::string url() const override { return file_.url(); }

 private:
  TempDatabase file_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, DashboardHttpTest,
                         ::testing::Values(DashboardBackend{
                             "File", [] { return std::make_unique<SqliteDatabase>(); }}),
                         dashboardBackendName);

}  // namespace
}  // namespace acs::api::testing
