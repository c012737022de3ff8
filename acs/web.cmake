# The web dashboard (issue 7): acs/web/static/** embedded into the `acs` binary, the HTTP
# handler that serves it, and its tests.
#
#   acs_web          findAsset() over the embedded files + StaticHandler (Poco::Net)
#   acs_web_tests    unit tests (label unit)
#   acs_web_seed     test helper: fills a store with N synthetic devices (browser perf test)
#   acs_web_browser_* Playwright tests in Debian's chromium against the real `acs` (label
#                    browser); registered only when node, chromium and the npm-installed
#                    playwright-core (acs/test/browser/node_modules) are present.
#
# The dashboard is served by the ACS's request handler factory:
#   if (acs::web::StaticHandler::handles(uri)) return new acs::web::StaticHandler;

set(_acs_web_dir ${CMAKE_CURRENT_LIST_DIR})
set(_acs_web_static ${_acs_web_dir}/web/static)
set(_acs_web_generated ${CMAKE_CURRENT_BINARY_DIR}/generated/web_assets_data.cpp)

# Every file of the folder is embedded. The glob is for the build dependencies only (the
# generator reads the folder itself); CONFIGURE_DEPENDS re-runs the configure step when a file
# is added or removed, so the new file becomes a dependency too.
file(GLOB_RECURSE _acs_web_files CONFIGURE_DEPENDS LIST_DIRECTORIES false
     "${_acs_web_static}/*")

add_custom_command(
  OUTPUT ${_acs_web_generated}
  COMMAND ${CMAKE_COMMAND} -DSTATIC_DIR=${_acs_web_static} -DOUTPUT=${_acs_web_generated}
          -P ${_acs_web_dir}/web/embed_assets.cmake
  DEPENDS ${_acs_web_files} ${_acs_web_dir}/web/embed_assets.cmake
  COMMENT "Embedding the dashboard (acs/web/static)"
  VERBATIM)

# The files are long string literals; clang's -Wpedantic counts them against the 65,536
# characters ISO C++ compilers must support (g++ does not), which is no limit of ours.
set_source_files_properties(${_acs_web_generated} PROPERTIES COMPILE_OPTIONS -Wno-overlength-strings)

acs_add_library(acs_web
  SOURCES ${_acs_web_dir}/src/web/static_assets.cpp
          ${_acs_web_dir}/src/web/static_handler.cpp
          ${_acs_web_generated}
  PUBLIC_INCLUDE ${_acs_web_dir}/src
  PUBLIC_DEPS Poco::Net Poco::Foundation)

# --- Tests ------------------------------------------------------------------------------------

acs_add_test(acs_web_tests
  SOURCES ${_acs_web_dir}/test/web/static_assets_test.cpp
          ${_acs_web_dir}/test/web/static_handler_test.cpp
  DEPS acs_web lab_net Poco::Net
  LABELS unit)
if(TARGET acs_web_tests)
  # The folder the build embedded: the test compares every file with its embedded copy.
  target_compile_definitions(acs_web_tests PRIVATE ACS_WEB_STATIC_DIR="${_acs_web_static}")
endif()

if(ACS_BUILD_TESTS AND TARGET acs_store_factory)
  acs_add_executable(acs_web_seed
    SOURCES ${_acs_web_dir}/test/browser/seed/seed_devices.cpp
    DEPS acs_store_factory)
endif()

# Browser tests need the `acs` and `cpe-sim` targets, which are declared after this file
# (cpe-sim is a later component), so they are registered at the end of the top-level
# directory.
set_property(GLOBAL PROPERTY ACS_WEB_DIR "${_acs_web_dir}")

function(_acs_web_register_browser_tests)
  if(NOT ACS_BUILD_TESTS)
    return()
  endif()
  get_property(web_dir GLOBAL PROPERTY ACS_WEB_DIR)
  set(browser_dir ${web_dir}/test/browser)
  set(hint "run ci/browser-test.sh (or: ci/deps.sh browser && npm ci --prefix acs/test/browser) and re-configure")

  find_program(ACS_NODE_EXE node)
  find_program(ACS_CHROMIUM_EXE chromium PATHS /usr/bin NO_DEFAULT_PATH)
  set(missing "")
  if(NOT ACS_NODE_EXE)
    list(APPEND missing "node")
  endif()
  if(NOT ACS_CHROMIUM_EXE)
    list(APPEND missing "/usr/bin/chromium")
  endif()
  if(NOT EXISTS ${browser_dir}/node_modules/playwright-core/package.json)
    list(APPEND missing "acs/test/browser/node_modules/playwright-core")
  endif()
  if(NOT TARGET acs_server)
    list(APPEND missing "the acs_server target")
  endif()
  if(missing)
    list(JOIN missing ", " missing_text)
    message(STATUS "acs-web: browser tests (label browser) not registered: missing "
                   "${missing_text}; ${hint}")
    return()
  endif()

  set(env
      "ACS_BIN=$<TARGET_FILE:acs_server>"
      "CHROMIUM_BIN=${ACS_CHROMIUM_EXE}"
      "ACS_UI_REPORT_DIR=${PROJECT_SOURCE_DIR}/reports/ui")
  if(TARGET acs_web_seed)
    list(APPEND env "ACS_WEB_SEED_BIN=$<TARGET_FILE:acs_web_seed>")
  endif()
  if(TARGET cpe_sim)
    list(APPEND env "CPESIM_BIN=$<TARGET_FILE:cpe_sim>")
  else()
    message(STATUS "acs-web: no cpe_sim target: the browser tests that need a device will fail")
  endif()

  # The 100,000-device timing means something only for an uninstrumented `acs`; a sanitizer
  # build runs the functional suite alone.
  set(suites ui)
  if(NOT ACS_SANITIZE)
    list(APPEND suites perf)
  endif()
  foreach(suite IN LISTS suites)
    add_test(NAME acs_web_browser_${suite}
             COMMAND ${ACS_NODE_EXE} --test --test-concurrency=1 tests/${suite}.test.mjs
             WORKING_DIRECTORY ${browser_dir})
    set_tests_properties(acs_web_browser_${suite} PROPERTIES
                         LABELS browser ENVIRONMENT "${env}" TIMEOUT 600)
  endforeach()
  if(TEST acs_web_browser_perf)
    # It reports a time: keep other tests off the two cores while it runs.
    set_tests_properties(acs_web_browser_perf PROPERTIES RUN_SERIAL ON)
  endif()
  message(STATUS "acs-web: browser tests registered (label browser): ${suites}")
endfunction()

cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _acs_web_register_browser_tests)
