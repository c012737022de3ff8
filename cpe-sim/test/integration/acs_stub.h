// test/integration/acs_stub.h: a small ACS for the simulator's integration tests, built from
// the codec and Poco's HTTPServer on 127.0.0.1:<any port> (not our ACS: cpe-sim stands
// alone). It speaks just enough CWMP to drive sessions and records everything it receives,
// byte for byte, so tests can check the wire:
//   Inform -> InformResponse (Set-Cookie: session=<n>), TransferComplete ->
//   TransferCompleteResponse, empty POST or a CPE response -> the next request queued for
//   that device (queue()), else 204.
// Options add HTTP authentication (Basic, or Digest MD5 qop=auth checked by its own code),
// a 307 redirect of the first POST, and faults in answer to Informs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>

#include "cwmp/messages.h"

namespace cpesim::testing {

struct RecordedRequest {
  std::string method;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<cwmp::Envelope> envelope;  // decoded when the body is not blank
  std::string decode_error;
  std::string serial;             // the device, once its session is known
  std::uint64_t session = 0;      // stub session number, 0 when none
  std::uint16_t client_port = 0;  // TCP source port: equal ports, same connection
  int reply_status = 0;
  std::chrono::steady_clock::time_point at;  // when it arrived

  bool hasHeader(std::string_view name) const;
  std::string header(std::string_view name) const;  // "" when absent
  std::string_view methodName() const;              // "" for an empty POST
  const cwmp::Inform* inform() const;
  bool hasEvent(std::string_view code, std::string_view command_key = {}) const;
};

class AcsStub {
 public:
  enum class Auth { None, Basic, Digest };
  struct Options {
    Auth auth = Auth::None;
    std::string username = {};
    std::string password = {};
    std::string realm = "acs-stub";
    bool redirect_first_post = false;  // answer POSTs to /acs with 307 -> /acs2
    std::uint32_t inform_fault = 0;    // answer the next `inform_faults` Informs with this fault
    int inform_faults = 0;
  };

  AcsStub();
  explicit AcsStub(Options options);
  ~AcsStub();

  std::string url() const;  // http://127.0.0.1:<port>/acs
  std::uint16_t port() const { return port_; }

  // Queues `request` for device `serial`; it is sent in that device's next session, after
  // the empty POST (or after the answer to the previous queued request).
  void queue(const std::string& serial, cwmp::Body request);

  std::vector<RecordedRequest> requests() const;
  // Informs received (in order), optionally only from `serial`.
  std::vector<RecordedRequest> informs(const std::string& serial = {}) const;
  // Waits until `done(requests())` holds; false after `timeout`.
  bool waitFor(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  bool waitForInforms(std::size_t count,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // Handles one request (called by the HTTP handler).
  struct Reply {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  Reply handle(RecordedRequest request);
  // A new handler factory (owned by the caller, i.e. the HTTPServer given it) that records
  // each request and answers through handle(): for servers in front of this stub (https).
  Poco::Net::HTTPRequestHandlerFactory* newHandlerFactory();

 private:
  bool authorized(const RecordedRequest& request, std::string& challenge);

  Options options_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<RecordedRequest> requests_;                 // guarded by mutex_
  std::map<std::string, std::deque<cwmp::Body>> queued_;  // guarded by mutex_
  std::map<std::uint64_t, std::string> sessions_;         // cookie -> serial
  std::map<std::uint64_t, cwmp::CwmpNamespace> session_ns_;
  std::uint64_t next_session_ = 1;
  std::uint64_t next_id_ = 1;
  int inform_faults_left_ = 0;
  std::uint64_t nonce_counter_ = 0;
};

// An Inform of the test device `serial` (OUI 00D09E, product class TestBox) with one event, as
// a simulated CPE would send it.
std::string informXml(const std::string& serial, const std::string& event,
                      const std::string& id = "1");

}  // namespace cpesim::testing
