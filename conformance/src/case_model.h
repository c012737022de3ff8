// conformance/case_model.h: the conformance case model.
//
// A Case checks one rule of TR-069 Amendment 6 (or of docs/cwmp-checklist.md) against a
// peer over real HTTP. Its run function drives the peer through a CaseContext, which records
// every HTTP exchange (request and response, status, headers and bodies) so that a failure
// can show the wire. A run function ends in one of three ways: it returns (pass), it calls
// ctx.fail() (the peer broke the rule) or ctx.skip() (the case cannot run here, e.g. no
// trigger was configured). Skipped cases are never counted as passed.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace conformance {

enum class Level { Mandatory, Optional };
enum class Side { Acs, Cpe };
enum class Outcome { Pass, Fail, Skip };

std::string_view levelName(Level level);
std::string_view sideName(Side side);
std::string_view outcomeName(Outcome outcome);

// One HTTP request/response pair as seen on the wire (bodies cut at kMaxRecordedBody).
struct Exchange {
  std::string note;  // what the harness was doing, e.g. "Inform (device A)"
  std::string method;
  std::string target;  // URL
  std::vector<std::pair<std::string, std::string>> request_headers;
  std::string request_body;
  int status = 0;  // 0: no response (transport error, see error)
  std::string reason;
  std::vector<std::pair<std::string, std::string>> response_headers;
  std::string response_body;
  std::string error;  // transport error text, "" when a response arrived
};

inline constexpr std::size_t kMaxRecordedBody = 8192;

// How a case can ask the ACS under test to issue an RPC to a device.
class Trigger {
 public:
  virtual ~Trigger() = default;
  // Queues `method` with arguments `args_json` (cwmp_json body shape) for `device_id`, to be
  // sent in the device's next session; with `connection_request` the ACS is also asked to
  // send the device a Connection Request. Returns "" on success or what went wrong.
  virtual std::string queue(const std::string& device_id, const std::string& method,
                            const std::string& args_json, bool connection_request) = 0;
  virtual std::string describe() const = 0;
};

struct CpeTarget;  // cpe_harness.h

struct RunConfig {
  std::string acs_url;               // ACS mode: the ACS's CWMP URL
  std::shared_ptr<Trigger> trigger;  // null: trigger cases are skipped
  std::string cpe_username;          // ACS mode: credentials the ACS expects (auth cases)
  std::string cpe_password;
  std::string run_tag;  // distinguishes devices of one run from earlier runs
  std::chrono::milliseconds timeout{5000};
  // ACS mode over https: trust this PEM file instead of the system's CAs, or (insecure)
  // verify nothing, for test ACSs with self-signed certificates.
  std::string ca_file;
  bool insecure = false;
  std::shared_ptr<CpeTarget> cpe;  // CPE mode: the harness's ACS side and what it learnt
};

class CaseContext;

struct Case {
  std::string id;     // e.g. "ACS-SESS-01"
  std::string title;  // one sentence
  std::string rule;   // checklist item and spec section, e.g. "T-SESS-01 (Amd 6 §3.7.1.1)"
  Level level = Level::Mandatory;
  Side side = Side::Acs;
  // The defect of the test peer (conformance/test) that makes this case fail; documents and
  // drives the case's negative control.
  std::string defect;
  std::function<void(CaseContext&)> run;
};

struct CaseResult {
  const Case* c = nullptr;
  Outcome outcome = Outcome::Pass;
  std::string message;  // starts with the rule on failure and skip
  std::vector<Exchange> exchanges;
  double seconds = 0;
};

// Thrown by CaseContext::fail / skip; caught by the runner only.
struct CaseStop {
  Outcome outcome;
  std::string message;
};

class CaseContext {
 public:
  CaseContext(const Case& c, const RunConfig& config) : case_(c), config_(config) {}

  const Case& currentCase() const { return case_; }
  const RunConfig& config() const { return config_; }
  std::vector<Exchange>& exchanges() { return exchanges_; }

  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void skip(const std::string& message) const;
  void require(bool condition, const std::string& message) const {
    if (!condition) fail(message);
  }
  // A device serial unique to this case and run; `suffix` tells devices of one case apart.
  std::string serial(const std::string& suffix = "") const;

 private:
  const Case& case_;
  const RunConfig& config_;
  std::vector<Exchange> exchanges_;
};

// Runs one case, catching every exception: an exception other than CaseStop is a failure
// of the case ("harness error") naming the exception.
CaseResult runCase(const Case& c, const RunConfig& config);

}  // namespace conformance
