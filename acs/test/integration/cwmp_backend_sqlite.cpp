// Runs the backend-parameterised CWMP integration tests on SQLite (label integration).
#include "acs/test/integration/cwmp_fixture.h"

namespace acs::itest {
INSTANTIATE_TEST_SUITE_P(Sqlite, CwmpBackendTest, ::testing::Values(Backend::Sqlite), backendName);
}  // namespace acs::itest
