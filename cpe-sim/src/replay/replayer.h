// replay/replayer.h: `cpe-sim replay`: plays the CPE side of a recorded session against an
// ACS and reports, exchange by exchange, where the ACS now answers differently (HTTP
// status, method, arguments). This is how a developer reproduces a field bug: capture the
// device's session on the ACS, fix the ACS, replay, see the difference disappear.
//
// The CPE messages are sent as recorded, byte for byte, except that a response to an ACS
// request gets the cwmp:ID of the request the ACS sent this time (TR-069 A.3.x: responses
// echo the request's ID). Each recorded session is a new CWMP session: new TCP connection,
// no cookies from the one before.
//
//   ReplayOptions options{.acs_url = "http://127.0.0.1:7547/cwmp"};
//   ReplayReport report = replay(*capture, options);
//   std::cout << report.text();
//   return report.differences == 0 ? 0 : 1;
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "replay/capture.h"
#include "transport/tls.h"

namespace cpesim {

struct ReplayOptions {
  std::string acs_url = {};
  std::string username = {};  // HTTP credentials for the ACS, if it challenges
  std::string password = {};
  std::chrono::milliseconds timeout{30'000};
  TlsConfig tls = {};  // https ACS URLs: --ca-file, --insecure
  // Argument paths to leave out of the comparison: a name matches any path whose last
  // component is that name ("CommandKey", "ParameterKey") or the whole path
  // ("ParameterList[0].Value").
  std::vector<std::string> ignore = {};
};

struct ExchangeReport {
  std::size_t session = 0;   // 1-based
  std::size_t exchange = 0;  // 1-based
  std::string sent;          // method the CPE sent ("(empty POST)")
  std::string expected;      // "200 GetParameterValues", "204 (empty)"
  std::string actual;
  std::vector<std::string> differences;  // empty: the ACS answered as recorded
};

struct ReplayReport {
  std::vector<ExchangeReport> exchanges;
  std::size_t differences = 0;  // exchanges (or session ends) that differ
  // One line per exchange that differs (every exchange with `verbose`), then a verdict.
  std::string text(bool verbose = false) const;
};

// Never throws; transport failures are reported as differences.
ReplayReport replay(const Capture& capture, const ReplayOptions& options);

// The differences between two reply bodies (decoded and compared by method and argument
// values; undecodable bodies are compared as text). Exposed for tests.
std::vector<std::string> compareReplies(int expected_status, const std::string& expected_body,
                                        int actual_status, const std::string& actual_body,
                                        const std::vector<std::string>& ignore);

// "200 GetParameterValues" style summary of a reply.
std::string describeReply(int status, const std::string& body);

}  // namespace cpesim
