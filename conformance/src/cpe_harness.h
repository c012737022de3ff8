// conformance/cpe_harness.h: CPE mode, where the harness plays the ACS for a device.
//
// AcsEndpoint is the harness's CWMP server: every POST of the CPE is queued for the case
// thread, which answers it (the HTTP handler thread waits for that answer). FileServer
// serves the files of Download cases. CpeTarget bundles what CPE-mode cases share across
// one run (endpoints, connection-request details, what was learnt from the device).
// AcsSession is the per-case driver: it opens a session (a queued Inform, or one started
// with a Connection Request), issues RPCs and records every exchange in the case context,
// failing the case with a message that says what was expected and what arrived.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "case_model.h"

#include "cwmp/messages.h"

namespace conformance {

// One POST from the CPE, waiting for the harness's answer.
struct CpePost {
  std::uint64_t id = 0;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view name) const;
};

class AcsEndpoint {
 public:
  // Binds host:port (port 0: any free port) and starts serving. Throws Poco::Exception when
  // the address cannot be bound.
  AcsEndpoint(const std::string& host, std::uint16_t port);
  ~AcsEndpoint();
  AcsEndpoint(const AcsEndpoint&) = delete;
  AcsEndpoint& operator=(const AcsEndpoint&) = delete;

  std::uint16_t port() const;
  // http://HOST:PORT/cwmp with 127.0.0.1 for a wildcard bind (every path is served).
  std::string url() const;
  // The next POST not yet taken, waiting up to `timeout`; nullopt when none arrived.
  std::optional<CpePost> next(std::chrono::milliseconds timeout);
  // Waits up to `timeout` until a POST is queued, without taking it; true when one is.
  bool waitForPost(std::chrono::milliseconds timeout);
  // Answers the POST `id` (body "" and status 204: the end of the session).
  void answer(std::uint64_t id, int status, std::string body);
  // Answers every POST taken or queued with 204 (between cases and at shutdown).
  void answerAllWith204();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A small HTTP file server for Download cases: GET /files/NAME serves what put() stored,
// anything else is 404. Counts the requests per path.
class FileServer {
 public:
  explicit FileServer(const std::string& host);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  std::uint16_t port() const;
  void put(const std::string& name, std::string content);
  // GET requests seen for /files/NAME.
  int requests(const std::string& name) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Changes a parameter on the device by a means other than CWMP (a LAN-side GUI, a shell
// command, the simulator's model); returns "" or what went wrong.
using ValueChanger = std::function<std::string(const std::string& name, const std::string& value)>;

struct CpeTarget {
  std::unique_ptr<AcsEndpoint> acs;
  std::unique_ptr<FileServer> files;
  std::string cr_url;         // the last Inform's ConnectionRequestURL, unless given
  bool cr_url_given = false;  // --cr-url: keep cr_url whatever the Informs say
  std::string cr_username;
  std::string cr_password;
  std::string device_serial;  // "": any device; else Informs of other serials get 8005
  std::string notify_param = "ManagementServer.UpgradesManaged";  // relative to the root
  std::string spv_param = "DeviceInfo.ProvisioningCode";          // writable string
  std::string object_path;    // a writable table for Add/DeleteObject; "": discovered by GPN
  ValueChanger change_value;  // null: the notification case is skipped
  // Sessions of slow events (reboot, retry after a fault, transfers) may take this long.
  std::chrono::milliseconds slow_timeout{180'000};
  // How long to wait for a session the CPE opens by itself (active notification) before
  // starting one with a Connection Request.
  std::chrono::milliseconds notify_wait{3'000};

  // Learnt from the device.
  std::string root;            // "Device." or "InternetGatewayDevice."
  std::string host_seen;       // the Host header of the CPE's POSTs (how it reaches us)
  std::uint64_t sequence = 0;  // numbers unique to this run (keys, values)

  std::string fileUrl(const std::string& name) const;
};

// What opening a session saw: the Inform and the CPE's own requests before its empty POST.
struct OpenedSession {
  cwmp::Inform inform;
  std::vector<cwmp::TransferComplete> transfer_completes;
};

class AcsSession {
 public:
  explicit AcsSession(CaseContext& ctx);
  // Answers anything still open with 204 so the device is not left hanging.
  ~AcsSession();
  AcsSession(const AcsSession&) = delete;
  AcsSession& operator=(const AcsSession&) = delete;

  CpeTarget& target() { return target_; }
  std::chrono::milliseconds timeout() const;

  // Takes the next POST (fails the case after `timeout` with `what`).
  CpePost receive(const std::string& what, std::chrono::milliseconds timeout);
  // Decodes a POST's body (fails the case when it is not a SOAP envelope).
  cwmp::Envelope decode(const CpePost& post, const std::string& what);
  // Answers the POST taken last.
  void reply(const std::string& note, const cwmp::Envelope& envelope);
  void replyRaw(const std::string& note, const std::string& xml);
  void reply204(const std::string& note);

  // Waits for the Inform that opens a session. Without one queued and with
  // `connection_request`, sends a Connection Request first. Unrelated POSTs left over from
  // earlier sessions are answered with 204. The Inform is not answered yet.
  cwmp::Envelope awaitInform(const std::string& why, bool connection_request,
                             std::chrono::milliseconds timeout);
  // awaitInform + InformResponse, then the CPE's own requests (TransferComplete are
  // acknowledged and collected) up to its empty POST.
  OpenedSession open(const std::string& why = "session for the case");
  OpenedSession openAfter(const std::string& why, bool connection_request,
                          std::chrono::milliseconds timeout);
  // Sends an ACS request and returns the CPE's response envelope.
  cwmp::Envelope call(const std::string& note, cwmp::Body request);
  template <class T>
  T callExpect(const std::string& note, cwmp::Body request) {
    cwmp::Envelope env = call(note, std::move(request));
    const T* response = std::get_if<T>(&env.body);
    if (response == nullptr) {
      ctx_.fail(note + ": expected " + std::string(T::kMethod) + ", the CPE answered " +
                describe(env.body));
    }
    return *response;
  }
  cwmp::Fault callExpectFault(const std::string& note, cwmp::Body request);
  // Ends the session with 204.
  void close();

  // Sends an authenticated Connection Request; fails the case unless it gets 200 or 204.
  void connectionRequest(const std::string& note);
  // GPV of one parameter; fails the case on a fault.
  std::string value(const std::string& name);
  std::string parameterKey();
  // Full name of a parameter relative to the root ("DeviceInfo.X" -> "Device.DeviceInfo.X").
  std::string full(const std::string& relative) const { return target_.root + relative; }
  std::string unique(const std::string& prefix);

  static std::string describe(const cwmp::Body& body);
  static bool hasEvent(const cwmp::Inform& inform, const std::string& code,
                       const std::optional<std::string>& command_key = std::nullopt);
  static std::string events(const cwmp::Inform& inform);

 private:
  CaseContext& ctx_;
  CpeTarget& target_;
  std::optional<CpePost> current_;  // taken, not yet answered
  cwmp::CwmpNamespace ns_ = cwmp::CwmpNamespace::V1_2;
  std::uint64_t next_id_ = 1;
};

// The CPE-mode cases, in catalogue order (disruptive ones, Reboot and FactoryReset, last).
std::vector<Case> cpeCases();

}  // namespace conformance
