// acs/test/integration/cwmp_fixture.h: the fixture of the CWMP integration tests, run once per
// store backend. acs_integration_tests instantiates it for SQLite (a file in a temp dir);
// acs_integration_pg_tests for PostgreSQL (a schema of its own in ACS_TEST_PG_DSN).
#pragma once

#include <functional>
#include <memory>
#include <utility>
#include <string>

#include <gtest/gtest.h>

#include "acs/test/integration/cwmp_test_support.h"

namespace acs::itest {

enum class Backend { Sqlite, Postgres };

class CwmpBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Postgres) {
      pg_ = std::make_unique<PgSchema>();
      if (!pg_->available()) {
        if (inCi()) FAIL() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL tests must run";
        GTEST_SKIP() << "ACS_TEST_PG_DSN is not set (start a server with ci/pg.sh)";
      }
      url_ = pg_->url();
    } else {
      url_ = "sqlite://" + (dir_.path() / "acs.db").string();
    }
  }

  // Starts an ACS on this test's database; `tweak` adjusts the configuration first.
  TestServer& start(const std::function<void(AcsConfig&)>& tweak = {}) {
    AcsConfig config = testConfig(url_);
    if (tweak) tweak(config);
    servers_.push_back(std::make_unique<TestServer>(config));
    return *servers_.back();
  }

  // Two ACS processes on this test's database (two servers in this process: what one knows
  // of the other's sessions goes through the store only), "acs-a" and "acs-b", with a session
  // timeout far above a test's waits, so no lease simply expires meanwhile.
  std::pair<TestServer*, TestServer*> startTwo() {
    auto named = [](const char* instance) {
      return [instance](AcsConfig& c) {
        c.instance_id = instance;
        c.session_timeout_s = 60;
      };
    };
    TestServer& a = start(named("acs-a"));
    TestServer& b = start(named("acs-b"));
    return {&a, &b};
  }

  const std::string& databaseUrl() const { return url_; }
  const TempDir& dir() const { return dir_; }

  TempDir dir_;
  std::unique_ptr<PgSchema> pg_;
  std::string url_;
  std::vector<std::unique_ptr<TestServer>> servers_;
};

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

}  // namespace acs::itest
