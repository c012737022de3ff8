#include "session/cpe_session.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "device/device_internal.h"

#include "cwmp/value.h"

namespace cpesim {

WaitRange retryWaitRange(std::uint32_t retry_count, std::uint32_t min_wait,
                         std::uint32_t multiplier) {
  const std::uint32_t n = std::clamp<std::uint32_t>(retry_count, 1, 10);
  const double m = std::clamp<std::uint32_t>(min_wait, 1, 65535);
  const double k = std::clamp<std::uint32_t>(multiplier, 1000, 65535) / 1000.0;
  WaitRange r;
  r.min_seconds = m * std::pow(k, static_cast<double>(n - 1));
  r.max_seconds = r.min_seconds * k;
  return r;
}

std::chrono::milliseconds drawWait(const WaitRange& range, Rng& rng) {
  double seconds = range.min_seconds;
  if (range.max_seconds > range.min_seconds) {
    seconds = std::uniform_real_distribution<double>(range.min_seconds, range.max_seconds)(rng);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

namespace {

// "1.4" -> 4; nullopt for anything but 1.0 .. 1.4.
std::optional<int> minorVersion(std::string_view v) {
  auto b = v.find_first_not_of(" \t");
  auto e = v.find_last_not_of(" \t");
  if (b == std::string_view::npos) return std::nullopt;
  v = v.substr(b, e - b + 1);
  if (v.size() != 3 || v[0] != '1' || v[1] != '.' || v[2] < '0' || v[2] > '4') return std::nullopt;
  return v[2] - '0';
}

std::string requestName(
    const std::variant<cwmp::TransferComplete, cwmp::DUStateChangeComplete>& r) {
  return std::holds_alternative<cwmp::TransferComplete>(r) ? "TransferComplete"
                                                           : "DUStateChangeComplete";
}

std::string describe(const cwmp::Body& body) {
  if (const auto* f = std::get_if<cwmp::Fault>(&body)) {
    return "fault " + std::to_string(f->fault_code) +
           (f->fault_string.empty() ? std::string() : " (" + f->fault_string + ")");
  }
  std::string_view m = cwmp::methodName(body);
  return m.empty() ? std::string("an empty body") : std::string(m);
}

}  // namespace

CpeSession::CpeSession(Device& device, const Profile& profile)
    : device_(device),
      profile_(profile),
      ns_(profile.namespaceFor(device.index())),
      version_(profile.cwmp().version) {}

cwmp::Envelope CpeSession::envelope(cwmp::Body body, std::optional<std::string> id) const {
  cwmp::Envelope e;
  e.ns = ns_;
  e.header.id = std::move(id);
  e.body = std::move(body);
  return e;
}

cwmp::Envelope CpeSession::start(TimePoint now) {
  state_ = State::AwaitInformResponse;
  inform_ = device_.informContent(profile_, now);
  cwmp::Inform inform;
  inform.device_id = profile_.deviceId(device_.index());
  inform.event = inform_.events;
  inform.max_envelopes = defect("inform-max-envelopes") ? 2 : 1;
  inform.current_time =
      cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(now));
  inform.retry_count = defect("retry-count-frozen") ? 0 : device_.retryCount();
  inform.parameter_list = inform_.parameters;
  if (defect("omit-forced-parameter")) {
    std::erase_if(inform.parameter_list, [](const cwmp::ParameterValueStruct& p) {
      return p.name.ends_with(".ManagementServer.ParameterKey");
    });
  }
  if (defect("deviceid-mismatch")) inform.device_id.serial_number += "-X";
  if (defect("duplicate-event") && !inform.event.empty()) {
    inform.event.push_back(inform.event.front());
  }
  cwmp::Envelope e = envelope(std::move(inform), device_.nextMessageId());
  const CwmpSettings& s = profile_.cwmp();
  if (s.session_timeout) e.header.session_timeout = *s.session_timeout;
  // SupportedCWMPVersions belongs to CWMP 1.4 (checklist 2.3.4).
  if (s.version == "1.4" && !s.supported_versions.empty()) {
    e.header.supported_cwmp_versions = s.supported_versions;
  }
  return e;
}

Step CpeSession::fail(std::string error) {
  state_ = State::Failed;
  error_ = std::move(error);
  Step s;
  s.done = true;
  s.failed = true;
  s.error = error_;
  return s;
}

Step CpeSession::nextOwnRequestOrEmptyPost() {
  if (!hold_requests_ && !own_requests_.empty()) {
    in_flight_ = own_requests_.front();
    own_requests_.erase(own_requests_.begin());
    state_ = State::AwaitRequestResponse;
    Step s;
    s.to_send = envelope(std::visit([](const auto& r) -> cwmp::Body { return r; }, *in_flight_),
                         device_.nextMessageId());
    return s;
  }
  // Nothing to ask (or held): the empty POST hands the session to the ACS (3.1.6).
  state_ = State::AwaitAcsMessage;
  Step s;
  if (defect("no-empty-post")) s.to_send = envelope(cwmp::EmptyBody{}, device_.nextMessageId());
  return s;
}

Step CpeSession::answer(const cwmp::Envelope& request, TimePoint now) {
  cwmp::Body body;
  if (!request.header.not_understood.empty()) {
    // SOAP 1.1: a mustUnderstand header the receiver does not know gets a MustUnderstand
    // fault, and the request is not processed.
    cwmp::Fault f =
        cwmp::makeFault(9003, "header not understood: " + request.header.not_understood.front());
    f.faultcode = "MustUnderstand";
    body = std::move(f);
  } else {
    body = device_.execute(profile_, request.body, now, effects_);
  }
  ++rpcs_answered_;
  if (std::holds_alternative<cwmp::Fault>(body)) ++faults_sent_;
  state_ = State::AwaitAcsMessage;
  Step s;
  s.to_send = envelope(std::move(body),
                       defect("id-not-echoed") ? device_.nextMessageId() : request.header.id);
  return s;
}

void CpeSession::delivered(const OwnRequest& request) {
  if (const auto* tc = std::get_if<cwmp::TransferComplete>(&request)) {
    device_.transferCompleteDelivered(*tc);
  } else {
    device_.duStateChangeCompleteDelivered(std::get<cwmp::DUStateChangeComplete>(request));
  }
}

bool CpeSession::defect(std::string_view name) const {
  const Quirks* q = profile_.quirksFor(device_.index());
  return q != nullptr && q->hasDefect(name);
}

Step CpeSession::onResponse(int http_status, std::optional<cwmp::Envelope> reply, TimePoint now) {
  if (state_ == State::Idle) return fail("a reply arrived before the Inform was sent");
  if (state_ == State::Done || state_ == State::Failed) {
    return fail("a reply arrived after the session ended");
  }
  const bool empty = http_status == 204 || (http_status == 200 && !reply);
  if (!empty && http_status != 200) {
    return fail("the ACS answered with HTTP status " + std::to_string(http_status));
  }
  if (empty) {
    switch (state_) {
      case State::AwaitInformResponse:
        return fail("the ACS sent no InformResponse (empty HTTP " + std::to_string(http_status) +
                    ")");
      case State::AwaitRequestResponse:
        return fail("the ACS sent no " + requestName(*in_flight_) + "Response (empty HTTP " +
                    std::to_string(http_status) + ")");
      default:
        break;
    }
    // The ACS has nothing more. No envelope carries HoldRequests any more, and requests
    // the device still owes go out now (checklist 3.2.1).
    hold_requests_ = false;
    if (!own_requests_.empty()) return nextOwnRequestOrEmptyPost();
    if (defect("post-after-204") && !posted_after_end_) {
      posted_after_end_ = true;
      return Step{};
    }
    state_ = State::Done;
    Step s;
    s.done = true;
    return s;
  }
  const cwmp::Envelope& env = *reply;
  // HoldRequests holds until an ACS envelope comes without it or with false (2.2).
  hold_requests_ = env.header.hold_requests.value_or(false) && !defect("hold-requests-ignored");
  switch (state_) {
    case State::AwaitInformResponse: {
      if (!std::holds_alternative<cwmp::InformResponse>(env.body)) {
        return fail("the ACS answered the Inform with " + describe(env.body));
      }
      if (env.header.use_cwmp_version) {
        auto chosen = minorVersion(*env.header.use_cwmp_version);
        auto mine = minorVersion(profile_.cwmp().version);
        if (!chosen || !mine || *chosen > *mine) {
          return fail("the ACS chose CWMP version '" + *env.header.use_cwmp_version +
                      "', which the device does not support");
        }
        version_ = "1." + std::to_string(*chosen);
      }
      device_.informDelivered(inform_);
      own_requests_.clear();
      for (auto& tc : device_.pendingTransferCompletes()) own_requests_.emplace_back(std::move(tc));
      for (auto& du : device_.pendingDuStateChangeCompletes()) {
        own_requests_.emplace_back(std::move(du));
      }
      return nextOwnRequestOrEmptyPost();
    }
    case State::AwaitRequestResponse: {
      const bool answered =
          std::holds_alternative<cwmp::TransferComplete>(*in_flight_)
              ? std::holds_alternative<cwmp::TransferCompleteResponse>(env.body)
              : std::holds_alternative<cwmp::DUStateChangeCompleteResponse>(env.body);
      if (answered) {
        delivered(*in_flight_);
        in_flight_.reset();
        return nextOwnRequestOrEmptyPost();
      }
      if (const auto* f = std::get_if<cwmp::Fault>(&env.body)) {
        if (f->fault_code == 8005) {
          // Not delivered: kept and sent again in a later session (checklist 3.4.3); no
          // more requests in this one.
          own_requests_.clear();
        } else {
          // Any other fault rejects it for good (3.4.4).
          delivered(*in_flight_);
        }
        in_flight_.reset();
        return nextOwnRequestOrEmptyPost();
      }
      return fail("the ACS answered " + requestName(*in_flight_) + " with " + describe(env.body));
    }
    case State::AwaitAcsMessage: {
      if (cwmp::isResponse(env.body) || std::holds_alternative<cwmp::EmptyBody>(env.body)) {
        return fail("the ACS sent " + describe(env.body) + " where a request or 204 was due");
      }
      return answer(env, now);
    }
    default:
      return fail("unexpected reply");
  }
}

Step CpeSession::onUndecodable(int http_status, const cwmp::Error& error, TimePoint) {
  if (state_ == State::Done || state_ == State::Failed || state_ == State::Idle) {
    return fail("a reply arrived outside the session");
  }
  if (http_status != 200) {
    return fail("the ACS answered with HTTP status " + std::to_string(http_status));
  }
  if (state_ != State::AwaitAcsMessage || defect("unknown-method-dropped")) {
    return fail("the ACS reply did not decode: " + error.message);
  }
  // An ACS request the device cannot read: answer with the matching fault (9000 for an
  // unknown method, 9003 for bad arguments, ...), echoing the request's ID when its Header
  // could be read.
  cwmp::Fault f = cwmp::makeFault(error.cpeFaultCode(), error.message.substr(0, 256));
  ++rpcs_answered_;
  ++faults_sent_;
  Step s;
  s.to_send = envelope(std::move(f), error.header_id);
  return s;
}

Step CpeSession::onTransportError(std::string reason) {
  if (state_ == State::Done) {
    Step s;
    s.done = true;
    return s;
  }
  return fail(std::move(reason));
}

AfterSession CpeSession::finish(TimePoint now, Rng& rng) {
  AfterSession a;
  a.rpcs_answered = rpcs_answered_;
  a.faults_sent = faults_sent_;
  if (finished_) {
    a.error = "finish() was called twice";
    a.retry_count = device_.retryCount();
    a.next_wakeup = device_.nextWakeup(profile_, now);
    return a;
  }
  finished_ = true;
  if (state_ == State::Done) {
    device_.sessionSucceeded(profile_, effects_, now);
    a.success = true;
    a.rebooting = device_.rebooting();
    a.factory_reset = effects_.factory_reset;
  } else {
    if (state_ != State::Failed) error_ = "the session was abandoned before it ended";
    state_ = State::Failed;
    a.error = error_;
    // Reboot, FactoryReset and the like only follow a successful session (3.2.3). A new
    // ACS URL is already in the model, though: the device bootstraps to it either way.
    a.retry_at = device_.sessionFailed(profile_, now, rng);
    if (effects_.acs_url_changed) DeviceAccess::acsChanged(device_);
  }
  a.retry_count = device_.retryCount();
  a.next_wakeup = device_.nextWakeup(profile_, now);
  a.start_new_session = a.success && !a.rebooting && a.next_wakeup && *a.next_wakeup <= now;
  return a;
}

}  // namespace cpesim
