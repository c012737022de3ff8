// The `acs` executable: the ACS server (Poco::Util::ServerApplication).
//
//   acs --help
//   ACS_PORT=0 acs --data-dir /var/lib/acs      # prints "acs: listening on http://127.0.0.1:N"
//   acs --tls-cert cert.pem --tls-key key.pem    # HTTPS: "acs: listening on https://..."
//
// Configuration: flags > environment > config file (--config FILE or ACS_CONFIG) > defaults
// (acs/src/app/config.h, acs/deploy/acs.conf.example). Exit codes: 0 after a clean shutdown,
// EXIT_CONFIG (78) for invalid configuration (unusable TLS files included), EXIT_SOFTWARE (70)
// when the store cannot be opened, EXIT_OSERR (71) when a port cannot be bound.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>
#include <pthread.h>
#include <signal.h>

#include "acs/src/core/allocator.h"
#include "acs/src/app/config.h"
#include "acs/src/app/logging.h"
#include "acs/src/http/acs_server.h"

namespace acs::app {

namespace {

// Long options that take a value and map to config keys (the rest go through --set).
const char* const kValueOptions[][2] = {
    {"host", "address to listen on (ACS_HOST)"},
    {"port", "main port (ACS_PORT, default 7547; 0 = any free port)"},
    {"cwmp-port", "separate port for /cwmp (ACS_CWMP_PORT)"},
    {"tls-cert", "PEM certificate (chain): HTTPS on every listener (ACS_TLS_CERT)"},
    {"tls-key", "PEM private key of --tls-cert (ACS_TLS_KEY)"},
    {"data-dir", "directory of the default SQLite database (ACS_DATA_DIR)"},
    {"database-url", "sqlite:///path.db or postgresql://user:pass@host:port/db (DATABASE_URL)"},
    {"log-level", "fatal .. trace (LOG_LEVEL)"},
    {"log-format", "text or json (LOG_FORMAT)"},
    {"session-timeout", "seconds (ACS_SESSION_TIMEOUT)"},
    {"max-threads", "HTTP worker threads (ACS_MAX_THREADS)"},
    {"max-queued", "queued connections before 8005/503 (ACS_MAX_QUEUED)"},
};

class AcsApplication final : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    options.addOption(
        Poco::Util::Option("help", "h", "print this help and exit")
            .required(false)
            .repeatable(false)
            .callback(Poco::Util::OptionCallback<AcsApplication>(this, &AcsApplication::onHelp)));
    options.addOption(
        Poco::Util::Option("config", "c", "read configuration from FILE (ACS_CONFIG)")
            .required(false)
            .repeatable(false)
            .argument("FILE")
            .callback(Poco::Util::OptionCallback<AcsApplication>(this, &AcsApplication::onValue)));
    for (const auto& [name, help] : kValueOptions) {
      options.addOption(Poco::Util::Option(name, "", help)
                            .required(false)
                            .repeatable(false)
                            .argument("VALUE")
                            .callback(Poco::Util::OptionCallback<AcsApplication>(
                                this, &AcsApplication::onValue)));
    }
    options.addOption(
        Poco::Util::Option("allow-insecure", "", "allow a non-loopback bind with API auth off")
            .required(false)
            .repeatable(false)
            .callback(Poco::Util::OptionCallback<AcsApplication>(this, &AcsApplication::onFlag)));
    options.addOption(
        Poco::Util::Option("set", "D", "set any configuration key, e.g. -D cpe_auth.mode=digest")
            .required(false)
            .repeatable(true)
            .argument("KEY=VALUE")
            .callback(Poco::Util::OptionCallback<AcsApplication>(this, &AcsApplication::onSet)));
  }

  int main(const ArgVec& args) override {
    if (help_) return EXIT_OK;
    if (!args.empty()) {
      std::cerr << "acs: unexpected argument '" << args.front() << "' (try --help)\n";
      return EXIT_USAGE;
    }
    if (!usage_error_.empty()) {
      std::cerr << "acs: " << usage_error_ << "\n";
      return EXIT_USAGE;
    }
    ConfigSources sources;
    sources.flags = flags_;
    for (const auto& [name, help] : configEnvironmentVariables()) {
      if (const char* v = std::getenv(name.c_str())) sources.env[name] = v;
    }
    std::string file = flags_.count("config") ? flags_["config"] : sources.env["ACS_CONFIG"];
    sources.env.erase("ACS_CONFIG");
    if (!file.empty()) {
      std::ifstream in(file);
      if (!in) {
        std::cerr << "acs: cannot read config file '" << file << "'\n";
        return EXIT_CONFIG;
      }
      std::ostringstream text;
      text << in.rdbuf();
      sources.file_text = text.str();
      sources.file_name = file;
    }
    auto config = loadConfig(sources);
    if (!config.ok()) {
      std::cerr << "acs: invalid configuration: " << config.error().message << "\n";
      return EXIT_CONFIG;
    }
    if (std::string refusal = checkBindSecurity(*config); !refusal.empty()) {
      std::cerr << "acs: " << refusal << "\n";
      return EXIT_CONFIG;
    }
    configureLogging(config->log_level, config->log_format);

    // Block the termination signals before any thread starts, so every thread inherits the
    // mask and waitForTerminationRequest()'s sigwait() is the one that receives them
    // (otherwise the kernel may deliver SIGTERM to a worker thread and kill the process
    // without a graceful shutdown).
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGQUIT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    http::AcsServer server(*config);
    if (std::string error = server.start(); !error.empty()) {
      std::cerr << "acs: " << error << "\n";
      if (error.rfind(http::AcsServer::kTlsErrorPrefix, 0) == 0) return EXIT_CONFIG;
      return error.rfind("cannot listen", 0) == 0 ? EXIT_OSERR : EXIT_SOFTWARE;
    }
    const auto urls = server.urls();
    std::cout << "acs: listening on " << urls[0] << std::endl;
    std::cout << "acs: CWMP endpoint " << urls[1] << std::endl;
    std::cout << "acs: REST API " << urls[0] << "/api  metrics " << urls[0] << "/metrics"
              << std::endl;
    waitForTerminationRequest();
    std::cout << "acs: shutting down" << std::endl;
    server.stop(std::chrono::seconds(config->shutdown_grace_s));
    std::cout << "acs: stopped" << std::endl;
    return EXIT_OK;
  }

 private:
  void onHelp(const std::string&, const std::string&) {
    help_ = true;
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[options]");
    help.setHeader(
        "cwmp-lab ACS: the TR-069 auto-configuration server (CWMP on /cwmp, REST on /api).");
    std::ostringstream footer;
    footer << "Environment (flags > environment > config file > defaults):\n";
    for (const auto& [name, text] : configEnvironmentVariables()) {
      footer << "  " << name << "\n      " << text << "\n";
    }
    footer << "Any config-file key can also be given as -D key=value.";
    help.setFooter(footer.str());
    help.format(std::cout);
    stopOptionsProcessing();
  }

  void onValue(const std::string& name, const std::string& value) { flags_[name] = value; }

  void onFlag(const std::string& name, const std::string&) { flags_[name] = "1"; }

  void onSet(const std::string&, const std::string& value) {
    auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0) {
      usage_error_ = "-D/--set expects KEY=VALUE, got '" + value + "'";
      return;
    }
    flags_[value.substr(0, eq)] = value.substr(eq + 1);
  }

  bool help_ = false;
  std::string usage_error_;
  std::map<std::string, std::string> flags_;
};

}  // namespace

}  // namespace acs::app

int main(int argc, char** argv) {
  acs::tuneAllocator();
  acs::app::AcsApplication app;
  return app.run(argc, argv);
}
