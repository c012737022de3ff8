# ACS_* options and the helpers every component CMakeLists.txt uses to declare its targets
# (style.md 3.10). Each helper puts our warning set, ACS_WERROR, the sanitizer flags,
# clang-tidy and an acs:: alias on the target it creates: never on CMAKE_CXX_FLAGS, so nothing
# leaks into third-party code.
#
#   acs_add_library(cwmp SOURCES src/a.cpp PUBLIC_INCLUDE include PRIVATE_DEPS EXPAT::EXPAT)
#   acs_add_executable(cwmp_tool SOURCES tool/main.cpp OUTPUT_NAME cwmp-tool DEPS cwmp)
#   acs_add_test(cwmp_tests SOURCES test/a_test.cpp DEPS cwmp LABELS unit)
#   acs_add_benchmark(cwmp_bench SOURCES bench/codec_bench.cpp DEPS cwmp)
#   acs_add_fuzzer(cwmp_decode_envelope_fuzz SOURCES fuzz/decode_envelope_fuzz.cpp DEPS cwmp)

include_guard(GLOBAL)

# --- Options ----------------------------------------------------------------------------------

option(ACS_BUILD_TESTS "Build unit, contract and integration tests" ${PROJECT_IS_TOP_LEVEL})
option(ACS_BUILD_BENCHMARKS "Build Google Benchmark targets" OFF)
option(ACS_BUILD_FUZZERS "Build libFuzzer targets (clang only)" OFF)
option(ACS_WERROR "Add -Werror to our targets (ON in CI)" OFF)
set(ACS_SANITIZE "" CACHE STRING "Sanitizers for our targets: '', 'address,undefined' or 'thread'")
set_property(CACHE ACS_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")
# The top-level CMakeLists.txt probes for Poco::DataPostgreSQL + libpq before including us.
if(NOT DEFINED ACS_POSTGRES_FOUND)
  set(ACS_POSTGRES_FOUND OFF)
endif()
option(ACS_WITH_POSTGRES "Build acs_store_postgres (default: ON if Poco::DataPostgreSQL is found)"
       ${ACS_POSTGRES_FOUND})
option(ACS_ENABLE_CLANG_TIDY "Run clang-tidy on our targets while compiling" OFF)

if(NOT ACS_SANITIZE MATCHES "^(|address,undefined|thread)$")
  message(FATAL_ERROR "ACS_SANITIZE='${ACS_SANITIZE}': use '', 'address,undefined' or 'thread'")
endif()

if(ACS_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ACS_BUILD_FUZZERS needs clang (libFuzzer); got ${CMAKE_CXX_COMPILER_ID}. "
                        "Use the 'fuzz' preset.")
  endif()
  if(ACS_SANITIZE STREQUAL "thread")
    message(FATAL_ERROR "ACS_BUILD_FUZZERS uses address,undefined; it cannot be combined with thread")
  endif()
  add_custom_target(acs_fuzzers)  # `cmake --build ... --target acs_fuzzers` builds only fuzzers
endif()
if(ACS_BUILD_BENCHMARKS)
  add_custom_target(acs_benchmarks)
endif()

if(ACS_ENABLE_CLANG_TIDY)
  find_program(ACS_CLANG_TIDY_EXE NAMES clang-tidy clang-tidy-14 REQUIRED)
endif()

# --- Flags ------------------------------------------------------------------------------------

set(ACS_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    "$<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast;-Wnon-virtual-dtor;-Woverloaded-virtual>"
    -Wnull-dereference -Wimplicit-fallthrough)
# Note: g++ 12 can report -Wnull-dereference false positives from inlined standard-library
# code at -O2 and above (not seen in this tree so far). We keep the warning; if a
# Release/-Werror build trips on one, silence it locally (a check, or a #pragma around the
# line with a comment) rather than dropping the warning for everyone.

# Sanitizer flags for every target of ours. A fuzzing build instruments all our code for
# coverage (fuzzer-no-link) with ASan+UBSan; only the fuzzer binaries link libFuzzer itself.
if(ACS_BUILD_FUZZERS)
  set(_acs_sanitize "fuzzer-no-link,address,undefined")
else()
  set(_acs_sanitize "${ACS_SANITIZE}")
endif()
if(_acs_sanitize)
  set(ACS_SANITIZER_FLAGS -fsanitize=${_acs_sanitize} -fno-omit-frame-pointer
                          -fno-sanitize-recover=all)
else()
  set(ACS_SANITIZER_FLAGS "")
endif()

# Applies warnings, -Werror, sanitizers and clang-tidy to one of our targets.
function(_acs_apply_flags target)
  get_target_property(type ${target} TYPE)
  target_compile_options(${target} PRIVATE ${ACS_WARNINGS} $<$<BOOL:${ACS_WERROR}>:-Werror>)
  # g++ 12 reports maybe-uninitialized false positives from inlined std::string and
  # std::variant code at -O3 (e.g. cwmp/src/json.cpp in the release preset). The warning
  # stays visible; it just does not fail the build.
  if(ACS_WERROR AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
  endif()
  if(ACS_SANITIZER_FLAGS)
    target_compile_options(${target} PRIVATE ${ACS_SANITIZER_FLAGS})
    # A static library cannot carry link flags itself: hand them to whatever links it.
    if(type STREQUAL "STATIC_LIBRARY")
      target_link_options(${target} INTERFACE ${ACS_SANITIZER_FLAGS})
    else()
      target_link_options(${target} PRIVATE ${ACS_SANITIZER_FLAGS})
    endif()
  endif()
  if(ACS_ENABLE_CLANG_TIDY)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${ACS_CLANG_TIDY_EXE}")
  endif()
endfunction()

# --- Helpers ----------------------------------------------------------------------------------

# acs_add_library(name SOURCES ... [PUBLIC_INCLUDE dir...] [PRIVATE_INCLUDE dir...]
#                 [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Static library `name` with alias acs::name. Relative include dirs are relative to the
# calling CMakeLists.txt.
function(acs_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""  ""
                        "SOURCES;PUBLIC_INCLUDE;PRIVATE_INCLUDE;PUBLIC_DEPS;PRIVATE_DEPS")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "acs_add_library(${name}): SOURCES is required")
  endif()
  add_library(${name} STATIC ${arg_SOURCES})
  add_library(acs::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC ${arg_PUBLIC_INCLUDE} PRIVATE ${arg_PRIVATE_INCLUDE})
  target_link_libraries(${name} PUBLIC ${arg_PUBLIC_DEPS} PRIVATE ${arg_PRIVATE_DEPS})
  _acs_apply_flags(${name})
endfunction()

# acs_add_executable(name SOURCES ... [OUTPUT_NAME n] [DEPS ...] [INCLUDE ...])
function(acs_add_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_NAME" "SOURCES;DEPS;INCLUDE")
  add_executable(${name} ${arg_SOURCES})
  add_executable(acs::${name} ALIAS ${name})
  if(arg_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME})
  endif()
  target_include_directories(${name} PRIVATE ${arg_INCLUDE})
  target_link_libraries(${name} PRIVATE ${arg_DEPS})
  _acs_apply_flags(${name})
endfunction()

# acs_add_test(name SOURCES ... [DEPS ...] [LABELS ...] [INCLUDE ...] [TIMEOUT s]
#              [ENVIRONMENT VAR=value ...])
# One GoogleTest binary; every TEST becomes its own ctest test carrying LABELS (default: unit).
function(acs_add_test name)
  if(NOT ACS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT" "SOURCES;DEPS;LABELS;INCLUDE;ENVIRONMENT")
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_include_directories(${name} PRIVATE ${arg_INCLUDE})
  target_link_libraries(${name} PRIVATE ${arg_DEPS} GTest::gtest_main)
  _acs_apply_flags(${name})

  # CMake 3.25's gtest_discover_tests() splits list values given in PROPERTIES (LABELS
  # "unit;pg" would arrive as two words), so the properties are set by a small ctest include
  # file instead, which runs right after the discovered tests are defined.
  gtest_discover_tests(${name} TEST_LIST ${name}_TESTS DISCOVERY_TIMEOUT 60)
  set(props "LABELS [==[${arg_LABELS}]==]")
  if(arg_ENVIRONMENT)
    string(APPEND props " ENVIRONMENT [==[${arg_ENVIRONMENT}]==]")
  endif()
  if(arg_TIMEOUT)
    string(APPEND props " TIMEOUT ${arg_TIMEOUT}")
  endif()
  set(props_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake")
  file(WRITE "${props_file}"
       "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES ${props})\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${props_file}")
endfunction()

# acs_add_benchmark(name SOURCES ... [DEPS ...])
# Google Benchmark binary (main from benchmark_main). Not registered with ctest: run it
# directly or through the bench preset.
function(acs_add_benchmark name)
  if(NOT ACS_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPS")
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_DEPS} benchmark::benchmark_main)
  _acs_apply_flags(${name})
  add_dependencies(acs_benchmarks ${name})
endfunction()

# acs_add_fuzzer(name SOURCES ... [DEPS ...])
# libFuzzer binary; name it <component>_<entry>_fuzz and keep seeds in
# <component>/fuzz/corpus/<name>/ (ci/test runs every *_fuzz it finds).
function(acs_add_fuzzer name)
  if(NOT ACS_BUILD_FUZZERS)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPS")
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_DEPS})
  _acs_apply_flags(${name})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  add_dependencies(acs_fuzzers ${name})
endfunction()
