# The ACS REST API and its command-line client (included from server.cmake).
#
#   acs_api          ApiRouter: /api/* and /metrics (JSON validation, OpenAPI document, CORS,
#                    API keys); Poco::JSON at the edge only
#   acsctl_core      acsctl's commands, HTTP client and table output (a library so the unit
#                    tests can drive it)
#   acsctl           the `acsctl` executable
#
# Tests: acs_api_tests (unit), acs_api_integration_tests (integration: real HTTP on loopback,
# a real SQLite file, the acsctl binary as a subprocess).
# acs_api_latency_check: GET /api/devices latency with 100,000 stored devices; a measuring
# tool run by hand (not a ctest), built with the tests.

set(_acs_api_dir ${CMAKE_CURRENT_LIST_DIR})
set(_acs_api_openapi_cpp ${CMAKE_CURRENT_BINARY_DIR}/generated/openapi_document.cpp)

# openapi.json is compiled into the binary, so the server needs no data files at run time.
add_custom_command(
  OUTPUT ${_acs_api_openapi_cpp}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${_acs_api_dir}/src/api/openapi.json
          -DOUTPUT=${_acs_api_openapi_cpp} -DNAMESPACE=acs::api -DFUNCTION=openApiDocument
          -DHEADER=api/openapi.h -P ${_acs_api_dir}/src/api/embed_file.cmake
  DEPENDS ${_acs_api_dir}/src/api/openapi.json ${_acs_api_dir}/src/api/embed_file.cmake
  COMMENT "Embedding the OpenAPI document (acs/src/api/openapi.json)"
  VERBATIM)

acs_add_library(acs_api
  SOURCES
    ${_acs_api_dir}/src/api/api_json.cpp
    ${_acs_api_dir}/src/api/api_requests.cpp
    ${_acs_api_dir}/src/api/api_router.cpp
    ${_acs_api_dir}/src/api/dashboard_api.cpp
    ${_acs_api_dir}/src/api/json_input.cpp
    ${_acs_api_dir}/src/api/json_writer.cpp
    ${_acs_api_openapi_cpp}
  PUBLIC_INCLUDE ${_acs_api_dir}/src
  PUBLIC_DEPS acs_core acs_store Poco::Net Poco::JSON Poco::Foundation
  PRIVATE_DEPS cwmp_json)

acs_add_library(acsctl_core
  SOURCES
    ${_acs_api_dir}/src/cli/acsctl_app.cpp
    ${_acs_api_dir}/src/cli/api_client.cpp
    ${_acs_api_dir}/src/cli/table.cpp
    ${_acs_api_dir}/src/cli/task_args.cpp
  PUBLIC_INCLUDE ${_acs_api_dir}/src
  PUBLIC_DEPS cwmp
  PRIVATE_DEPS lab_net Poco::NetSSL Poco::Net Poco::JSON Poco::Foundation)

acs_add_executable(acsctl
  SOURCES ${_acs_api_dir}/src/cli/acsctl.cpp
  DEPS acsctl_core)

# --- Tests ------------------------------------------------------------------------------------

acs_add_test(acs_api_tests
  LABELS unit
  SOURCES
    ${_acs_api_dir}/test/api/json_writer_test.cpp
    ${_acs_api_dir}/test/api/json_input_test.cpp
    ${_acs_api_dir}/test/api/api_requests_test.cpp
    ${_acs_api_dir}/test/api/api_json_test.cpp
    ${_acs_api_dir}/test/api/api_router_test.cpp
    ${_acs_api_dir}/test/api/dashboard_api_test.cpp
    ${_acs_api_dir}/test/api/openapi_test.cpp
    ${_acs_api_dir}/test/api/acsctl_cli_test.cpp
    ${_acs_api_dir}/test/api/api_test_support.cpp
  INCLUDE ${_acs_api_dir}/test
  DEPS acs_api acsctl_core acs_store_factory)

acs_add_test(acs_api_integration_tests
  LABELS integration
  TIMEOUT 120
  SOURCES
    ${_acs_api_dir}/test/api/api_test_support.cpp
    ${_acs_api_dir}/test/integration/api_test_server.cpp
    ${_acs_api_dir}/test/integration/api_http_test.cpp
    ${_acs_api_dir}/test/integration/acsctl_test.cpp
    ${_acs_api_dir}/test/integration/api_dashboard_http_test.cpp
    ${_acs_api_dir}/test/integration/api_dashboard_sqlite_test.cpp
  INCLUDE ${_acs_api_dir}/test
  DEPS acs_api acs_store_factory lab_net Poco::Net Poco::Foundation)

# The dashboard HTTP tests on PostgreSQL (label pg; needs ACS_TEST_PG_DSN).
if(ACS_WITH_POSTGRES)
  acs_add_test(acs_api_pg_tests
    LABELS pg
    TIMEOUT 120
    SOURCES
      ${_acs_api_dir}/test/api/api_test_support.cpp
      ${_acs_api_dir}/test/integration/api_test_server.cpp
      ${_acs_api_dir}/test/integration/api_dashboard_http_test.cpp
      ${_acs_api_dir}/test/integration/api_dashboard_pg_test.cpp
    INCLUDE ${_acs_api_dir}/test
    DEPS acs_api acs_store_factory acs_store_postgres lab_net Poco::Net Poco::Foundation)
endif()

if(TARGET acs_api_integration_tests)
  # The acsctl tests run the real binary as a subprocess.
  add_dependencies(acs_api_integration_tests acsctl)
  target_compile_definitions(acs_api_integration_tests PRIVATE
    ACSCTL_PATH="$<TARGET_FILE:acsctl>")

  add_executable(acs_api_latency_check
    ${_acs_api_dir}/test/integration/api_latency_check.cpp
    ${_acs_api_dir}/test/api/api_test_support.cpp
    ${_acs_api_dir}/test/integration/api_test_server.cpp)
  target_include_directories(acs_api_latency_check PRIVATE ${_acs_api_dir}/test)
  target_link_libraries(acs_api_latency_check PRIVATE
    acs_api acs_store_factory lab_net Poco::Net Poco::Foundation)
  _acs_apply_flags(acs_api_latency_check)
endif()
