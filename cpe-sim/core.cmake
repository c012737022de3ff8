# cpe-sim core: the pure device model and CPE session engine (cpesim_core), the profile
# loaders (cpesim_profile, yaml-cpp) and their unit tests (cpesim_tests). Included first by
# cpe-sim/CMakeLists.txt; paths are relative to this directory.
#
#   cpesim_core     <- cwmp                      [src/device, src/session,
#                                                 src/quirks/quirk_parse.cpp]  no Poco
#   cpesim_profile  <- cpesim_core, yaml-cpp     [src/profile]

acs_add_library(cpesim_core
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/src/device/model_template.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/profile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/device.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/device_state.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/rpc.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/file_types.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/device/software_modules.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/session/cpe_session.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/quirks/quirk_parse.cpp
  PUBLIC_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/src
  PUBLIC_DEPS cwmp)

acs_add_library(cpesim_profile
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/src/profile/yaml_util.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/profile/profile_loader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/src/profile/parameter_import.cpp
  PUBLIC_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/src
  PUBLIC_DEPS cpesim_core
  PRIVATE_DEPS yaml-cpp)

acs_add_test(cpesim_tests
  LABELS unit
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/test_support.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/profile_loader_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/parameter_import_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/rpc_parameters_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/rpc_objects_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/cpe_session_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/device_state_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/software_modules_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test/unit/generated_notification_test.cpp
  DEPS cpesim_core cpesim_profile)
if(TARGET cpesim_tests)
  target_compile_definitions(cpesim_tests PRIVATE
    CPESIM_PROFILES_DIR="${CMAKE_CURRENT_LIST_DIR}/profiles")
  target_include_directories(cpesim_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test/unit)
endif()

# Measures the RSS of idle devices (100,000 by default); run it by hand, not from ctest.
if(ACS_BUILD_TESTS)
  acs_add_executable(cpesim_memory_probe
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test/unit/memory_probe.cpp
    DEPS cpesim_core cpesim_profile)
  target_compile_definitions(cpesim_memory_probe PRIVATE
    CPESIM_PROFILES_DIR="${CMAKE_CURRENT_LIST_DIR}/profiles")
endif()
