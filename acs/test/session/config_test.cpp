#include "acs/src/app/config.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace acs {
namespace {

TEST(ConfigLoad, DefaultsAreSecureAndComplete) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 7547);
  EXPECT_FALSE(c->cwmp_port.has_value());
  EXPECT_FALSE(c->enable_auth);
  EXPECT_TRUE(c->cors_origins.empty());
  EXPECT_EQ(c->session_timeout_s, 30u);
  EXPECT_EQ(c->retention_days, 30u);
  EXPECT_EQ(c->cpe_auth.mode, CpeAuthMode::None);
  EXPECT_EQ(checkBindSecurity(*c), "");
}

TEST(ConfigLoad, DefaultDatabaseUrlIsAbsoluteSqliteUnderDataDir) {
  ConfigSources s;
  s.flags["data-dir"] = "/var/lib/acs";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->effectiveDatabaseUrl(), "sqlite:///var/lib/acs/acs.db");
  ConfigSources rel;
  rel.env["ACS_DATA_DIR"] = "data";
  auto r = loadConfig(rel);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->effectiveDatabaseUrl().rfind("sqlite:///", 0), 0u) << r->effectiveDatabaseUrl();
}

TEST(ConfigLoad, FlagsBeatEnvironmentWhichBeatsFile) {
  ConfigSources s;
  s.file_text = "port = 1000\nhost = 10.0.0.1\nsession_timeout = 40\nlog_level = debug\n";
  s.file_name = "acs.conf";
  s.env["ACS_PORT"] = "2000";
  s.env["ACS_SESSION_TIMEOUT"] = "50";
  s.flags["port"] = "3000";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 3000);              // flag
  EXPECT_EQ(c->session_timeout_s, 50u);  // env over file
  EXPECT_EQ(c->host, "10.0.0.1");        // file over default
  EXPECT_EQ(c->log_level, "debug");
}

TEST(ConfigLoad, InvalidEnvironmentValueNamesTheVariable) {
  ConfigSources s;
  s.env["ACS_PORT"] = "70000";
  auto c = loadConfig(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("ACS_PORT"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("70000"), std::string::npos);
}

TEST(ConfigLoad, FileUploadLimitComesFromTheConfiguration) {
  auto d = loadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->max_file_bytes, std::uint64_t{64} * 1024 * 1024);
  ConfigSources s;
  s.env["ACS_MAX_FILE_BYTES"] = "1048576";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->max_file_bytes, 1048576u);
  ConfigSources bad;
  bad.env["ACS_MAX_FILE_BYTES"] = "0";
  auto b = loadConfig(bad);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("ACS_MAX_FILE_BYTES"), std::string::npos) << b.error().message;
}

TEST(ConfigLoad, UnknownFileKeyNamesFileAndLine) {
  ConfigSources s;
  s.file_text = "# comment\n\nport = 7547\nprot = 1\n";
  s.file_name = "acs.conf";
  auto c = loadConfig(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("acs.conf:4"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("prot"), std::string::npos);
}

TEST(ConfigLoad, DuplicateFileKeyIsAnError) {
  ConfigSources s;
  s.file_text = "port = 1\nport = 2\n";
  EXPECT_FALSE(loadConfig(s).ok());
}

TEST(ConfigLoad, UnknownFlagIsAnError) {
  ConfigSources s;
  s.flags["no-such-thing"] = "1";
  auto c = loadConfig(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("--no-such-thing"), std::string::npos);
}

TEST(ConfigLoad, EnableAuthWithoutKeyIsRefused) {
  ConfigSources s;
  s.env["ENABLE_AUTH"] = "1";
  auto c = loadConfig(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("API_KEY"), std::string::npos);
  s.env["API_KEY"] = "0123456789abcdef";
  EXPECT_TRUE(loadConfig(s).ok());
}

TEST(ConfigLoad, BooleansAcceptCommonSpellings) {
  for (const char* yes : {"1", "true", "TRUE", "yes", "on"}) {
    ConfigSources s;
    s.env["ACS_ALLOW_INSECURE"] = yes;
    auto c = loadConfig(s);
    ASSERT_TRUE(c.ok()) << yes;
    EXPECT_TRUE(c->allow_insecure) << yes;
  }
  ConfigSources bad;
  bad.env["ACS_ALLOW_INSECURE"] = "maybe";
  EXPECT_FALSE(loadConfig(bad).ok());
}

TEST(ConfigLoad, NonLoopbackBindWithoutAuthIsRefusedUnlessInsecureAllowed) {
  ConfigSources s;
  s.env["ACS_HOST"] = "0.0.0.0";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(checkBindSecurity(*c), "");
  s.env["ACS_ALLOW_INSECURE"] = "1";
  c = loadConfig(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(checkBindSecurity(*c), "");
  ConfigSources authed;
  authed.env["ACS_HOST"] = "0.0.0.0";
  authed.env["ENABLE_AUTH"] = "1";
  authed.env["API_KEY"] = "k";
  c = loadConfig(authed);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(checkBindSecurity(*c), "");
}

TEST(ConfigLoad, LoopbackHosts) {
  EXPECT_TRUE(isLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(isLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(isLoopbackHost("localhost"));
  EXPECT_TRUE(isLoopbackHost("::1"));
  EXPECT_FALSE(isLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(isLoopbackHost("192.168.1.1"));
}

TEST(ConfigLoad, CpeAuthNeedsCredentialsAndBasicNeedsExplicitConsent) {
  ConfigSources s;
  s.env["ACS_CPE_AUTH"] = "digest";
  EXPECT_FALSE(loadConfig(s).ok());
  s.env["ACS_CPE_USERNAME"] = "cpe";
  s.env["ACS_CPE_PASSWORD"] = "secret";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cpe_auth.mode, CpeAuthMode::Digest);
  s.env["ACS_CPE_AUTH"] = "basic";
  auto basic = loadConfig(s);
  ASSERT_FALSE(basic.ok());
  EXPECT_NE(basic.error().message.find("TLS"), std::string::npos);
  s.env["ACS_CPE_ALLOW_BASIC"] = "1";
  EXPECT_TRUE(loadConfig(s).ok());
}

TEST(ConfigLoad, TlsNeedsCertificateAndKeyTogetherFromEverySource) {
  ConfigSources s;
  s.env["ACS_TLS_CERT"] = "/etc/acs/cert.pem";
  auto half = loadConfig(s);
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("ACS_TLS_KEY"), std::string::npos);
  s.env["ACS_TLS_KEY"] = "/etc/acs/key.pem";
  auto both = loadConfig(s);
  ASSERT_TRUE(both.ok()) << both.error().message;
  EXPECT_TRUE(both->tls.enabled());
  EXPECT_EQ(both->tls.cert_file, "/etc/acs/cert.pem");
  EXPECT_EQ(both->tls.key_file, "/etc/acs/key.pem");

  ConfigSources f;
  f.file_text = "tls.cert_file = /a/cert.pem\ntls.key_file = /a/key.pem\n";
  f.flags["tls-cert"] = "/b/cert.pem";  // the acs flag names; flags win over the file
  f.flags["tls-key-file"] = "/b/key.pem";
  auto flagged = loadConfig(f);
  ASSERT_TRUE(flagged.ok()) << flagged.error().message;
  EXPECT_EQ(flagged->tls.cert_file, "/b/cert.pem");
  EXPECT_EQ(flagged->tls.key_file, "/b/key.pem");
  EXPECT_FALSE(loadConfig(ConfigSources{}).value().tls.enabled());
}

TEST(ConfigLoad, BasicCpeAuthNeedsNoExtraConsentWithTls) {
  ConfigSources s;
  s.env["ACS_CPE_AUTH"] = "basic";
  s.env["ACS_CPE_USERNAME"] = "cpe";
  s.env["ACS_CPE_PASSWORD"] = "secret";
  ASSERT_FALSE(loadConfig(s).ok());
  s.env["ACS_TLS_CERT"] = "/etc/acs/cert.pem";
  s.env["ACS_TLS_KEY"] = "/etc/acs/key.pem";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cpe_auth.mode, CpeAuthMode::Basic);
  EXPECT_FALSE(c->cpe_auth.allow_basic_without_tls);
}

TEST(ConfigLoad, PerDeviceCredentialsFromFile) {
  ConfigSources s;
  s.file_text =
      "cpe_auth.mode = digest\n"
      "cpe_auth.user.00A0C9-RG1-SN1 = \"pass one\"\n"
      "cpe_auth.user.00A0C9-RG1-SN2 = two\n";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cpe_auth.per_device.at("00A0C9-RG1-SN1"), "pass one");
  EXPECT_EQ(c->cpe_auth.per_device.at("00A0C9-RG1-SN2"), "two");
}

TEST(ConfigLoad, ListsAndEnumerations) {
  ConfigSources s;
  s.env["ACS_CORS_ORIGINS"] = "https://a.example, https://b.example";
  s.env["ACS_CWMP_VERSIONS"] = "1.0,1.2";
  s.env["LOG_FORMAT"] = "JSON";
  s.env["LOG_LEVEL"] = "warn";
  s.env["ACS_HOLD_REQUESTS"] = "when_tasks_pending";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c->supported_cwmp_versions, (std::vector<std::string>{"1.0", "1.2"}));
  EXPECT_EQ(c->log_format, LogFormat::Json);
  EXPECT_EQ(c->log_level, "warning");
  EXPECT_EQ(c->hold_requests, HoldRequestsPolicy::WhenTasksPending);
  s.env["ACS_CWMP_VERSIONS"] = "2.0";
  EXPECT_FALSE(loadConfig(s).ok());
}

TEST(ConfigLoad, CwmpPortMustDifferFromMainPort) {
  ConfigSources s;
  s.env["ACS_PORT"] = "8000";
  s.env["ACS_CWMP_PORT"] = "8000";
  EXPECT_FALSE(loadConfig(s).ok());
  s.env["ACS_CWMP_PORT"] = "8001";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->cwmp_port, 8001);
}

TEST(ConfigLoad, RejectsUnknownDatabaseScheme) {
  ConfigSources s;
  s.env["DATABASE_URL"] = "mysql://x";
  auto c = loadConfig(s);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("DATABASE_URL"), std::string::npos);
}

TEST(ConfigLoad, EveryEnvironmentVariableIsDocumented) {
  const auto& vars = configEnvironmentVariables();
  auto has = [&](const std::string& name) {
    for (const auto& [n, help] : vars) {
      if (n == name && !help.empty()) return true;
    }
    return false;
  };
  for (const char* name :
       {"ACS_HOST", "ACS_PORT", "ACS_CWMP_PORT", "DATABASE_URL", "ENABLE_AUTH", "API_KEY",
        "LOG_LEVEL", "LOG_FORMAT", "ACS_SESSION_TIMEOUT", "ACS_MAX_THREADS", "ACS_MAX_QUEUED",
        "ACS_ALLOW_INSECURE", "ACS_DATA_DIR", "ACS_CONFIG"}) {
    EXPECT_TRUE(has(name)) << name;
  }
}

}  // namespace
}  // namespace acs

namespace acs {
namespace {

TEST(ConfigLoad, TheExampleConfigurationFileLoads) {
  std::ifstream in(std::string(ACS_DEPLOY_DIR) + "/acs.conf.example");
  ASSERT_TRUE(in) << ACS_DEPLOY_DIR;
  std::ostringstream text;
  text << in.rdbuf();
  ConfigSources s;
  s.file_text = text.str();
  s.file_name = "acs.conf.example";
  auto c = loadConfig(s);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 7547);
  EXPECT_EQ(c->data_dir, "/var/lib/acs");
  EXPECT_EQ(c->max_threads, 64u);
  EXPECT_EQ(c->retention_days, 30u);
  // Every documented environment variable appears in the example.
  for (const auto& [name, help] : configEnvironmentVariables()) {
    if (name == "ACS_CONFIG") continue;
    const bool mentioned = s.file_text->find("[" + name) != std::string::npos ||
                           s.file_text->find(", " + name) != std::string::npos;
    EXPECT_TRUE(mentioned) << name << " is not mentioned in acs.conf.example";
  }
}

}  // namespace
}  // namespace acs
