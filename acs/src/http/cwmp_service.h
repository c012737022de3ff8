// acs/http/cwmp_service.h: the CWMP endpoint's logic between "HTTP request read" and "HTTP
// reply written": session cookie, CPE authentication, device lease, AcsSession, store effects,
// session row, protocol capture, overload answers.
//
// The Poco request handler (cwmp_handler.h) reads the body (bounded, decompressed) into a
// CwmpRequest, calls process() and writes the CwmpReply. Keeping Poco's stream types out of
// here makes every rule testable and lets two ACS processes share sessions: all state a later
// request needs is in the store (session row + lease), never only in this object.
//
//   acs::http::CwmpService service(store, metrics, config, clock);
//   acs::http::CwmpReply reply = service.process(request);
//
// Thread-safe: one instance serves every HTTP thread of a process.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "acs/src/app/config.h"
#include "acs/src/core/clock.h"
#include "acs/src/core/inform_cache.h"
#include "acs/src/core/metrics.h"
#include "acs/src/http/cpe_auth.h"
#include "acs/src/session/acs_session.h"
#include "acs/src/store/store.h"

namespace Poco {
class Logger;
}

namespace acs::http {

// Whether the TCP connection a request arrived on has closed (the HTTP layer's view). A
// session whose last connection closed and who sees its device Inform again was given up by
// the CPE (see CwmpService::endAbandonedHolder).
class ConnectionWatch {
 public:
  virtual ~ConnectionWatch() = default;
  virtual bool closed() const = 0;
};

struct CwmpRequest {
  std::string method = "POST";
  std::string uri = "/cwmp";
  std::string authorization;  // the Authorization header value
  std::string cookie;         // the Cookie header value
  std::string body;           // decompressed
  std::string peer_ip;
  std::shared_ptr<const ConnectionWatch> connection;  // null: unknown (treated as open)
};

struct CwmpReply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

class CwmpService {
 public:
  // All references must outlive the service.
  CwmpService(store::Store& store, Metrics& metrics, const AcsConfig& config, const Clock& clock);

  CwmpReply process(const CwmpRequest& request);

  // Returns true while the server is overloaded (e.g. its connection queue is full); new
  // Informs then get fault 8005 while running sessions continue. Set before serving.
  void setOverloadProbe(std::function<bool()> probe) { overloaded_ = std::move(probe); }

  // Enables the Inform parameter cache (core/inform_cache.h); null disables it. Set before
  // serving; the cache must outlive the service.
  void setInformCache(InformCache* cache) { inform_cache_ = cache; }

  // Ends open sessions idle for longer than the session timeout (their devices' CPEs went
  // away): outcome "timeout", sent tasks requeued, lease released. Returns how many.
  // Called by the reaper thread; safe to run in every ACS process at once.
  std::int64_t reapStaleSessions();

  // Looks at the connections of the sessions this process served last (the maintenance
  // thread calls it about once a second). A session whose CPE closed the connection gets its
  // lease cut to expire now: the device's next Inform then starts a new session on whichever
  // ACS process it reaches (taking the dead one over), instead of being refused until the
  // session timeout; a CPE that continues the session on a new connection renews the lease
  // with its next request. Sessions ended or continued elsewhere are no longer tracked.
  // Returns how many leases it cut.
  std::int64_t sweepClosedConnections();

  // Ends the sessions whose last request this process served and that nobody continued
  // since (server shutdown): outcome "aborted", sent tasks requeued, lease released, so no
  // device stays locked and no task stays Sent. Returns how many.
  std::int64_t abandonOpenSessions();

  // The session cookie name.
  static constexpr std::string_view kCookieName = "session";

 private:
  CwmpReply startSession(const CwmpRequest& request, const cwmp::Envelope& inform,
                         store::TimePoint now);
  // startSession's common case (an Inform accepted, its only effect recording it): lease,
  // Inform and session row in one store transaction (Store::startSession).
  CwmpReply startAccepted(const CwmpRequest& request, const cwmp::Envelope& env,
                          session::AcsSession& session, session::Step& step,
                          const std::string& session_id, const std::string& device_id,
                          store::TimePoint now);
  // 400 for an Inform of a device in another live session (the refusal is kept as a
  // session row, best effort).
  CwmpReply sessionStarted(CwmpReply reply, const CwmpRequest& request,
                           const store::SessionRecord& row, store::TimePoint now);
  CwmpReply refuseSecondInform(const cwmp::Inform& inform, const std::string& device_id,
                               const std::string& session_id, const store::LeaseOutcome& lease,
                               store::TimePoint now);
  CwmpReply continueSession(const CwmpRequest& request, store::SessionRecord row,
                            session::SessionState state, const std::optional<cwmp::Envelope>& env,
                            const std::optional<cwmp::Error>& decode_error, store::TimePoint now);
  // Marks an open session dead: ended with `outcome`, its sent tasks requeued, its lease
  // released. Best effort (errors are logged).
  void closeDeadSession(const std::string& session_id, SessionOutcome outcome,
                        store::TimePoint now);
  CwmpReply replyFor(const session::Step& step);
  CwmpReply unavailable(const store::StoreError& error, std::string_view what);
  CwmpReply faultToInform(const cwmp::Envelope& inform, std::uint32_t code, std::string message);
  void capture(const std::string& device_id, const std::string& session_id,
               session::AcsSession& session, std::string_view direction, int http_status,
               const std::string& body, store::TimePoint now);
  bool captureWanted(const std::string& device_id, bool device_flag) const;
  session::SessionConfig sessionConfig(bool hold) const;
  void noteStoreError(const store::StoreError& error);

  store::Store& store_;
  Metrics& metrics_;
  const AcsConfig& config_;
  const Clock& clock_;
  CpeAuthenticator auth_;
  void trackOpen(const std::string& session_id, store::TimePoint last_activity,
                 std::shared_ptr<const ConnectionWatch> connection);
  // The Inform of a device whose lease `lease` refused: when the holder is a session of this
  // process whose last connection the CPE closed, ends it (Aborted: its sent tasks go back to
  // pending, its lease is released) and returns true, so the caller tries the lease again.
  bool endAbandonedHolder(const store::LeaseOutcome& lease, store::TimePoint now);
  // True when this process was tracking the session (its metrics gauge counts it).
  bool untrack(const std::string& session_id);

  std::function<bool()> overloaded_;
  InformCache* inform_cache_ = nullptr;
  std::mutex open_mutex_;
  // Sessions this process served last, with that request's time and connection. Guarded by
  // open_mutex_.
  struct OpenSession {
    store::TimePoint served_at;
    std::shared_ptr<const ConnectionWatch> connection;
    bool lease_cut = false;  // sweepClosedConnections cut its lease
  };
  std::unordered_map<std::string, OpenSession> open_;
  Poco::Logger& log_;
};

// The value of cookie `name` in a Cookie header ("" when absent).
std::string cookieValue(std::string_view cookie_header, std::string_view name);

// A session id: 12 hex digits of the time in milliseconds (ids sort by creation time), then
// 128 random bits as 32 lower-case hex digits.
std::string newSessionId();

// Shell-style glob: '*' any run, '?' one character. Used for capture_pattern.
bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace acs::http
