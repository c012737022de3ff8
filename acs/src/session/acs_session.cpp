#include "acs/src/session/acs_session.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "acs/src/core/json_value.h"
#include "cwmp/json.h"

namespace acs::session {

namespace {

using std::chrono::milliseconds;

// The CPE -> ACS requests the ACS answers (TR-069 A.3.3, A.4.2; checklist 3.1.5).
bool isKnownCpeRequest(const cwmp::Body& body) {
  return std::holds_alternative<cwmp::TransferComplete>(body) ||
         std::holds_alternative<cwmp::AutonomousTransferComplete>(body) ||
         std::holds_alternative<cwmp::GetRPCMethods>(body) ||
         std::holds_alternative<cwmp::DUStateChangeComplete>(body) ||
         std::holds_alternative<cwmp::AutonomousDUStateChangeComplete>(body) ||
         std::holds_alternative<cwmp::RequestDownload>(body) ||
         std::holds_alternative<cwmp::Kicked>(body);
}

// "1.4" -> {1, 4}; nullopt for anything else.
std::optional<std::pair<int, int>> parseVersion(std::string_view v) {
  auto dot = v.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  int major = 0;
  int minor = 0;
  auto [p1, e1] = std::from_chars(v.data(), v.data() + dot, major);
  auto [p2, e2] = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
  if (e1 != std::errc() || e2 != std::errc() || p1 != v.data() + dot || p2 != v.data() + v.size()) {
    return std::nullopt;
  }
  return std::make_pair(major, minor);
}

std::string_view phaseToName(Phase phase) {
  switch (phase) {
    case Phase::AwaitInform:
      return "await_inform";
    case Phase::CpeRequests:
      return "cpe_requests";
    case Phase::AcsRequests:
      return "acs_requests";
    case Phase::Ended:
      return "ended";
  }
  return "ended";
}

std::optional<Phase> phaseFromName(std::string_view name) {
  for (Phase p : {Phase::AwaitInform, Phase::CpeRequests, Phase::AcsRequests, Phase::Ended}) {
    if (phaseToName(p) == name) return p;
  }
  return std::nullopt;
}

cwmp::Error stateError(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = "session state: " + std::move(message);
  return e;
}

// A cwmp:ID in a body that was not even well-formed XML (the decoder hands over the ID
// itself, cwmp::Error::header_id, whenever the Header decoded), so even a fault about it can
// echo the ID. Best effort: looks for <prefix:ID ...>text</ in the text before the Body.
std::optional<std::string> scanForId(std::string_view xml) {
  std::size_t body = xml.find("Body");
  std::string_view head = xml.substr(0, body);
  std::size_t pos = 0;
  while ((pos = head.find(":ID", pos)) != std::string_view::npos) {
    std::size_t lt = head.rfind('<', pos);
    std::size_t after = pos + 3;
    if (lt != std::string_view::npos && after < head.size() &&
        (head[after] == '>' || head[after] == ' ' || head[after] == '\t' || head[after] == '\n' ||
         head[after] == '\r')) {
      bool plain_name = true;
      for (std::size_t i = lt + 1; i < pos; ++i) {
        char c = head[i];
        if (c == ' ' || c == '/' || c == '<' || c == '>') plain_name = false;
      }
      std::size_t gt = head.find('>', after);
      if (plain_name && gt != std::string_view::npos && head[gt - 1] != '/') {
        std::size_t end = head.find('<', gt + 1);
        if (end != std::string_view::npos) {
          std::string id(head.substr(gt + 1, end - gt - 1));
          if (id.size() <= 256) return id;
        }
      }
    }
    pos = after;
  }
  return std::nullopt;
}

// The session state is written on every request of every session: straight into one string
// (a json::Value tree cost a dozen allocations and a key search per field). fromJson reads it
// with the general parser; SessionStateTest round-trips every field.
class StateWriter {
 public:
  explicit StateWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  StateWriter& field(std::string_view key, std::string_view value) {
    name(key);
    cwmp::appendJsonString(out_, value);
    return *this;
  }
  StateWriter& field(std::string_view key, const char* value) {
    return field(key, std::string_view(value));
  }
  StateWriter& field(std::string_view key, std::int64_t value) {
    name(key);
    out_ += std::to_string(value);
    return *this;
  }
  StateWriter& field(std::string_view key, bool value) {
    name(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  // `key` followed by whatever the caller appends to raw() next.
  std::string& raw(std::string_view key) {
    name(key);
    return out_;
  }
  void close() { out_.push_back('}'); }

 private:
  void name(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    cwmp::appendJsonString(out_, key);
    out_.push_back(':');
  }
  std::string& out_;
  bool first_ = true;
};

void appendInFlight(std::string& out, const TaskInFlight& f) {
  StateWriter w(out);
  w.field("task_id", std::int64_t{f.task_id})
      .field("task_type", f.task_type)
      .field("args_json", f.args_json)
      .field("method", f.method)
      .field("step", static_cast<std::int64_t>(f.step))
      .field("command_key", f.command_key)
      .field("request_id", f.request_id);
  w.close();
}

}  // namespace

std::string_view phaseName(Phase phase) { return phaseToName(phase); }

std::string impliedVersion(cwmp::CwmpNamespace ns) {
  switch (ns) {
    case cwmp::CwmpNamespace::V1_0:
      return "1.0";
    case cwmp::CwmpNamespace::V1_1:
      return "1.1";
    case cwmp::CwmpNamespace::V1_2:
      return "1.2";
    case cwmp::CwmpNamespace::V1_3:
      return "1.3";
    case cwmp::CwmpNamespace::V1_4:
      return "1.4";
  }
  return "1.2";
}

std::string highestCommonVersion(const std::vector<std::string>& ours,
                                 const std::vector<std::string>& theirs) {
  std::optional<std::pair<int, int>> best;
  std::string best_text;
  for (const auto& a : ours) {
    auto va = parseVersion(a);
    if (!va) continue;
    for (const auto& b : theirs) {
      auto vb = parseVersion(b);
      if (!vb || *va != *vb) continue;
      if (!best || *va > *best) {
        best = va;
        best_text = std::to_string(va->first) + "." + std::to_string(va->second);
      }
    }
  }
  return best_text;
}

// --- SessionState serialisation ------------------------------------------------------------

std::string SessionState::toJson() const {
  std::string out;
  out.reserve(320 + device_id.size() + (in_flight ? in_flight->args_json.size() + 96 : 0));
  StateWriter w(out);
  w.field("v", std::int64_t{1})
      .field("phase", phaseToName(phase))
      .field("device_id", device_id)
      .field("ns", static_cast<std::int64_t>(static_cast<int>(ns)))
      .field("cwmp_version", cwmp_version)
      .field("hold_requests", hold_requests)
      .field("cpe_may_continue", cpe_may_continue);
  if (in_flight) {
    appendInFlight(w.raw("in_flight"), *in_flight);
  } else {
    w.raw("in_flight") += "null";
  }
  w.field("messages_in", std::int64_t{messages_in})
      .field("messages_out", std::int64_t{messages_out})
      .field("next_request_seq", std::int64_t{next_request_seq})
      .field("started_at", static_cast<std::int64_t>(started_at.time_since_epoch().count()))
      .field("last_activity", static_cast<std::int64_t>(last_activity.time_since_epoch().count()));
  std::string& events_out = w.raw("events");
  events_out.push_back('[');
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) events_out.push_back(',');
    cwmp::appendJsonString(events_out, events[i]);
  }
  events_out.push_back(']');
  w.field("outcome", outcome).field("capture", capture).field("capture_seq", std::int64_t{capture_seq});
  w.close();
  return out;
}

cwmp::Result<SessionState> SessionState::fromJson(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return stateError(doc.error().message);
  const json::Value& v = *doc;
  if (!v.isObject() || v.get("v").asInt() != 1) return stateError("unknown format version");
  SessionState s;
  auto phase = phaseFromName(v.get("phase").asString());
  if (!phase) return stateError("unknown phase '" + v.get("phase").asString() + "'");
  s.phase = *phase;
  s.device_id = v.get("device_id").asString();
  std::int64_t ns = v.get("ns").asInt(-1);
  if (ns < 0 || ns > 4) return stateError("bad namespace");
  s.ns = static_cast<cwmp::CwmpNamespace>(ns);
  s.cwmp_version = v.get("cwmp_version").asString();
  s.hold_requests = v.get("hold_requests").asBool();
  s.cpe_may_continue = v.get("cpe_may_continue").asBool();
  const json::Value& f = v.get("in_flight");
  if (f.isObject()) {
    TaskInFlight t;
    t.task_id = f.get("task_id").asInt();
    t.task_type = f.get("task_type").asString();
    t.args_json = f.get("args_json").asString();
    t.method = f.get("method").asString();
    t.step = static_cast<std::int32_t>(f.get("step").asInt());
    t.command_key = f.get("command_key").asString();
    t.request_id = f.get("request_id").asString();
    s.in_flight = std::move(t);
  } else if (!f.isNull()) {
    return stateError("bad in_flight");
  }
  s.messages_in = v.get("messages_in").asInt();
  s.messages_out = v.get("messages_out").asInt();
  s.next_request_seq = v.get("next_request_seq").asInt(1);
  s.started_at = store::TimePoint(milliseconds(v.get("started_at").asInt()));
  s.last_activity = store::TimePoint(milliseconds(v.get("last_activity").asInt()));
  for (const auto& e : v.get("events").asArray()) s.events.push_back(e.asString());
  s.outcome = v.get("outcome").asString();
  s.capture = v.get("capture").asBool();
  s.capture_seq = v.get("capture_seq").asInt();
  return s;
}

// --- AcsSession ----------------------------------------------------------------------------

AcsSession::AcsSession(SessionConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

AcsSession::AcsSession(SessionConfig config, const Clock& clock, SessionState state)
    : config_(std::move(config)), clock_(clock), state_(std::move(state)) {}

const std::vector<std::string>& AcsSession::acsMethods() {
  static const std::vector<std::string> kMethods = {"Inform",
                                                    "GetRPCMethods",
                                                    "TransferComplete",
                                                    "AutonomousTransferComplete",
                                                    "DUStateChangeComplete",
                                                    "AutonomousDUStateChangeComplete",
                                                    "RequestDownload",
                                                    "Kicked"};
  return kMethods;
}

bool AcsSession::expired() const {
  if (state_.phase == Phase::AwaitInform || state_.phase == Phase::Ended) return false;
  return clock_.now() - state_.last_activity > config_.timeout;
}

cwmp::Envelope AcsSession::faultReply(const cwmp::Envelope& request, std::uint32_t code,
                                      std::string message) {
  cwmp::Envelope out;
  out.ns = request.ns;
  out.header.id = request.header.id;
  out.body = cwmp::makeFault(code, std::move(message));
  return out;
}

void AcsSession::touch() {
  state_.messages_in += 1;
  state_.last_activity = clock_.now();
}

cwmp::Envelope AcsSession::envelopeFor(std::optional<std::string> id) const {
  cwmp::Envelope env;
  env.ns = state_.ns;
  env.header.id = std::move(id);
  return env;
}

void AcsSession::reply(Step& step, cwmp::Envelope envelope) {
  step.action.http_status = 200;
  // A response to a CPE request carries the hold state the session is in, so the CPE's view
  // of HoldRequests never changes by accident (TR-069 A.4.2.1 [M]).
  if (state_.hold_requests) envelope.header.hold_requests = true;
  step.action.envelope = std::move(envelope);
  state_.messages_out += 1;
}

void AcsSession::end(Step& step, SessionOutcome outcome, bool requeue) {
  state_.phase = Phase::Ended;
  state_.outcome = std::string(sessionOutcomeName(outcome));
  if (requeue) state_.in_flight.reset();
  step.effects.push_back(EndSessionEffect{outcome, requeue});
}

Step AcsSession::refuse(std::string reason, bool end_session) {
  Step step;
  step.action.http_status = 400;
  step.action.reason = std::move(reason);
  if (end_session && state_.phase != Phase::AwaitInform && state_.phase != Phase::Ended) {
    step.effects.push_back(RecordFaultEffect{0, "protocol error: " + step.action.reason, {}});
    end(step, SessionOutcome::Aborted, /*requeue=*/true);
  }
  return step;
}

Step AcsSession::onEnvelope(const cwmp::Envelope& envelope, TaskSource& tasks) {
  if (std::holds_alternative<cwmp::EmptyBody>(envelope.body)) return onEmptyPost(tasks);

  if (expired()) {
    Step step = refuse("session expired: no message for more than " +
                           std::to_string(config_.timeout.count() / 1000) + " s",
                       false);
    end(step, SessionOutcome::Timeout, /*requeue=*/true);
    return step;
  }

  const bool is_inform = std::holds_alternative<cwmp::Inform>(envelope.body);
  if (state_.phase == Phase::AwaitInform) {
    if (!is_inform) {
      return refuse("expected an Inform to start the session, got " +
                        std::string(cwmp::methodName(envelope.body)),
                    false);
    }
    touch();
    return handleInform(envelope);
  }
  if (is_inform) {
    touch();
    return refuse("a second Inform in one session is not allowed (TR-069 3.1.1)", true);
  }
  if (state_.phase == Phase::Ended) {
    if (state_.cpe_may_continue && !cwmp::isResponse(envelope.body)) {
      // The CPE was held until our final 204 and now sends the requests it kept back.
      touch();
      state_.phase = Phase::CpeRequests;
      state_.cpe_may_continue = false;
      state_.outcome.clear();
      Step step = handleCpeRequest(envelope, tasks);
      step.reopened = true;
      return step;
    }
    return refuse("the session has ended; start a new one with an Inform", false);
  }
  touch();
  if (cwmp::isResponse(envelope.body)) return handleResponse(envelope, tasks);
  return handleCpeRequest(envelope, tasks);
}

Step AcsSession::handleInform(const cwmp::Envelope& envelope) {
  const auto& inform = std::get<cwmp::Inform>(envelope.body);
  Step step;
  state_.ns = envelope.ns;
  state_.started_at = clock_.now();
  state_.events.clear();
  for (const auto& e : inform.event) state_.events.push_back(e.event_code);

  auto fail = [&](std::uint32_t code, std::string message, bool record_device) {
    if (record_device) {
      step.effects.push_back(RecordInformEffect{inform, state_.device_id});
      step.effects.push_back(RecordFaultEffect{code, message, {}});
    }
    cwmp::Envelope out = faultReply(envelope, code, message);
    step.action.reason = std::move(message);
    reply(step, std::move(out));
    end(step, SessionOutcome::Fault, false);
    return step;
  };

  // SOAP 1.1 §4.2.3: a mustUnderstand header the receiver does not know must be refused.
  if (!envelope.header.not_understood.empty()) {
    std::string names;
    for (const auto& n : envelope.header.not_understood) names += (names.empty() ? "" : ", ") + n;
    cwmp::Envelope out = faultReply(envelope, 8003, "header not understood: " + names);
    std::get<cwmp::Fault>(out.body).faultcode = "MustUnderstand";
    step.action.reason = "header not understood: " + names;
    reply(step, std::move(out));
    end(step, SessionOutcome::Fault, false);
    return step;
  }

  // genieacs and TR-069 3.4.4 (device identity): OUI and SerialNumber make the device key.
  if (inform.device_id.oui.empty() || inform.device_id.serial_number.empty()) {
    return fail(8003, "Inform lacks DeviceId/OUI or DeviceId/SerialNumber", false);
  }
  state_.device_id = store::makeDeviceId(inform.device_id.oui, inform.device_id.product_class,
                                         inform.device_id.serial_number);

  // Version negotiation (checklist 2.3.4-2.3.6).
  cwmp::Envelope out = envelopeFor(envelope.header.id);
  if (envelope.header.supported_cwmp_versions) {
    auto offered = cwmp::parseCwmpVersions(*envelope.header.supported_cwmp_versions);
    std::string common = highestCommonVersion(config_.supported_versions, offered);
    if (common.empty()) {
      return fail(8006,
                  "ACS version incompatible with CPE: CPE offers '" +
                      *envelope.header.supported_cwmp_versions + "'",
                  true);
    }
    state_.cwmp_version = common;
    out.header.use_cwmp_version = common;
  } else {
    std::string implied = impliedVersion(envelope.ns);
    if (highestCommonVersion(config_.supported_versions, {implied}).empty()) {
      return fail(8006, "ACS version incompatible with CPE: namespace implies CWMP " + implied,
                  true);
    }
    state_.cwmp_version = implied;
  }

  state_.phase = Phase::CpeRequests;
  state_.hold_requests = config_.hold_requests;
  out.body = cwmp::InformResponse{1};
  step.effects.push_back(RecordInformEffect{inform, state_.device_id});
  reply(step, std::move(out));
  return step;
}

Step AcsSession::handleCpeRequest(const cwmp::Envelope& envelope, TaskSource& tasks) {
  (void)tasks;
  Step step;
  const cwmp::Body& body = envelope.body;
  const std::string method(cwmp::methodName(body));

  if (!isKnownCpeRequest(body)) {
    std::string message = "Method not supported: " + method;
    step.effects.push_back(RecordFaultEffect{8000, message, {}});
    step.action.reason = message;
    reply(step, faultReply(envelope, 8000, message));
    return step;
  }
  // Requests while the ACS holds the CPE, or while an ACS request awaits its answer, break
  // TR-069 3.7.2 / A.4.2.1; answering is harmless and loses nothing, so the ACS answers and
  // records the violation (T-SESS-03).
  if (state_.hold_requests) {
    step.effects.push_back(RecordFaultEffect{
        0, "protocol error: " + method + " sent while HoldRequests was true", {}});
  } else if (state_.in_flight) {
    step.effects.push_back(RecordFaultEffect{
        0,
        "protocol error: " + method + " sent instead of the answer to " + state_.in_flight->method,
        {}});
  }

  std::string args = cwmp::bodyToJson(body);
  cwmp::Envelope out = envelopeFor(envelope.header.id);
  if (const auto* tc = std::get_if<cwmp::TransferComplete>(&body)) {
    step.effects.push_back(LinkedCompletionEffect{tc->command_key, "TransferComplete", args,
                                                  tc->fault_struct.fault_code,
                                                  tc->fault_struct.fault_string});
    out.body = cwmp::TransferCompleteResponse{};
  } else if (std::holds_alternative<cwmp::AutonomousTransferComplete>(body)) {
    out.body = cwmp::AutonomousTransferCompleteResponse{};
  } else if (std::holds_alternative<cwmp::GetRPCMethods>(body)) {
    out.body = cwmp::GetRPCMethodsResponse{acsMethods()};
  } else if (const auto* du = std::get_if<cwmp::DUStateChangeComplete>(&body)) {
    std::uint32_t code = 0;
    std::string text;
    for (const auto& r : du->results) {
      if (r.fault.fault_code != 0) {
        code = r.fault.fault_code;
        text = r.fault.fault_string;
        break;
      }
    }
    step.effects.push_back(
        LinkedCompletionEffect{du->command_key, "DUStateChangeComplete", args, code, text});
    out.body = cwmp::DUStateChangeCompleteResponse{};
  } else if (std::holds_alternative<cwmp::AutonomousDUStateChangeComplete>(body)) {
    out.body = cwmp::AutonomousDUStateChangeCompleteResponse{};
  } else if (std::holds_alternative<cwmp::RequestDownload>(body)) {
    out.body = cwmp::RequestDownloadResponse{};
  } else if (const auto* kicked = std::get_if<cwmp::Kicked>(&body)) {
    // Kicked (A.4.2.1, deprecated): the ACS has no LAN pages of its own; it sends the browser
    // on to where the CPE said it wanted to go.
    out.body = cwmp::KickedResponse{kicked->next};
  }
  step.effects.push_back(CpeRequestEffect{method, std::move(args)});
  reply(step, std::move(out));
  return step;
}

Step AcsSession::handleResponse(const cwmp::Envelope& envelope, TaskSource& tasks) {
  const cwmp::Body& body = envelope.body;
  const std::string method(cwmp::methodName(body));
  if (!state_.in_flight) {
    return refuse("unexpected " + method + ": the ACS has no request outstanding", true);
  }
  Step step;
  TaskInFlight in_flight = *state_.in_flight;
  state_.in_flight.reset();

  TaskStepResult result;
  if (const auto* fault = std::get_if<cwmp::Fault>(&body)) {
    result = onTaskFault(in_flight, *fault);
  } else if (method == expectedResponseMethod(in_flight.method)) {
    result = onTaskResponse(in_flight, body);
  } else {
    result.effects.push_back(TaskFaultedEffect{
        in_flight.task_id, 0,
        "protocol error: expected " + expectedResponseMethod(in_flight.method) + ", got " + method,
        cwmp::bodyToJson(body)});
  }
  for (auto& e : result.effects) step.effects.push_back(std::move(e));
  if (result.follow_up) {
    sendRequest(step, *result.follow_up, in_flight);
    return step;
  }
  nextRequestOrEnd(step, tasks);
  return step;
}

Step AcsSession::onEmptyPost(TaskSource& tasks) {
  if (state_.phase == Phase::AwaitInform) {
    return refuse("expected an Inform to start the session, got an empty POST", false);
  }
  if (state_.phase == Phase::Ended) {
    // A repeated empty POST after the final 204 (e.g. a retry on a new connection): the
    // answer is the same 204, and the session stays ended.
    Step step;
    state_.cpe_may_continue = false;
    step.action.http_status = 204;
    step.action.reason = "session already ended";
    return step;
  }
  if (expired()) {
    Step step = refuse("session expired: no message for more than " +
                           std::to_string(config_.timeout.count() / 1000) + " s",
                       false);
    end(step, SessionOutcome::Timeout, /*requeue=*/true);
    return step;
  }
  touch();
  Step step;
  if (state_.in_flight) {
    // TR-069 3.7.2: the CPE must answer each ACS request; an empty POST instead leaves the
    // request's fate unknown, so the task is closed with a protocol error rather than re-sent.
    step.effects.push_back(TaskFaultedEffect{
        state_.in_flight->task_id,
        0,
        "protocol error: empty POST instead of " + expectedResponseMethod(state_.in_flight->method),
        {}});
    state_.in_flight.reset();
  }
  state_.phase = Phase::AcsRequests;
  nextRequestOrEnd(step, tasks);
  return step;
}

Step AcsSession::onDecodeError(const cwmp::Error& error, std::string_view raw_body,
                               TaskSource& tasks) {
  if (state_.phase == Phase::AwaitInform || state_.phase == Phase::Ended) {
    return refuse("cannot decode the SOAP envelope: " + error.message, false);
  }
  touch();
  Step step;
  if (state_.in_flight && error.code != cwmp::ErrorCode::UnknownMethod) {
    step.effects.push_back(TaskFaultedEffect{state_.in_flight->task_id,
                                             0,
                                             "protocol error: the answer to " +
                                                 state_.in_flight->method +
                                                 " could not be decoded: " + error.message,
                                             {}});
    state_.in_flight.reset();
    nextRequestOrEnd(step, tasks);
    return step;
  }
  std::uint32_t code = error.acsFaultCode();
  std::string message = error.code == cwmp::ErrorCode::UnknownMethod
                            ? "Method not supported: " + error.message
                            : error.message;
  step.effects.push_back(RecordFaultEffect{code, message, {}});
  cwmp::Envelope out = envelopeFor(error.header_id ? error.header_id : scanForId(raw_body));
  out.body = cwmp::makeFault(code, message.substr(0, 256));
  step.action.reason = message;
  reply(step, std::move(out));
  return step;
}

void AcsSession::sendRequest(Step& step, const PlannedRequest& planned, const TaskInFlight& base) {
  TaskInFlight f = base;
  f.method = std::string(cwmp::methodName(planned.body));
  f.step = planned.step;
  if (planned.step == 0) f.command_key = planned.command_key;
  f.request_id = "acs-" + std::to_string(state_.next_request_seq++);
  cwmp::Envelope out = envelopeFor(f.request_id);
  out.body = planned.body;
  state_.in_flight = std::move(f);
  reply(step, std::move(out));
}

void AcsSession::nextRequestOrEnd(Step& step, TaskSource& tasks) {
  state_.phase = Phase::AcsRequests;
  while (auto task = tasks.next()) {
    auto planned = planTask(*task);
    if (!planned) {
      step.effects.push_back(
          TaskFaultedEffect{task->id, 0, "invalid task: " + planned.error().message, {}});
      continue;
    }
    TaskInFlight base;
    base.task_id = task->id;
    base.task_type = task->type;
    base.args_json = task->args_json;
    if (!tasks.claim(*task, planned->command_key)) continue;
    sendRequest(step, *planned, base);
    return;
  }
  // Nothing left: 204 ends the session (checklist 1.1.5, 3.2). When the CPE was held it may
  // still have requests of its own (3.2.1), so it may come back with them.
  step.action.http_status = 204;
  step.action.envelope.reset();
  state_.cpe_may_continue = state_.hold_requests;
  state_.hold_requests = false;
  end(step, SessionOutcome::Ok, false);
}

}  // namespace acs::session
