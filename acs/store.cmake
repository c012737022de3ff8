# The ACS store: the pure interface (acs_store), the SQLite and PostgreSQL backends, tests.
#
#   acs_store           store.h domain types + helpers, DATABASE_URL parsing (no Poco)
#   acs_store_sql       the SQL store written once for both dialects, group commit (no Poco)
#   acs_store_sqlite    SqliteStore (Poco::Data::SQLite)
#   acs_store_postgres  PostgresStore (libpq), when ACS_WITH_POSTGRES
#   acs_store_factory   openStore(DATABASE_URL)
#
# Tests: acs_store_tests (unit), acs_store_contract_sqlite_tests (unit),
# acs_store_contract_pg_tests (pg; needs ACS_TEST_PG_DSN). Benchmark: acs_store_bench.

set(_acs_store_dir ${CMAKE_CURRENT_LIST_DIR})

acs_add_library(acs_store
  SOURCES ${_acs_store_dir}/src/store/store.cpp
          ${_acs_store_dir}/src/store/store_url.cpp
  PUBLIC_INCLUDE ${_acs_store_dir}/src)

acs_add_library(acs_store_sql
  SOURCES ${_acs_store_dir}/src/store/sql/sql_store.cpp
          ${_acs_store_dir}/src/store/sql/sql_text.cpp
          ${_acs_store_dir}/src/store/sql/write_queue.cpp
          ${_acs_store_dir}/src/store/sql/periodic_task.cpp
          ${_acs_store_dir}/src/store/sql/conn.cpp
          ${_acs_store_dir}/src/store/sql/migrations.cpp
          ${_acs_store_dir}/src/store/sql/sql_store_dashboard.cpp  # dashboard (issue 7)
  PUBLIC_DEPS acs_store)
# SQLite statements run through the sqlite3 API on the connection Poco opens (sqlite_conn.h);
# PostgreSQL uses libpq directly (pg_conn.h explains why not Poco::Data::PostgreSQL).
if(NOT TARGET SQLite::SQLite3)
  find_package(SQLite3 REQUIRED)
endif()

acs_add_library(acs_store_sqlite
  SOURCES ${_acs_store_dir}/src/store/sqlite/sqlite_store.cpp
          ${_acs_store_dir}/src/store/sqlite/sqlite_conn.cpp
  PUBLIC_DEPS acs_store_sql Poco::DataSQLite
  PRIVATE_DEPS SQLite::SQLite3)

set(_acs_store_backends acs_store_sqlite)
if(ACS_WITH_POSTGRES)
  acs_add_library(acs_store_postgres
    SOURCES ${_acs_store_dir}/src/store/postgres/postgres_store.cpp
            ${_acs_store_dir}/src/store/postgres/pg_conn.cpp
    PUBLIC_DEPS acs_store_sql PostgreSQL::PostgreSQL)
  list(APPEND _acs_store_backends acs_store_postgres)
endif()

acs_add_library(acs_store_factory
  SOURCES ${_acs_store_dir}/src/store/store_factory.cpp
  PUBLIC_DEPS acs_store
  PRIVATE_DEPS ${_acs_store_backends})
if(ACS_WITH_POSTGRES)
  target_compile_definitions(acs_store_factory PRIVATE ACS_STORE_WITH_POSTGRES=1)
endif()

# --- Tests ------------------------------------------------------------------------------------

acs_add_test(acs_store_tests
  SOURCES ${_acs_store_dir}/test/store/store_helpers_test.cpp
          ${_acs_store_dir}/test/store/database_url_test.cpp
          ${_acs_store_dir}/test/store/sql_text_test.cpp
          ${_acs_store_dir}/test/store/sqlite_store_test.cpp
          ${_acs_store_dir}/test/store/write_queue_test.cpp
  DEPS acs_store_factory acs_store_sqlite
  LABELS unit)

acs_add_test(acs_store_contract_sqlite_tests
  SOURCES ${_acs_store_dir}/test/contract/store_contract.cpp
          ${_acs_store_dir}/test/contract/sqlite_contract_test.cpp
          ${_acs_store_dir}/test/contract/dashboard_contract.cpp  # issue 7
  INCLUDE ${_acs_store_dir}/test
  DEPS acs_store_factory
  LABELS unit)

if(ACS_WITH_POSTGRES)
  acs_add_test(acs_store_contract_pg_tests
    SOURCES ${_acs_store_dir}/test/contract/store_contract.cpp
            ${_acs_store_dir}/test/contract/pg_contract_test.cpp
            ${_acs_store_dir}/test/contract/dashboard_contract.cpp  # issue 7
    INCLUDE ${_acs_store_dir}/test
    DEPS acs_store_factory acs_store_postgres
    LABELS pg
    TIMEOUT 120)
endif()

acs_add_benchmark(acs_store_bench
  SOURCES ${_acs_store_dir}/src/store/bench/store_bench.cpp
  DEPS acs_store_factory acs_store_sql)
if(TARGET acs_store_contract_pg_tests)
  # The restart test drives ci/pg.sh.
  target_compile_definitions(acs_store_contract_pg_tests PRIVATE
                             ACS_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
