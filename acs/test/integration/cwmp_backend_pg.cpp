// Runs the backend-parameterised CWMP integration tests on PostgreSQL (label pg).
#include "acs/test/integration/cwmp_fixture.h"

namespace acs::itest {
INSTANTIATE_TEST_SUITE_P(Pg, CwmpBackendTest, ::testing::Values(Backend::Postgres), backendName);
}  // namespace acs::itest
