// session/cpe_session.h: the CPE side of one CWMP session (checklist 3, 6, 7), pure.
//
// The engine decides what the device sends; the fleet's transport moves the bytes (encode
// with the profile's quirk EncodeOptions, POST, decode the reply) and hands the decoded
// reply back. It never touches sockets, clocks or randomness of its own.
//
//   cpesim::CpeSession session(device, profile);
//   std::optional<cwmp::Envelope> out = session.start(now);   // the Inform
//   for (;;) {
//     HttpReply r = post(out);                                 // nullopt = empty POST
//     cpesim::Step step = r.body.empty() ? session.onResponse(r.status, std::nullopt, now)
//                                        : decodeAndFeed(session, r);
//     if (step.done) break;
//     out = std::move(step.to_send);
//   }
//   cpesim::AfterSession after = session.finish(now, rng);     // retry time, reboot, ...
//
// Flow: Inform; after the InformResponse the device's own requests (TransferComplete, then
// DUStateChangeComplete), one at a time, unless HoldRequests is true; then an empty POST;
// then every ACS request is answered through Device::execute(); the session ends on HTTP
// 204 (or an empty 200) once the device has nothing more to send. A fault, an HTTP status
// other than 200/204 or a transport error makes the session fail: finish() then schedules
// the retry (checklist 3.3) and keeps the undelivered events (6.2).
//
// A CpeSession holds references to the device and profile: both must outlive it, and the
// device must not move while the session runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "device/device_model.h"

#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cpesim {

// The wait before retry number `retry_count` (1-based: the first retry after one failed
// session), in seconds: [m*(k/1000)^(n-1), m*(k/1000)^n] with n = min(retry_count, 10),
// m = CWMPRetryMinimumWaitInterval, k = CWMPRetryIntervalMultiplier (checklist 3.3).
// retry_count 0 is treated as 1. m and k outside their ranges (1..65535, 1000..65535) are
// clamped into them.
struct WaitRange {
  double min_seconds = 0;
  double max_seconds = 0;
};
WaitRange retryWaitRange(std::uint32_t retry_count, std::uint32_t min_wait,
                         std::uint32_t multiplier);
// A wait drawn uniformly from `range` with the caller's generator, in milliseconds.
std::chrono::milliseconds drawWait(const WaitRange& range, Rng& rng);

// What to do after one exchange.
struct Step {
  // The next envelope to POST; nullopt = an empty POST (only meaningful when !done).
  std::optional<cwmp::Envelope> to_send;
  bool done = false;    // the session is over (successfully unless `failed`)
  bool failed = false;  // the session failed; `error` says why
  std::string error;
};

// What the fleet does once the session is over.
struct AfterSession {
  bool success = false;
  std::string error;                  // why it failed
  std::uint32_t retry_count = 0;      // RetryCount of the next Inform
  std::optional<TimePoint> retry_at;  // failed: when to try again
  bool rebooting = false;             // Reboot/FactoryReset: the device is down until the boot
  bool factory_reset = false;
  // Open another session at once: the ACS URL changed (BOOTSTRAP to the new ACS) or events
  // arrived during this session.
  bool start_new_session = false;
  std::optional<TimePoint> next_wakeup;  // Device::nextWakeup() after the session
  std::uint32_t rpcs_answered = 0;
  std::uint32_t faults_sent = 0;
};

class CpeSession {
 public:
  CpeSession(Device& device, const Profile& profile);

  // Builds the Inform: DeviceId, the device's undelivered events, MaxEnvelopes 1,
  // CurrentTime, RetryCount, forced and changed parameters; header cwmp:ID, plus
  // SessionTimeout and SupportedCWMPVersions when the profile sends them. Call once.
  cwmp::Envelope start(TimePoint now);

  // The ACS's reply to the last POST: its HTTP status and decoded envelope (nullopt for an
  // empty body). 401 and redirects are the transport's business; if one reaches here it
  // fails the session.
  Step onResponse(int http_status, std::optional<cwmp::Envelope> reply, TimePoint now);
  // The reply body did not decode. An ACS request the device cannot parse gets the
  // matching CPE fault (cwmp::Error::cpeFaultCode(): 9000 unknown method, 9003 ...); while
  // waiting for a response (InformResponse, TransferCompleteResponse) it fails the session.
  Step onUndecodable(int http_status, const cwmp::Error& error, TimePoint now);
  // Connect, send or receive failed, or the reply timed out: the session failed.
  Step onTransportError(std::string reason);

  // Ends the session: on success applies the after-session actions (reboot, factory
  // reset, ACS URL change) to the device; on failure schedules the retry with `rng`.
  // Call once, after a Step with done == true (calling it earlier counts as a failure).
  AfterSession finish(TimePoint now, Rng& rng);

  // The namespace of this session's envelopes (the Inform's).
  cwmp::CwmpNamespace ns() const { return ns_; }
  // CWMP version agreed through UseCWMPVersion, or the namespace's version.
  const std::string& version() const { return version_; }
  bool holdRequests() const { return hold_requests_; }
  bool started() const { return state_ != State::Idle; }

 private:
  enum class State : std::uint8_t {
    Idle,
    AwaitInformResponse,
    AwaitRequestResponse,  // sent a TransferComplete or DUStateChangeComplete
    AwaitAcsMessage,       // sent an empty POST or a response
    Done,
    Failed,
  };

  Step fail(std::string error);
  Step nextOwnRequestOrEmptyPost();
  Step answer(const cwmp::Envelope& request, TimePoint now);
  cwmp::Envelope envelope(cwmp::Body body, std::optional<std::string> id) const;
  // True when the device's quirks switch on protocol defect `name` (quirks/quirks.h).
  bool defect(std::string_view name) const;

  Device& device_;
  const Profile& profile_;
  State state_ = State::Idle;
  cwmp::CwmpNamespace ns_ = cwmp::CwmpNamespace::V1_2;
  std::string version_;
  bool hold_requests_ = false;
  Device::InformContent inform_;
  // A request the device sends on its own.
  using OwnRequest = std::variant<cwmp::TransferComplete, cwmp::DUStateChangeComplete>;
  // The device acknowledges `request` as delivered (or refused for good).
  void delivered(const OwnRequest& request);
  std::vector<OwnRequest> own_requests_;  // still to send this session
  std::optional<OwnRequest> in_flight_;   // sent, awaiting its response
  SessionEffects effects_;
  std::string error_;
  std::uint32_t rpcs_answered_ = 0;
  std::uint32_t faults_sent_ = 0;
  bool finished_ = false;
  bool posted_after_end_ = false;  // defect post-after-204: the extra empty POST went out
};

}  // namespace cpesim
