# The ACS server: the pure core, the HTTP/application layer, the `acs` executable, its tests
# and benchmark. acs/api.cmake (the REST API and acsctl) is included at the end when present.
#
#   acs_core         AcsSession, task planner, effect applier, metrics, config (no Poco)
#   acs_server_lib   CWMP HTTP handler, CPE auth, router, connection requests, app (Poco)
#   acs_server       the `acs` executable (app/main.cpp)
#
# Tests: acs_tests (unit), acs_integration_tests (integration), acs_integration_pg_tests (pg).
# Benchmark: acs_bench (-DACS_BUILD_BENCHMARKS=ON).

set(_acs_dir ${CMAKE_CURRENT_LIST_DIR})

# HTTPS listeners (acs_server_lib) and acsctl's https:// URLs (api.cmake) use Poco NetSSL.
find_package(Poco REQUIRED COMPONENTS NetSSL Crypto)

acs_add_library(acs_core
  SOURCES
    ${_acs_dir}/src/core/json_value.cpp
    ${_acs_dir}/src/core/metrics.cpp
    ${_acs_dir}/src/core/process_metrics.cpp
    ${_acs_dir}/src/core/task_planner.cpp
    ${_acs_dir}/src/core/effect_applier.cpp
    ${_acs_dir}/src/core/inform_cache.cpp
    ${_acs_dir}/src/session/acs_session.cpp
    ${_acs_dir}/src/app/config.cpp
    ${_acs_dir}/src/http/connection_requester.cpp
  PUBLIC_INCLUDE ${PROJECT_SOURCE_DIR}
  PUBLIC_DEPS acs_store cwmp cwmp_json)

acs_add_library(acs_server_lib
  SOURCES
    ${_acs_dir}/src/http/cpe_auth.cpp
    ${_acs_dir}/src/http/cwmp_service.cpp
    ${_acs_dir}/src/http/cwmp_handler.cpp
    ${_acs_dir}/src/http/request_router.cpp
    ${_acs_dir}/src/http/http_connection_requester.cpp
    ${_acs_dir}/src/http/acs_server.cpp
    ${_acs_dir}/src/app/logging.cpp
  PUBLIC_DEPS acs_core acs_store_factory lab_net Poco::NetSSL Poco::Net Poco::Util Poco::Foundation)

acs_add_executable(acs_server
  OUTPUT_NAME acs
  SOURCES ${_acs_dir}/src/app/main.cpp
  DEPS acs_server_lib)

acs_add_test(acs_tests
  LABELS unit
  SOURCES
    ${_acs_dir}/test/session/fake_clock.h
    ${_acs_dir}/test/session/json_value_test.cpp
    ${_acs_dir}/test/session/metrics_test.cpp
    ${_acs_dir}/test/session/process_metrics_test.cpp
    ${_acs_dir}/test/session/config_test.cpp
    ${_acs_dir}/test/session/task_planner_test.cpp
    ${_acs_dir}/test/session/inform_cache_test.cpp
    ${_acs_dir}/test/session/acs_session_test.cpp
    ${_acs_dir}/test/session/http_helpers_test.cpp
  DEPS acs_core acs_server_lib)

# Integration tests: real HTTP on loopback, real SQLite files, the `acs` binary as a child
# process. The backend-parameterised cases (cwmp_session_test.cpp) run on SQLite here and on
# PostgreSQL in acs_integration_pg_tests (label pg; ACS_TEST_PG_DSN, see ci/pg.sh).
set(_acs_itest_support ${_acs_dir}/test/integration/cwmp_test_support.cpp)
set(_acs_itest_deps acs_server_lib)
if(ACS_WITH_POSTGRES)
  list(APPEND _acs_itest_deps Poco::DataPostgreSQL)
endif()

acs_add_test(acs_integration_tests
  LABELS integration
  TIMEOUT 120
  SOURCES
    ${_acs_itest_support}
    ${_acs_dir}/test/integration/cwmp_backend_sqlite.cpp
    ${_acs_dir}/test/integration/cwmp_session_test.cpp
    ${_acs_dir}/test/integration/cwmp_auth_test.cpp
    ${_acs_dir}/test/integration/cwmp_process_test.cpp
    ${_acs_dir}/test/integration/cwmp_connection_request_test.cpp
    ${_acs_dir}/test/integration/acs_tls_test.cpp
  DEPS ${_acs_itest_deps})

if(ACS_WITH_POSTGRES)
  acs_add_test(acs_integration_pg_tests
    LABELS pg
    TIMEOUT 120
    SOURCES
      ${_acs_itest_support}
      ${_acs_dir}/test/integration/cwmp_backend_pg.cpp
      ${_acs_dir}/test/integration/cwmp_session_test.cpp
      ${_acs_dir}/test/integration/cwmp_pg_test.cpp
    DEPS ${_acs_itest_deps})
endif()

if(TARGET acs_tests)
  # The example configuration must stay loadable (config_test.cpp reads it).
  target_compile_definitions(acs_tests PRIVATE ACS_DEPLOY_DIR="${_acs_dir}/deploy")
endif()

# acs_tls_test.cpp (HTTPS listeners, acsctl over https, gzip replies) runs the acsctl binary.
if(TARGET acs_integration_tests)
  add_dependencies(acs_integration_tests acsctl)
  target_compile_definitions(acs_integration_tests PRIVATE ACSCTL_PATH="$<TARGET_FILE:acsctl>")
endif()

foreach(_t acs_integration_tests acs_integration_pg_tests)
  if(TARGET ${_t})
    add_dependencies(${_t} acs_server)
    target_compile_definitions(${_t} PRIVATE ACS_BINARY_PATH="$<TARGET_FILE:acs_server>"
                                             $<$<BOOL:${ACS_WITH_POSTGRES}>:ACS_ITEST_POSTGRES=1>)
  endif()
endforeach()

# The REST API and acsctl, then the dashboard's embedded assets; the server routes to both.
include(${CMAKE_CURRENT_LIST_DIR}/api.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/web.cmake)
target_link_libraries(acs_server_lib PUBLIC acs_api acs_web)

# acs_bench: a load tool with its own main (not Google Benchmark): periodic sessions/s through
# the ACS vs. a do-nothing Poco server in the same run. Built with -DACS_BUILD_BENCHMARKS=ON.
if(ACS_BUILD_BENCHMARKS)
  acs_add_executable(acs_bench
    SOURCES ${_acs_dir}/bench/acs_bench.cpp
    DEPS acs_server_lib)
  add_dependencies(acs_benchmarks acs_bench)
endif()
