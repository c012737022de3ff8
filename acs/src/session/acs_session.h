// acs/session/acs_session.h: the ACS side of one CWMP session as a pure state machine
// (TR-069 Amd 6 §3.4, §3.7; cwmp-checklist sections 1-3 and 7).
//
// The HTTP layer decodes each POST and hands it to onEnvelope() / onEmptyPost(); the session
// answers with a Step: the HTTP reply to send (Action) and the store changes to make first
// (Effects, acs/core/effects.h). It performs no IO, reads time only from the injected Clock,
// and keeps its whole state in SessionState, which serialises to JSON (toJson / fromJson):
// the HTTP layer stores it in the session row after every message, so the next POST of the
// session can be served by any ACS process (design rule: nothing a later request needs lives
// only in one process's memory).
//
//   acs::session::AcsSession session(config, clock);         // or with a stored SessionState
//   acs::session::Step step = session.onEnvelope(envelope, task_source);
//   applyEffects(store, ..., step.effects);                  // then reply with step.action
//   store_row.state_json = session.state().toJson();
//
// Rules implemented (checklist numbers):
// - 3.1.1/3.1.2: the first message must be an Inform; anything else -> HTTP 400 with reason.
//   A second Inform in a session -> 400 and the session ends (T-SESS-02).
// - 3.1.10/7.1: InformResponse with MaxEnvelopes 1, in the namespace the CPE used (2.3.2).
// - 2.3.4/2.3.5: SupportedCWMPVersions -> UseCWMPVersion = highest common version (the codec
//   sends it with mustUnderstand=1); no common version -> fault 8006. Without the header the
//   version is the one the namespace implies; one the ACS does not support -> 8006 as well.
// - 2.2: cwmp:ID echoed on every response and fault; ACS requests carry their own IDs.
// - 2.2/3.1.4: HoldRequests=true on the InformResponse and on ACS requests when configured
//   (the ACS's requests go first); CPE requests after the final 204 are then still answered
//   (3.2.1: a 204 while the CPE still holds requests is not the end).
// - 3.1.5/3.1.9: TransferComplete, AutonomousTransferComplete, GetRPCMethods,
//   DUStateChangeComplete, AutonomousDUStateChangeComplete, RequestDownload and Kicked are
//   answered and recorded; any other CPE request -> fault 8000.
// - 3.1.6/3.1.7: after the empty POST, one queued request per reply, then 204.
// - Responses and faults from the CPE are matched to the request in flight; a response of
//   the wrong type is recorded on the task as a protocol error and the session moves on.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acs/src/core/clock.h"
#include "acs/src/core/effects.h"
#include "acs/src/core/task_planner.h"
#include "acs/src/store/store.h"
#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace acs::session {

enum class Phase : std::uint8_t {
  AwaitInform,  // nothing received yet
  CpeRequests,  // InformResponse sent; the CPE sends its requests, then an empty POST
  AcsRequests,  // the CPE's empty POST came; the ACS sends its requests one per reply
  Ended,        // 204 sent (or the session was refused/aborted)
};
// "await_inform", "cpe_requests", "acs_requests", "ended".
std::string_view phaseName(Phase phase);

struct SessionConfig {
  // CWMP versions the ACS speaks ("major.minor"), e.g. {"1.0", ..., "1.4"}.
  std::vector<std::string> supported_versions = {"1.0", "1.1", "1.2", "1.3", "1.4"};
  // Put HoldRequests=true on the InformResponse and the ACS's requests, so the ACS's queued
  // requests run before the CPE's own (the HTTP layer decides per session).
  bool hold_requests = false;
  // A session idle longer than this is dead: its next message gets 400 and its sent tasks
  // are requeued (the store reaper does the same for sessions that never come back).
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// Everything the session needs between two messages. Value type; serialisable.
struct SessionState {
  Phase phase = Phase::AwaitInform;
  std::string device_id;
  cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2;
  std::string cwmp_version;       // negotiated or implied, e.g. "1.4"
  bool hold_requests = false;     // the ACS's last envelope carried HoldRequests=true
  bool cpe_may_continue = false;  // Ended with 204 while the hold was on: CPE may still POST
  std::optional<TaskInFlight> in_flight;
  std::int64_t messages_in = 0;
  std::int64_t messages_out = 0;
  std::int64_t next_request_seq = 1;  // for the cwmp:ID of ACS requests
  store::TimePoint started_at{};
  store::TimePoint last_activity{};
  std::vector<std::string> events;  // the Inform's event codes
  std::string outcome;              // "" while open; sessionOutcomeName() once ended
  // Kept for the HTTP layer, which owns their meaning: every exchange of this session is
  // captured, and the sequence number of the last captured message.
  bool capture = false;
  std::int64_t capture_seq = 0;

  std::string toJson() const;
  // InvalidArgument when `text` is not a state this version wrote.
  static cwmp::Result<SessionState> fromJson(std::string_view text);
  bool operator==(const SessionState&) const = default;
};

// The HTTP reply.
struct Action {
  int http_status = 200;                   // 200 with an envelope, 204 empty, 400 refusal
  std::optional<cwmp::Envelope> envelope;  // set exactly when http_status == 200
  std::string reason;                      // 400: the reply body; otherwise a note for logs
};

struct Step {
  Action action;
  std::vector<Effect> effects;  // apply in order before sending the reply
  // The session had ended with 204 under HoldRequests and the CPE came back with a request:
  // the HTTP layer takes the device's lease again before applying the effects.
  bool reopened = false;
};

// Where the session gets the ACS's queued requests. One object per HTTP request.
class TaskSource {
 public:
  virtual ~TaskSource() = default;
  // The device's next task to send (oldest pending first), never one this object returned
  // before (so a task that cannot be planned is skipped, not retried in a loop), or nullopt
  // when none remain. A store error counts as "none" (the tasks run in a later session).
  virtual std::optional<store::Task> next() = 0;
  // Marks `task` as sent in this session with `command_key` (Pending -> Sent) before its
  // request goes out, so a task cancelled meanwhile is never sent. False when that is no
  // longer possible (cancelled or expired meanwhile, or a store error): the session skips it.
  virtual bool claim(const store::Task& task, std::string_view command_key) = 0;
};

// Not thread-safe: one request at a time (the device's lease guarantees that).
class AcsSession {
 public:
  // A new session. `clock` must outlive the session.
  AcsSession(SessionConfig config, const Clock& clock);
  // Continues a session from its stored state.
  AcsSession(SessionConfig config, const Clock& clock, SessionState state);

  // One POST carrying an envelope. An envelope whose Body is empty counts as an empty POST.
  Step onEnvelope(const cwmp::Envelope& envelope, TaskSource& tasks);
  // One POST with an empty body (the CPE has no more requests, or is held).
  Step onEmptyPost(TaskSource& tasks);
  // A POST whose body did not decode. `raw_body` is searched for a cwmp:ID to echo.
  // Before the Inform: 400 with the decoder's message. In a session: the request in flight
  // (if any) is faulted as a protocol error and the session moves on; otherwise the CPE gets
  // the fault matching the error (8000 unknown method, 8004 limits, 8003/8002 otherwise).
  Step onDecodeError(const cwmp::Error& error, std::string_view raw_body, TaskSource& tasks);

  const SessionState& state() const { return state_; }
  // The HTTP layer's own fields of the state (capture flag and sequence).
  void setCapture(bool on) { state_.capture = on; }
  std::int64_t nextCaptureSeq() { return ++state_.capture_seq; }
  bool ended() const { return state_.phase == Phase::Ended; }
  // Open (not Ended, past the Inform) and idle for longer than the timeout.
  bool expired() const;

  // A fault answering an Inform that is refused before any session exists (fault 8005 under
  // overload): same namespace and cwmp:ID as the Inform.
  static cwmp::Envelope faultReply(const cwmp::Envelope& request, std::uint32_t code,
                                   std::string message = {});

  // The methods the ACS answers GetRPCMethods with.
  static const std::vector<std::string>& acsMethods();

 private:
  Step handleInform(const cwmp::Envelope& envelope);
  Step handleCpeRequest(const cwmp::Envelope& envelope, TaskSource& tasks);
  Step handleResponse(const cwmp::Envelope& envelope, TaskSource& tasks);
  // Appends the next queued request (or 204) to `step`.
  void nextRequestOrEnd(Step& step, TaskSource& tasks);
  void sendRequest(Step& step, const PlannedRequest& planned, const TaskInFlight& base);
  void end(Step& step, SessionOutcome outcome, bool requeue);
  Step refuse(std::string reason, bool end_session);
  void reply(Step& step, cwmp::Envelope envelope);
  cwmp::Envelope envelopeFor(std::optional<std::string> id) const;
  void touch();

  SessionConfig config_;
  const Clock& clock_;
  SessionState state_;
};

// The implied CWMP version of a namespace for peers that send no SupportedCWMPVersions:
// cwmp-1-0 -> "1.0", ..., cwmp-1-4 -> "1.4" (checklist 2.3.3).
std::string impliedVersion(cwmp::CwmpNamespace ns);

// The highest version present in both lists (numeric major.minor compare), or "".
std::string highestCommonVersion(const std::vector<std::string>& ours,
                                 const std::vector<std::string>& theirs);

}  // namespace acs::session
