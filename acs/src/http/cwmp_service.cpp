#include "acs/src/http/cwmp_service.h"

#include <algorithm>
#include <random>
#include <set>

#include <Poco/Logger.h>

#include "acs/src/core/effect_applier.h"
#include "acs/src/core/store_errors.h"
#include "cwmp/codec.h"

namespace acs::http {

namespace {

using std::chrono::milliseconds;

constexpr std::string_view kRetryAfterSeconds = "10";
constexpr std::chrono::milliseconds kReaperMargin{1000};

bool isBlank(std::string_view body) {
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}


std::string formatTime(store::TimePoint t) {
  return cwmp::formatDateTime(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(t.time_since_epoch())));
}

CwmpReply textReply(int status, std::string text) {
  CwmpReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(text);
  if (!r.body.empty() && r.body.back() != '\n') r.body.push_back('\n');
  return r;
}

// The device's queued tasks, for one HTTP request of a session.
class StoreTaskSource final : public session::TaskSource {
 public:
  StoreTaskSource(store::Store& store, Metrics& metrics, std::string device_id,
                  std::string session_id, store::TimePoint now)
      : store_(store),
        metrics_(metrics),
        device_id_(std::move(device_id)),
        session_id_(std::move(session_id)),
        now_(now) {}

  std::optional<store::Task> next() override {
    auto first = store_.nextPendingTask(device_id_, now_);
    if (!first.ok()) return fail(first.error());
    if (!first->has_value()) return std::nullopt;
    if (returned_.insert((*first)->id).second) return std::move(**first);
    // The oldest pending task was handed out already (it could not be planned and its fault
    // is not stored yet): look further down the queue.
    store::TaskQuery q;
    q.device_id = device_id_;
    q.state = store::TaskState::Pending;
    q.limit = static_cast<std::int64_t>(returned_.size()) + 1;
    auto page = store_.listTasks(q);
    if (!page.ok()) return fail(page.error());
    for (auto& t : page->items) {
      if (returned_.insert(t.id).second) return std::move(t);
    }
    return std::nullopt;
  }

  bool claim(const store::Task& task, std::string_view command_key) override {
    auto r = store_.markTaskSent(task.id, session_id_, command_key, now_);
    if (!r.ok()) {
      if (isTransient(r.error())) failed_ = true;
      metrics_.storeError(storeErrorKind(r.error().code));
      return false;
    }
    metrics_.taskSent();
    return true;
  }

  bool failed() const { return failed_; }

 private:
  std::optional<store::Task> fail(const store::StoreError& e) {
    metrics_.storeError(storeErrorKind(e.code));
    failed_ = true;
    return std::nullopt;
  }

  store::Store& store_;
  Metrics& metrics_;
  std::string device_id_;
  std::string session_id_;
  store::TimePoint now_;
  std::set<std::int64_t> returned_;
  bool failed_ = false;
};

}  // namespace

std::string cookieValue(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t semi = header.find(';', pos);
    if (semi == std::string_view::npos) semi = header.size();
    std::string_view part = header.substr(pos, semi - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    std::size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view v = part.substr(eq + 1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    pos = semi + 1;
  }
  return {};
}

std::string newSessionId() {
  // One device per thread: opening it is what costs (it showed in the benchmark's profile),
  // each value still comes from the OS entropy source.
  thread_local std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(44);
  // The time first: new ids sort after older ones, so the sessions table's primary-key index
  // grows at its right edge instead of dirtying a random page per session (a page written to
  // the WAL and checkpointed again on every commit).
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (int shift = 44; shift >= 0; shift -= 4) id.push_back(kHex[(ms >> shift) & 15]);
  for (int i = 0; i < 4; ++i) {
    std::uint32_t v = rd();
    for (int j = 0; j < 8; ++j) {
      id.push_back(kHex[v & 15]);
      v >>= 4;
    }
  }
  return id;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

CwmpService::CwmpService(store::Store& store, Metrics& metrics, const AcsConfig& config,
                         const Clock& clock)
    : store_(store),
      metrics_(metrics),
      config_(config),
      clock_(clock),
      auth_(config.cpe_auth, config.cpe_auth.nonce_secret),
      log_(Poco::Logger::get("acs.cwmp")) {}

session::SessionConfig CwmpService::sessionConfig(bool hold) const {
  session::SessionConfig c;
  c.supported_versions = config_.supported_cwmp_versions;
  c.hold_requests = hold;
  c.timeout = std::chrono::seconds(config_.session_timeout_s);
  return c;
}

void CwmpService::noteStoreError(const store::StoreError& error) {
  metrics_.storeError(storeErrorKind(error.code));
}

bool CwmpService::captureWanted(const std::string& device_id, bool device_flag) const {
  return device_flag ||
         (!config_.capture_pattern.empty() && globMatch(config_.capture_pattern, device_id));
}

CwmpReply CwmpService::unavailable(const store::StoreError& error, std::string_view what) {
  noteStoreError(error);
  metrics_.cwmpHttpError(503);
  log_.warning("store %s during %s: %s; answering 503",
               std::string(store::storeErrcName(error.code)), std::string(what), error.message);
  CwmpReply r =
      textReply(503, "ACS temporarily unavailable (" +
                         std::string(store::storeErrcName(error.code)) + "); retry later");
  r.headers.emplace_back("Retry-After", std::string(kRetryAfterSeconds));
  return r;
}

CwmpReply CwmpService::faultToInform(const cwmp::Envelope& inform, std::uint32_t code,
                                     std::string message) {
  metrics_.cwmpFaultSent(code);
  metrics_.sessionRefused();
  CwmpReply r;
  r.status = 200;
  r.content_type = "text/xml; charset=\"utf-8\"";
  r.body = cwmp::encodeEnvelope(session::AcsSession::faultReply(inform, code, std::move(message)));
  metrics_.cwmpMessageOut();
  return r;
}

CwmpReply CwmpService::replyFor(const session::Step& step) {
  CwmpReply r;
  r.status = step.action.http_status;
  if (step.action.http_status == 200 && step.action.envelope) {
    r.content_type = "text/xml; charset=\"utf-8\"";
    r.body = cwmp::encodeEnvelope(*step.action.envelope);
    metrics_.cwmpMessageOut();
    if (const auto* f = std::get_if<cwmp::Fault>(&step.action.envelope->body)) {
      // Faults the session recorded are counted by the applier; count the others here.
      bool recorded = false;
      for (const auto& e : step.effects) {
        if (const auto* rec = std::get_if<RecordFaultEffect>(&e))
          recorded |= rec->code == f->fault_code;
      }
      if (!recorded) metrics_.cwmpFaultSent(f->fault_code);
    }
  } else if (step.action.http_status == 204) {
    r.body.clear();
  } else {
    metrics_.cwmpHttpError(step.action.http_status);
    r = textReply(step.action.http_status, step.action.reason);
  }
  return r;
}

void CwmpService::capture(const std::string& device_id, const std::string& session_id,
                          session::AcsSession& session, std::string_view direction, int http_status,
                          const std::string& body, store::TimePoint now) {
  if (!session.state().capture) return;
  store::CaptureRecord c;
  c.device_id = device_id;
  c.session_id = session_id;
  c.seq = session.nextCaptureSeq();
  c.direction = std::string(direction);
  c.http_status = http_status;
  c.body = body.size() > config_.capture_max_body_bytes
               ? body.substr(0, config_.capture_max_body_bytes)
               : body;
  c.truncated = body.size() > config_.capture_max_body_bytes;
  c.at = now;
  auto r = store_.appendCapture(c);
  if (!r.ok()) {
    noteStoreError(r.error());
    log_.warning("capture of %s failed: %s", device_id, r.error().message);
  }
}

CwmpReply CwmpService::process(const CwmpRequest& request) {
  const store::TimePoint now = clock_.now();
  metrics_.cwmpMessageIn();
  if (request.method != "POST") {
    CwmpReply r = textReply(405, "the CWMP endpoint accepts POST only");
    r.headers.emplace_back("Allow", "POST");
    metrics_.cwmpHttpError(405);
    return r;
  }

  std::optional<cwmp::Envelope> env;
  std::optional<cwmp::Error> decode_error;
  if (!isBlank(request.body)) {
    cwmp::DecodeOptions options;
    options.max_bytes = config_.max_body_bytes;
    auto decoded = cwmp::decodeEnvelope(request.body, options);
    if (decoded.ok()) {
      env = std::move(*decoded);
    } else {
      decode_error = decoded.error();
    }
  }
  const bool is_inform = env && std::holds_alternative<cwmp::Inform>(env->body);

  const std::string cookie = cookieValue(request.cookie, kCookieName);
  if (!cookie.empty()) {
    auto row = store_.getSession(cookie);
    if (!row.ok()) {
      if (is_inform) {
        noteStoreError(row.error());
        return faultToInform(*env, 8005, "ACS busy, retry later");
      }
      return unavailable(row.error(), "session lookup");
    }
    if (row->has_value()) {
      store::SessionRecord& rec = **row;
      auto state = session::SessionState::fromJson(rec.state_json);
      if (state.ok()) {
        const bool open = !rec.ended_at.has_value();
        session::AcsSession probe(sessionConfig(false), clock_, *state);
        const bool continuable = open || state->cpe_may_continue;
        const bool restart = is_inform && (!open || probe.expired());
        if (continuable && !restart) {
          return continueSession(request, std::move(rec), std::move(*state), env, decode_error,
                                 now);
        }
        if (open && is_inform && probe.expired()) {
          closeDeadSession(rec.id, SessionOutcome::Timeout, now);
        }
      } else {
        log_.error("session %s has unreadable state: %s", rec.id, state.error().message);
      }
    }
  }

  if (is_inform) return startSession(request, *env, now);

  // No session to continue: the AcsSession explains what was expected.
  session::AcsSession fresh(sessionConfig(false), clock_);
  StoreTaskSource no_tasks(store_, metrics_, "", "", now);
  session::Step step;
  if (env) {
    step = fresh.onEnvelope(*env, no_tasks);
  } else if (decode_error) {
    step = fresh.onDecodeError(*decode_error, request.body, no_tasks);
  } else {
    step = fresh.onEmptyPost(no_tasks);
  }
  if (cookie.empty()) {
    step.action.reason += " (no session cookie was sent)";
  } else {
    step.action.reason += " (session '" + cookie + "' is unknown or has ended)";
  }
  return replyFor(step);
}

CwmpReply CwmpService::startSession(const CwmpRequest& request, const cwmp::Envelope& env,
                                    store::TimePoint now) {
  const auto& inform = std::get<cwmp::Inform>(env.body);
  if (overloaded_ && overloaded_()) {
    log_.warning("overloaded; Inform of %s answered with fault 8005",
                 inform.device_id.serial_number);
    return faultToInform(env, 8005, "ACS overloaded, retry later");
  }

  if (auth_.enabled()) {
    AuthResult a = auth_.check("POST", request.uri, request.authorization, now);
    if (a.kind != AuthResult::Kind::Ok) {
      metrics_.cwmpHttpError(401);
      log_.information("401 for %s (%s): %s", request.peer_ip, inform.device_id.serial_number,
                       a.reason);
      CwmpReply r = textReply(401, "authentication required");
      r.headers.emplace_back("WWW-Authenticate", a.www_authenticate);
      return r;
    }
    if (!CpeAuthenticator::mayActAs(a, inform.device_id.oui, inform.device_id.product_class,
                                    inform.device_id.serial_number)) {
      metrics_.cwmpHttpError(403);
      log_.warning("credentials of '%s' used for another device (%s)", a.username,
                   inform.device_id.serial_number);
      return textReply(403, "the credentials of '" + a.username +
                                "' do not belong to the device in this Inform");
    }
  }

  const std::string session_id = newSessionId();
  const bool identifiable =
      !inform.device_id.oui.empty() && !inform.device_id.serial_number.empty();
  const std::string device_id =
      identifiable ? store::makeDeviceId(inform.device_id.oui, inform.device_id.product_class,
                                         inform.device_id.serial_number)
                   : std::string();
  const milliseconds ttl = std::chrono::seconds(config_.session_timeout_s);

  bool hold = false;
  if (identifiable) {
    if (config_.hold_requests == HoldRequestsPolicy::Always) {
      hold = true;
    } else if (config_.hold_requests == HoldRequestsPolicy::WhenTasksPending) {
      auto pending = store_.nextPendingTask(device_id, now);
      hold = pending.ok() && pending->has_value();
    }
  }
  // Answering an Inform needs nothing from the store (handleInform is pure), so the reply is
  // decided before any write.
  session::AcsSession session(sessionConfig(hold), clock_);
  StoreTaskSource tasks(store_, metrics_, device_id, session_id, now);
  session::Step step = session.onEnvelope(env, tasks);
  if (identifiable && !session.ended() && step.effects.size() == 1 &&
      std::holds_alternative<RecordInformEffect>(step.effects.front())) {
    return startAccepted(request, env, session, step, session_id, device_id, now);
  }

  // An Inform answered with a fault (unsupported version, ...): lease, effects and session
  // row one by one, as this path is rare.
  bool leased = false;
  if (identifiable) {
    auto lease = store_.acquireLease(device_id, session_id, config_.instance_id, now, ttl);
    if (lease.ok() && !lease->acquired()) {
      // A holder whose session row says it ended forgot its lease (e.g. crashed between the
      // two writes): clear it and try once more.
      auto holder = store_.getSession(lease->holder_session_id);
      if (holder.ok() && holder->has_value() && (*holder)->ended_at.has_value()) {
        (void)store_.releaseLease(device_id, lease->holder_session_id);
        lease = store_.acquireLease(device_id, session_id, config_.instance_id, now, ttl);
      }
    }
    if (!lease.ok()) {
      noteStoreError(lease.error());
      log_.warning("lease for %s failed (%s); fault 8005", device_id, lease.error().message);
      return faultToInform(env, 8005, "ACS busy, retry later");
    }
    if (!lease->acquired() && endAbandonedHolder(*lease, now)) {
      lease = store_.acquireLease(device_id, session_id, config_.instance_id, now, ttl);
      if (!lease.ok()) {
        noteStoreError(lease.error());
        return faultToInform(env, 8005, "ACS busy, retry later");
      }
    }
    if (!lease->acquired()) return refuseSecondInform(inform, device_id, session_id, *lease, now);
    leased = true;
    if (!lease->taken_over_session_id.empty()) {
      log_.warning("%s: took over the expired lease of session %s", device_id,
                   lease->taken_over_session_id);
      closeDeadSession(lease->taken_over_session_id, SessionOutcome::Timeout, now);
    }
  }
  auto release = [&] {
    if (leased) (void)store_.releaseLease(device_id, session_id);
  };

  EffectContext ctx{device_id, session_id, request.peer_ip, now, inform_cache_};
  ApplyOutcome applied = applyEffects(store_, ctx, step.effects, &metrics_);
  if (!applied.status.ok()) {
    release();
    log_.warning("storing the Inform of %s failed (%s); fault 8005", device_id,
                 applied.status.error().message);
    return faultToInform(env, 8005, "ACS busy, retry later");
  }
  for (const auto& note : applied.notes) log_.information("%s: %s", device_id, note);
  metrics_.informReceived(session.state().events);
  session.setCapture(applied.device && captureWanted(device_id, applied.device->capture_enabled));

  const bool ended = session.ended();
  store::SessionRecord row;
  row.id = session_id;
  row.device_id = device_id;
  row.owner = config_.instance_id;
  row.started_at = now;
  row.last_activity = now;
  row.events = session.state().events;
  row.messages_in = session.state().messages_in;
  row.messages_out = session.state().messages_out;
  if (ended) {
    row.ended_at = now;
    row.outcome = session.state().outcome;
  }

  CwmpReply reply = replyFor(step);
  capture(device_id, session_id, session, "in", 0, request.body, now);
  capture(device_id, session_id, session, "out", reply.status, reply.body, now);
  row.state_json = session.state().toJson();

  if (applied.device) {
    auto created = store_.createSession(row);
    if (!created.ok()) {
      release();
      noteStoreError(created.error());
      log_.warning("creating session for %s failed (%s); fault 8005", device_id,
                   created.error().message);
      return faultToInform(env, 8005, "ACS busy, retry later");
    }
  }
  if (ended) {
    release();
    metrics_.sessionRefused();
    log_.information("Inform of %s answered with a fault: %s",
                     device_id.empty() ? inform.device_id.serial_number : device_id,
                     step.action.reason);
    return reply;
  }
  return sessionStarted(std::move(reply), request, row, now);
}

// The reply to an accepted Inform: the session counts as started in this process, is tracked
// with its connection, and the CPE gets its cookie.
CwmpReply CwmpService::sessionStarted(CwmpReply reply, const CwmpRequest& request,
                                      const store::SessionRecord& row, store::TimePoint now) {
  metrics_.sessionStarted();
  trackOpen(row.id, now, request.connection);
  if (log_.information()) {
    std::string ev;
    for (const auto& e : row.events) ev += (ev.empty() ? "" : ",") + e;
    log_.information("session %s started for %s (%s) events=%s", row.id, row.device_id,
                     request.peer_ip, ev);
  }
  reply.headers.emplace_back("Set-Cookie",
                             std::string(kCookieName) + "=" + row.id + "; Path=/; HttpOnly");
  return reply;
}

CwmpReply CwmpService::refuseSecondInform(const cwmp::Inform& inform, const std::string& device_id,
                                          const std::string& session_id,
                                          const store::LeaseOutcome& lease, store::TimePoint now) {
  metrics_.sessionRefused();
  metrics_.cwmpHttpError(400);
  log_.warning("second Inform from %s refused: in session %s of %s until %s", device_id,
               lease.holder_session_id, lease.holder_owner, formatTime(lease.holder_expires_at));
  // Keep a trace of the refusal in the device's session list (best effort).
  store::SessionRecord refused;
  refused.id = session_id;
  refused.device_id = device_id;
  refused.owner = config_.instance_id;
  refused.started_at = now;
  refused.last_activity = now;
  refused.ended_at = now;
  for (const auto& e : inform.event) refused.events.push_back(e.event_code);
  refused.messages_in = 1;
  refused.outcome = std::string(sessionOutcomeName(SessionOutcome::Refused));
  (void)store_.createSession(refused);
  return textReply(400, "CPE already in session " + lease.holder_session_id + " (ACS " +
                            lease.holder_owner + ", lease until " +
                            formatTime(lease.holder_expires_at) +
                            "); one session per device at a time");
}

CwmpReply CwmpService::startAccepted(const CwmpRequest& request, const cwmp::Envelope& env,
                                     session::AcsSession& session, session::Step& step,
                                     const std::string& session_id, const std::string& device_id,
                                     store::TimePoint now) {
  // The effect's Inform is not needed after this: its strings move into the record.
  auto& effect = std::get<RecordInformEffect>(step.effects.front());
  store::SessionStart start;
  start.inform = informRecord(std::move(effect.inform), device_id, request.peer_ip, now);
  // Inform parameters unchanged since this process stored them are not rewritten.
  std::vector<store::Parameter> all;
  if (inform_cache_ != nullptr) {
    all = std::move(start.inform.parameters);
    start.inform.parameters = inform_cache_->changed(device_id, all);
  }
  start.owner = config_.instance_id;
  start.lease_ttl = std::chrono::seconds(config_.session_timeout_s);
  store::SessionRecord& row = start.session;
  row.id = session_id;
  row.device_id = device_id;
  row.owner = config_.instance_id;
  row.started_at = now;
  row.last_activity = now;
  row.events = session.state().events;
  row.messages_in = session.state().messages_in;
  row.messages_out = session.state().messages_out;
  row.state_json = session.state().toJson();

  // Lease, device, parameters and session row in one transaction (once more after ending a
  // holder session its CPE gave up).
  auto started = store_.startSession(start);
  if (started.ok() && !started->lease.acquired() && endAbandonedHolder(started->lease, now)) {
    started = store_.startSession(start);
  }
  if (!started.ok()) {
    if (inform_cache_ != nullptr) inform_cache_->invalidate(device_id);
    noteStoreError(started.error());
    log_.warning("starting the session of %s failed (%s); fault 8005", device_id,
                 started.error().message);
    return faultToInform(env, 8005, "ACS busy, retry later");
  }
  const auto& inform = std::get<cwmp::Inform>(env.body);
  if (!started->lease.acquired()) {
    return refuseSecondInform(inform, device_id, session_id, started->lease, now);
  }
  if (!started->lease.taken_over_session_id.empty()) {
    log_.warning("%s: took over the expired lease of session %s", device_id,
                 started->lease.taken_over_session_id);
    closeDeadSession(started->lease.taken_over_session_id, SessionOutcome::Timeout, now);
  }
  const store::Device& device = *started->device;
  if (inform_cache_ != nullptr) {
    // A device created by this very Inform (e.g. deleted through the API meanwhile) has none
    // of the parameters the cache left out.
    bool complete = true;
    if (start.inform.parameters.size() < all.size() && device.first_seen == now) {
      auto written = store_.upsertParameters(device_id, all, now);
      if (!written.ok()) {
        complete = false;
        noteStoreError(written.error());
        log_.warning("%s: storing the Inform parameters failed (%s); the next Inform writes them",
                     device_id, written.error().message);
      }
    }
    if (complete) {
      // Nothing changed: what is remembered is what was stored.
      if (!start.inform.parameters.empty()) inform_cache_->remember(device_id, all);
    } else {
      inform_cache_->invalidate(device_id);
    }
  }
  metrics_.informReceived(session.state().events);

  CwmpReply reply = replyFor(step);
  if (captureWanted(device_id, device.capture_enabled)) {
    // Captures need the device row, so they follow the start; the session row then gets the
    // capture sequence in its state.
    session.setCapture(true);
    capture(device_id, session_id, session, "in", 0, request.body, now);
    capture(device_id, session_id, session, "out", reply.status, reply.body, now);
    row.state_json = session.state().toJson();
    auto saved = store_.updateSession(row);
    if (!saved.ok()) {
      noteStoreError(saved.error());
      log_.warning("saving session %s after its captures failed: %s", session_id,
                   saved.error().message);
    }
  }
  return sessionStarted(std::move(reply), request, row, now);
}

CwmpReply CwmpService::continueSession(const CwmpRequest& request, store::SessionRecord row,
                                       session::SessionState state,
                                       const std::optional<cwmp::Envelope>& env,
                                       const std::optional<cwmp::Error>& decode_error,
                                       store::TimePoint now) {
  const std::string device_id = row.device_id;
  const std::string session_id = row.id;
  const milliseconds ttl = std::chrono::seconds(config_.session_timeout_s);
  {
    // From now on this request's connection is the session's (a request in flight keeps it
    // open, so endAbandonedHolder leaves the session alone meanwhile).
    std::lock_guard lock(open_mutex_);
    if (auto it = open_.find(session_id); it != open_.end()) {
      it->second.connection = request.connection;
    }
  }
  session::AcsSession session(sessionConfig(state.hold_requests), clock_, std::move(state));
  StoreTaskSource tasks(store_, metrics_, device_id, session_id, now);
  session::Step step;
  if (env) {
    step = session.onEnvelope(*env, tasks);
  } else if (decode_error) {
    step = session.onDecodeError(*decode_error, request.body, tasks);
  } else {
    step = session.onEmptyPost(tasks);
  }

  if (step.reopened) {
    auto lease = store_.acquireLease(device_id, session_id, config_.instance_id, now, ttl);
    if (!lease.ok()) return unavailable(lease.error(), "lease");
    if (!lease->acquired()) {
      metrics_.cwmpHttpError(400);
      return textReply(
          400, "the session has ended and the device is in session " + lease->holder_session_id);
    }
    metrics_.sessionStarted();
  }

  // A task the CPE's answer completes is completed in the same transaction that saves the
  // session (Store::saveSession), after the step's other effects.
  std::vector<Effect> effects = std::move(step.effects);
  std::optional<TaskCompletedEffect> completion;
  if (std::count_if(effects.begin(), effects.end(), [](const Effect& e) {
        return std::holds_alternative<TaskCompletedEffect>(e);
      }) == 1) {
    auto it = std::find_if(effects.begin(), effects.end(), [](const Effect& e) {
      return std::holds_alternative<TaskCompletedEffect>(e);
    });
    completion = std::move(std::get<TaskCompletedEffect>(*it));
    effects.erase(it);
  }
  EffectContext ctx{device_id, session_id, request.peer_ip, now, inform_cache_};
  ApplyOutcome applied = applyEffects(store_, ctx, effects, &metrics_);
  step.effects = std::move(effects);
  if (!applied.status.ok()) return unavailable(applied.status.error(), "applying effects");
  if (tasks.failed() && step.action.http_status == 204) {
    log_.warning(
        "%s: task queue unreadable (store error); ending session %s with tasks "
        "left for the next one",
        device_id, session_id);
  }

  CwmpReply reply = replyFor(step);
  capture(device_id, session_id, session, "in", 0, request.body, now);
  capture(device_id, session_id, session, "out", reply.status, reply.body, now);

  const session::SessionState& st = session.state();
  row.last_activity = now;
  row.messages_in = st.messages_in;
  row.messages_out = st.messages_out;
  for (const auto& note : applied.notes) {
    if (note.rfind("rpc:", 0) == 0) {
      row.events.push_back(note);
    } else {
      log_.information("%s: %s", device_id, note);
    }
  }
  if (session.ended()) {
    row.ended_at = now;
    row.outcome = st.outcome;
  } else {
    row.ended_at.reset();
    row.outcome.clear();
  }
  row.state_json = st.toJson();

  // Session row, task completion, requeue and lease in one transaction.
  store::SessionSave save;
  save.session = row;
  save.now = now;
  if (applied.end) {
    save.lease = store::SessionSave::LeaseAction::Release;
    save.requeue_sent_tasks = applied.end->requeue_sent_tasks;
  } else if (!session.ended()) {
    save.lease = store::SessionSave::LeaseAction::Renew;
    save.lease_ttl = ttl;
  }
  if (completion) {
    save.complete_task_id = completion->task_id;
    save.complete_result_json = completion->result_json;
  }
  auto saved = store_.saveSession(save);
  if (!saved.ok()) {
    noteStoreError(saved.error());
    if (isTransient(saved.error())) return unavailable(saved.error(), "saving the session");
    log_.error("saving session %s failed: %s", session_id, saved.error().message);
  } else {
    if (saved->completed) metrics_.taskCompleted();
    if (saved->completion_error) {
      noteStoreError(*saved->completion_error);
      log_.information("%s: complete task %d: %s", device_id,
                       static_cast<int>(completion ? completion->task_id : 0),
                       saved->completion_error->message);
    }
    if (saved->requeued > 0) {
      metrics_.tasksRequeued(static_cast<std::uint64_t>(saved->requeued));
      log_.warning("session %s of %s ended (%s); %d sent task(s) requeued", session_id, device_id,
                   st.outcome, static_cast<int>(saved->requeued));
    }
    if (save.lease == store::SessionSave::LeaseAction::Renew && !saved->lease_held) {
      log_.warning("session %s of %s lost its lease", session_id, device_id);
    }
  }

  if (session.ended()) {
    untrack(session_id);
  } else {
    trackOpen(session_id, now, request.connection);
  }
  if (applied.end) {
    metrics_.sessionEnded(applied.end->outcome);
    if (log_.information())
      log_.information("session %s of %s ended: %s (%d in, %d out)", session_id, device_id,
                       st.outcome, static_cast<int>(st.messages_in),
                       static_cast<int>(st.messages_out));
  }
  return reply;
}

void CwmpService::closeDeadSession(const std::string& session_id, SessionOutcome outcome,
                                   store::TimePoint now) {
  auto row = store_.getSession(session_id);
  if (!row.ok() || !row->has_value()) {
    if (untrack(session_id)) metrics_.sessionEnded(outcome);
    return;
  }
  store::SessionRecord rec = **row;
  // A lease taken over before the session timed out was cut by sweepClosedConnections (of
  // any process): the CPE dropped the session.
  if (outcome == SessionOutcome::Timeout &&
      now - rec.last_activity < std::chrono::seconds(config_.session_timeout_s)) {
    outcome = SessionOutcome::Aborted;
  }
  if (untrack(session_id)) metrics_.sessionEnded(outcome);
  if (!rec.ended_at) {
    rec.ended_at = now;
    rec.outcome = std::string(sessionOutcomeName(outcome));
    auto state = session::SessionState::fromJson(rec.state_json);
    if (state.ok()) {
      state->phase = session::Phase::Ended;
      state->outcome = rec.outcome;
      state->cpe_may_continue = false;
      state->in_flight.reset();
      rec.state_json = state->toJson();
    }
    auto u = store_.updateSession(rec);
    if (!u.ok()) log_.warning("closing session %s: %s", session_id, u.error().message);
  }
  auto n = store_.requeueSessionTasks(session_id, now);
  if (n.ok() && *n > 0) {
    metrics_.tasksRequeued(static_cast<std::uint64_t>(*n));
    log_.warning("dead session %s of %s: %d sent task(s) requeued", session_id, rec.device_id,
                 static_cast<int>(*n));
  }
  (void)store_.releaseLease(rec.device_id, session_id);
}

void CwmpService::trackOpen(const std::string& session_id, store::TimePoint last_activity,
                            std::shared_ptr<const ConnectionWatch> connection) {
  std::lock_guard lock(open_mutex_);
  open_[session_id] = OpenSession{last_activity, std::move(connection)};
}

// A CPE starts a new session only once its previous one ended or failed (TR-069 3.7.1.5,
// 3.2.1; checklist T-SESS-10 [M]). A connection that closed before the session's 204 means the
// session failed on the CPE's side (it retries with a new Inform), so refusing that Inform until
// the lease expires would lock the device out for a whole session timeout. A holder whose
// connection is still open (a real second session) or that another process served is refused
// as before; the lease's expiry remains the rule across processes.
bool CwmpService::endAbandonedHolder(const store::LeaseOutcome& lease, store::TimePoint now) {
  OpenSession tracked;
  {
    std::lock_guard lock(open_mutex_);
    auto it = open_.find(lease.holder_session_id);
    if (it == open_.end()) return false;
    tracked = it->second;
  }
  if (!tracked.connection || !tracked.connection->closed()) return false;
  // Served by another process after us (requests of one session may alternate): not ours.
  auto row = store_.getSession(lease.holder_session_id);
  if (!row.ok() || !row->has_value() || (*row)->last_activity != tracked.served_at) return false;
  log_.warning("session %s: the CPE closed its connection and informs again; session ended",
               lease.holder_session_id);
  closeDeadSession(lease.holder_session_id, SessionOutcome::Aborted, now);
  if (untrack(lease.holder_session_id)) metrics_.sessionEnded(SessionOutcome::Aborted);
  return true;
}

std::int64_t CwmpService::sweepClosedConnections() {
  struct Seen {
    std::string id;
    OpenSession tracked;
  };
  std::vector<Seen> seen;
  {
    std::lock_guard lock(open_mutex_);
    seen.reserve(open_.size());
    for (const auto& [id, tracked] : open_) seen.push_back(Seen{id, tracked});
  }
  // The sockets are looked at outside the lock (a poll and a peek each).
  std::erase_if(seen, [](const Seen& s) {
    return !s.tracked.lease_cut && !(s.tracked.connection && s.tracked.connection->closed());
  });
  const store::TimePoint now = clock_.now();
  std::int64_t cut = 0;
  for (const Seen& s : seen) {
    auto row = store_.getSession(s.id);
    if (!row.ok()) {
      noteStoreError(row.error());
      continue;  // the next sweep tries again
    }
    const bool ours = row->has_value() && (*row)->last_activity == s.tracked.served_at;
    if (!row->has_value() || (*row)->ended_at || !ours) {
      // Ended (by the device's next Inform on another process, the reaper, a deleted device)
      // or continued by another process: not ours to track. A session we served last and
      // that ended elsewhere (or whose device was deleted) counts as ended here.
      bool still_tracked = false;
      {
        std::lock_guard lock(open_mutex_);
        auto it = open_.find(s.id);
        if (it != open_.end() && it->second.served_at == s.tracked.served_at) {
          open_.erase(it);
          still_tracked = true;
        }
      }
      if (still_tracked && (ours || !row->has_value())) {
        metrics_.sessionEnded(row->has_value() ? sessionOutcomeFromName((*row)->outcome)
                                               : SessionOutcome::Aborted);
      }
      continue;
    }
    if (s.tracked.lease_cut) continue;  // waiting for the device's next Inform
    // [M] TR-069 3.7.1.5 / 3.2.1 (checklist T-SESS-10): a CPE that closes its connection
    // before the session's end failed the session and informs again later; a CPE without
    // keep-alive continues on a new connection and renews the lease with that request.
    auto renewed = store_.renewLease((*row)->device_id, s.id, now, std::chrono::milliseconds(1));
    if (!renewed.ok()) {
      noteStoreError(renewed.error());
      continue;
    }
    std::lock_guard lock(open_mutex_);
    auto it = open_.find(s.id);
    if (it != open_.end() && it->second.served_at == s.tracked.served_at) {
      it->second.lease_cut = true;
    }
    if (*renewed) {
      ++cut;
      // Debug: a CPE without keep-alive closes its connection after every message.
      log_.debug("session %s of %s: the CPE closed its connection; lease released for its "
                 "next Inform",
                 s.id, (*row)->device_id);
    }
  }
  return cut;
}

bool CwmpService::untrack(const std::string& session_id) {
  std::lock_guard lock(open_mutex_);
  return open_.erase(session_id) > 0;
}

std::int64_t CwmpService::abandonOpenSessions() {
  std::unordered_map<std::string, OpenSession> open;
  {
    std::lock_guard lock(open_mutex_);
    open.swap(open_);
  }
  const store::TimePoint now = clock_.now();
  std::int64_t closed = 0;
  for (const auto& [id, tracked] : open) {
    const store::TimePoint served_at = tracked.served_at;
    auto row = store_.getSession(id);
    if (!row.ok() || !row->has_value()) continue;
    const store::SessionRecord& rec = **row;
    // Another process served it after us: it is that process's to finish.
    if (rec.ended_at || rec.last_activity != served_at) continue;
    log_.information("shutdown: ending session %s of %s", id, rec.device_id);
    closeDeadSession(id, SessionOutcome::Aborted, now);
    metrics_.sessionEnded(SessionOutcome::Aborted);  // no longer tracked: counted here
    ++closed;
  }
  return closed;
}

std::int64_t CwmpService::reapStaleSessions() {
  const store::TimePoint now = clock_.now();
  // A margin past the timeout, so a request that arrived just in time is not reaped while it
  // is being answered.
  auto stale = store_.listStaleSessions(
      now, std::chrono::seconds(config_.session_timeout_s) + kReaperMargin);
  if (!stale.ok()) {
    noteStoreError(stale.error());
    log_.warning("reaper: %s", stale.error().message);
    return 0;
  }
  for (const auto& s : *stale) {
    log_.information("reaper: session %s of %s timed out", s.id, s.device_id);
    closeDeadSession(s.id, SessionOutcome::Timeout, now);
  }
  return static_cast<std::int64_t>(stale->size());
}

}  // namespace acs::http
