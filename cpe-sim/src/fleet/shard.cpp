#include "fleet/shard.h"

#include <algorithm>
#include <random>

#include "cwmp/codec.h"
#include "quirks/quirks.h"
#include "session/cpe_session.h"
#include "transport/cwmp_http_client.h"
#include "transport/url.h"

namespace cpesim {
namespace {

std::int64_t toMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool isBlank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

constexpr std::size_t kWakeBatch = 2048;

}  // namespace

struct Shard::ActiveSession {
  ActiveSession(Shard& shard, std::uint64_t id_, std::uint32_t slot_, Device& device,
                const Profile& profile)
      : id(id_),
        slot(slot_),
        session(device, profile),
        connection(shard.loop_, *shard.context_.resolver, shard.config_.http_timeout, shard.context_.tls),
        quirks(shard.wireOverride(slot_)),
        wire(quirks ? WireQuirks::from(*quirks) : WireQuirks::forDevice(profile, device.index())) {}

  std::uint64_t id;  // callbacks check it: a slot's next session is a different one
  std::uint32_t slot;
  CpeSession session;
  std::optional<CwmpHttpClient> client;
  SessionConnection connection;
  // Runtime quirks the session started with, kept alive for `wire` (which views into them)
  // even when Fleet::setWireQuirks() replaces them meanwhile.
  std::shared_ptr<const Quirks> quirks;
  WireQuirks wire;
  std::uint32_t posts = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point posted;  // the current POST was handed to the client
  std::optional<EventLoop::TimerId> timer;
  bool ended = false;
};

Shard::Shard(const ShardContext& context, std::uint32_t shard_index, std::vector<DeviceSeed> devices,
             std::uint32_t max_sessions)
    : context_(context),
      config_(*context.config),
      metrics_(*context.metrics),
      index_(shard_index),
      max_sessions_(std::max<std::uint32_t>(1, max_sessions)),
      devices_(std::move(devices)),
      flags_(devices_.size(), kOff),
      wake_(static_cast<std::uint32_t>(devices_.size())),
      rng_(config_.seed * 0x9e3779b97f4a7c15ULL + shard_index) {}

Shard::~Shard() { stop(); }

std::int64_t Shard::nowMs() const { return toMs(now()); }

void Shard::start() {
  if (started_) return;
  started_ = true;
  // Power-on times: all at once, or spread over the jitter window with the seeded RNG.
  const std::int64_t start_ms = nowMs();
  const std::int64_t jitter = config_.jitter.count();
  std::uniform_int_distribution<std::int64_t> offset(0, std::max<std::int64_t>(0, jitter - 1));
  if (config_.power_on_at_start) {
    for (std::uint32_t slot = 0; slot < devices_.size(); ++slot) {
      wake_.schedule(slot, start_ms + (jitter > 0 ? offset(rng_) : 0));
    }
  }
  thread_ = std::thread([this] {
    loop_.post([this] { armWakeTimer(); });
    loop_.run();
  });
}

void Shard::stop() {
  if (!started_) return;
  started_ = false;
  loop_.post([this] {
    // Sessions still running are abandoned; abortSessions() normally ran first.
    for (auto& [slot, s] : active_) {
      s->connection.close();
      if (s->timer) loop_.cancelTimer(*s->timer);
    }
    active_.clear();
    loop_.stop();
  });
  if (thread_.joinable()) thread_.join();
}

void Shard::runAndWait(std::function<void()> task) {
  if (!started_) {
    task();
    return;
  }
  std::promise<void> done;
  std::future<void> waiter = done.get_future();
  loop_.post([&] {
    task();
    done.set_value();
  });
  waiter.wait();
}

void Shard::beginDrain() {
  loop_.post([this] {
    draining_ = true;
    metrics_.sessions_waiting -= static_cast<std::int64_t>(ready_.size());
    for (std::uint32_t slot : ready_) flags_[slot] &= static_cast<std::uint8_t>(~kQueued);
    ready_.clear();
    if (wake_timer_) {
      loop_.cancelTimer(*wake_timer_);
      wake_timer_.reset();
    }
  });
}

void Shard::abortSessions() {
  runAndWait([this] {
    std::vector<std::uint32_t> slots;
    for (auto& [slot, s] : active_) slots.push_back(slot);
    for (std::uint32_t slot : slots) {
      auto it = active_.find(slot);
      if (it == active_.end()) continue;
      ActiveSession& s = *it->second;
      s.connection.close();
      s.session.onTransportError("simulator stopping");
      endSession(s, "simulator stopping");
    }
  });
}

Shard::ActiveSession* Shard::findSession(std::uint32_t slot, std::uint64_t id) {
  auto it = active_.find(slot);
  if (it == active_.end() || it->second->id != id) return nullptr;
  return it->second.get();
}

void Shard::schedulePump() {
  if (pump_scheduled_) return;
  pump_scheduled_ = true;
  // Deferred to the next loop turn: starting sessions from inside endSession() could
  // otherwise recurse once per queued device when sessions fail at once.
  loop_.addTimer(loop_.now(), [this] {
    pump_scheduled_ = false;
    pumpReady();
  });
}

std::shared_ptr<const Quirks> Shard::wireOverride(std::uint32_t slot) const {
  return slot < wire_override_.size() ? wire_override_[slot] : nullptr;
}

WireQuirks Shard::wireQuirks(std::uint32_t slot) const {
  if (auto q = wireOverride(slot)) return WireQuirks::from(*q);
  return WireQuirks::forDevice(*context_.profiles[devices_[slot].group], devices_[slot].device.index());
}

void Shard::setWireQuirks(const std::vector<std::uint32_t>& slots, std::shared_ptr<const Quirks> quirks) {
  runAndWait([&] {
    if (wire_override_.empty()) wire_override_.resize(devices_.size());
    for (std::uint32_t slot : slots) {
      if (slot < wire_override_.size()) wire_override_[slot] = quirks;
    }
  });
}

std::string Shard::changeValues(const std::vector<ValueChange>& changes) {
  std::string error;
  runAndWait([&] {
    const TimePoint t = now();
    for (const ValueChange& change : changes) {
      DeviceSeed& entry = devices_[change.slot];
      const Profile& profile = *context_.profiles[entry.group];
      bool active = false;
      for (const auto& [name, value] : change.values) {
        Result<bool> done = entry.device.changeValue(profile, name, value, t);
        if (!done) {
          error = profile.serialNumber(entry.device.index()) + ": " + done.error().message;
          return;
        }
        active = active || *done;
      }
      // Off: the pending wake-up is the power-on, which reads the new values itself. In a
      // session or queued: its end reschedules.
      if (flags_[change.slot] & (kOff | kInSession | kQueued)) continue;
      if (active) {
        wake_.schedule(change.slot, nowMs());  // poll() opens the session for the change
        armWakeTimer();
      } else {
        reschedule(change.slot);
      }
    }
  });
  return error;
}

void Shard::powerOn(const std::vector<std::pair<std::uint32_t, std::int64_t>>& slots_at) {
  runAndWait([&] {
    for (const auto& [slot, at] : slots_at) {
      if (slot >= devices_.size()) continue;
      if (auto it = active_.find(slot); it != active_.end()) {
        ActiveSession& s = *it->second;
        s.connection.close();
        s.session.onTransportError("power cut");
        endSession(s, "power cut");
      }
      if (flags_[slot] & kQueued) {
        std::erase(ready_, slot);
        --metrics_.sessions_waiting;
        flags_[slot] &= static_cast<std::uint8_t>(~kQueued);
      }
      setOnline(slot, false);
      flags_[slot] |= kOff;
      wake_.schedule(slot, at);  // handleWake() powers it on
    }
    armWakeTimer();
  });
}

void Shard::setOnline(std::uint32_t slot, bool online) {
  const bool was = (flags_[slot] & kOnline) != 0;
  if (was == online) return;
  if (online) {
    flags_[slot] |= kOnline;
    ++metrics_.devices_online;
  } else {
    flags_[slot] &= static_cast<std::uint8_t>(~kOnline);
    --metrics_.devices_online;
  }
}

void Shard::armWakeTimer() {
  if (draining_) return;
  std::optional<std::int64_t> next = wake_.nextTime();
  if (!next) return;
  if (wake_timer_ && wake_timer_at_ <= *next) return;  // fires early enough; it re-arms
  if (wake_timer_) loop_.cancelTimer(*wake_timer_);
  const std::int64_t delay = std::max<std::int64_t>(0, *next - nowMs());
  wake_timer_at_ = *next;
  wake_timer_ = loop_.addTimer(loop_.now() + std::chrono::milliseconds(delay), [this] { onWakeTimer(); });
}

void Shard::onWakeTimer() {
  wake_timer_.reset();
  if (draining_) return;
  std::vector<std::uint32_t> due;
  wake_.popDue(nowMs(), kWakeBatch, due);
  for (std::uint32_t slot : due) handleWake(slot);
  armWakeTimer();
}

void Shard::handleWake(std::uint32_t slot) {
  if (flags_[slot] & (kInSession | kQueued)) return;  // the session's end reschedules it
  DeviceSeed& entry = devices_[slot];
  const Profile& profile = *context_.profiles[entry.group];
  const TimePoint t = now();
  if (flags_[slot] & kOff) {
    flags_[slot] &= static_cast<std::uint8_t>(~kOff);
    entry.device.powerOn(profile, t);
  }
  DueWork due = entry.device.poll(profile, t);
  setOnline(slot, !entry.device.rebooting());
  for (const TransferJob& job : due.start_transfers) startTransfer(slot, job);
  if (due.start_session) {
    requestSession(slot);
    return;
  }
  reschedule(slot);
  // poll() just said there is nothing to do now, so a wake-up at or before now would spin:
  // look again in a second.
  if (auto at = wake_.scheduledAt(slot); at && *at <= toMs(t)) {
    wake_.schedule(slot, toMs(t) + 1000);
    armWakeTimer();
  }
}

void Shard::reschedule(std::uint32_t slot) {
  if (flags_[slot] & (kInSession | kQueued)) return;
  DeviceSeed& entry = devices_[slot];
  std::optional<TimePoint> next = entry.device.nextWakeup(*context_.profiles[entry.group], now());
  if (next) {
    wake_.schedule(slot, toMs(*next));
  } else {
    wake_.cancel(slot);
  }
  armWakeTimer();
}

void Shard::requestSession(std::uint32_t slot) {
  if (draining_ || (flags_[slot] & (kInSession | kQueued | kOff))) return;
  wake_.cancel(slot);
  if (active_.size() < max_sessions_ && ready_.empty()) {
    beginSession(slot);
    return;
  }
  flags_[slot] |= kQueued;
  ready_.push_back(slot);
  ++metrics_.sessions_waiting;
}

void Shard::pumpReady() {
  while (!draining_ && !ready_.empty() && active_.size() < max_sessions_) {
    std::uint32_t slot = ready_.front();
    ready_.pop_front();
    --metrics_.sessions_waiting;
    flags_[slot] &= static_cast<std::uint8_t>(~kQueued);
    beginSession(slot);
  }
}

void Shard::beginSession(std::uint32_t slot) {
  DeviceSeed& entry = devices_[slot];
  const Profile& profile = *context_.profiles[entry.group];
  const TimePoint t = now();
  flags_[slot] |= kInSession;
  auto owned = std::make_unique<ActiveSession>(*this, ++session_counter_, slot, entry.device, profile);
  ActiveSession& s = *owned;
  active_.emplace(slot, std::move(owned));
  ++in_flight_;
  ++metrics_.sessions_in_flight;
  ++metrics_.sessions_started;
  if (entry.device.retryCount() > 0) ++metrics_.session_retries;

  cwmp::Envelope inform = s.session.start(t);
  ManagementServerConfig ms = entry.device.managementServer(profile, t);
  ParsedUrl url = parseHttpUrl(ms.url);
  if (!url) {
    s.session.onTransportError("ManagementServer.URL: " + url.error);
    endSession(s, url.error);
    return;
  }
  HttpClientConfig http;
  http.username = ms.username;
  http.password = ms.password;
  http.cnonce_seed = config_.seed ^ (static_cast<std::uint64_t>(index_) << 48) ^ s.id;
  s.client.emplace(*url, std::move(http));
  send(s, std::move(inform));
}

void Shard::send(ActiveSession& s, std::optional<cwmp::Envelope> envelope) {
  ++s.posts;
  if (s.wire.stallsBefore(s.posts)) {
    // Quirk: the device goes silent with the connection open; the ACS has to time the
    // session out. The device gives up at its own HTTP timeout.
    const std::uint32_t slot = s.slot;
    const std::uint64_t id = s.id;
    s.timer = loop_.addTimer(loop_.now() + config_.http_timeout, [this, slot, id] {
      ActiveSession* found = findSession(slot, id);
      if (found == nullptr) return;
      ActiveSession& stalled = *found;
      stalled.timer.reset();
      stalled.connection.close();
      ++metrics_.quirk_drops;
      stalled.session.onTransportError("quirk stall_after: the device stopped talking");
      endSession(stalled, "quirk stall_after");
    });
    return;
  }
  std::string body = envelope ? cwmp::encodeEnvelope(*envelope, s.wire.encode) : std::string();
  if (s.wire.reply_delay.count() > 0) {
    const std::uint32_t slot = s.slot;
    const std::uint64_t id = s.id;
    s.timer = loop_.addTimer(loop_.now() + s.wire.reply_delay,
                             [this, slot, id, body = std::move(body)]() mutable {
                               ActiveSession* found = findSession(slot, id);
                               if (found == nullptr) return;
                               found->timer.reset();
                               post(*found, std::move(body));
                             });
    return;
  }
  post(s, std::move(body));
}

void Shard::post(ActiveSession& s, std::string body) {
  // Every POST of ours carries either nothing (the empty POST) or an envelope; SOAPAction is
  // sent empty on all of them: required for responses (checklist 1.1.8) and accepted for
  // the device's own requests (1.1.9).
  s.posted = std::chrono::steady_clock::now();
  s.client->post(std::move(body), std::string());
  const std::uint32_t slot = s.slot;
  const std::uint64_t id = s.id;
  s.connection.drive(*s.client, [this, slot, id] {
    if (ActiveSession* found = findSession(slot, id)) onPostDone(*found);
  });
}

void Shard::onPostDone(ActiveSession& s) {
  const HttpOutcome& out = s.client->outcome();
  ++metrics_.http_posts;
  if (out.ok) {
    metrics_.reply_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - s.posted).count());
  }
  metrics_.http_auth_rounds += static_cast<std::uint64_t>(out.auth_rounds);
  metrics_.http_redirects += static_cast<std::uint64_t>(out.redirects);
  const TimePoint t = now();
  Step step;
  if (!out.ok) {
    ++metrics_.transport_errors;
    step = s.session.onTransportError(out.error);
  } else if (isBlank(out.body)) {
    step = s.session.onResponse(out.status, std::nullopt, t);
  } else {
    cwmp::Result<cwmp::Envelope> decoded = cwmp::decodeEnvelope(out.body);
    step = decoded ? s.session.onResponse(out.status, std::move(*decoded), t)
                   : s.session.onUndecodable(out.status, decoded.error(), t);
  }
  if (!step.done && s.wire.dropsAfter(s.posts)) {
    // Quirk: the device drops the TCP connection mid-session and abandons the session.
    s.connection.close();
    ++metrics_.quirk_drops;
    step = s.session.onTransportError("quirk drop_connection_after: connection dropped");
  }
  if (step.done) {
    endSession(s, step.error);
    return;
  }
  send(s, std::move(step.to_send));
}

void Shard::endSession(ActiveSession& s, std::string_view) {
  if (s.ended) return;
  s.ended = true;
  const std::uint32_t slot = s.slot;
  DeviceSeed& entry = devices_[slot];
  s.connection.close();  // the CPE closes the TCP connection at the end (TR-069 3.2.1)
  if (s.timer) loop_.cancelTimer(*s.timer);
  AfterSession after = s.session.finish(now(), rng_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
  metrics_.session_seconds.observe(seconds);
  if (after.success) {
    ++metrics_.sessions_succeeded;
  } else {
    ++metrics_.sessions_failed;
  }
  metrics_.rpcs_answered += after.rpcs_answered;
  metrics_.faults_sent += after.faults_sent;
  if (after.rebooting) ++metrics_.reboots;
  if (after.factory_reset) ++metrics_.factory_resets;
  --metrics_.sessions_in_flight;
  --in_flight_;
  flags_[slot] &= static_cast<std::uint8_t>(~kInSession);
  setOnline(slot, !entry.device.rebooting());
  // Destroy the session now: its CpeSession refers to the device, and nothing of it is on
  // the stack above us except through `s`, which the caller does not use afterwards.
  active_.erase(slot);
  // Not after.start_new_session directly: a wake-up due now goes through Device::poll(),
  // which decides between a new session (events arrived meanwhile, ACS URL changed) and
  // other due work (a transfer to start) that needs no session.
  reschedule(slot);
  schedulePump();
}

void Shard::startTransfer(std::uint32_t slot, const TransferJob& job) {
  DeviceSeed& entry = devices_[slot];
  const Profile& profile = *context_.profiles[entry.group];
  const WireQuirks wire = wireQuirks(slot);
  TransferRequest request;
  request.is_download = job.is_download;
  request.url = job.url;
  request.username = job.username;
  request.password = job.password;
  request.expected_size = job.file_size;
  request.bytes_per_second = wire.transfer_bytes_per_second;
  request.timeout = config_.transfer_timeout;
  if (!job.is_download) request.upload_body = entry.device.uploadContent(profile, job, now());
  context_.transfers->submit(std::move(request), [this, slot, job](TransferResult result) {
    loop_.post([this, slot, job, result = std::move(result)]() mutable {
      onTransferDone(slot, job, std::move(result));
    });
  });
}

void Shard::onTransferDone(std::uint32_t slot, const TransferJob& job, TransferResult result) {
  DeviceSeed& entry = devices_[slot];
  const Profile& profile = *context_.profiles[entry.group];
  const WireQuirks wire = wireQuirks(slot);
  metrics_.transfer_bytes += result.bytes;
  std::uint32_t fault = result.fault_code;
  std::string message = result.fault_string;
  if (fault == 0 && wire.transferFault(job.is_download) != 0) {
    fault = wire.transferFault(job.is_download);
    message = "quirk: transfer reported as failed";
  }
  if (fault == 0) {
    ++metrics_.transfers_succeeded;
  } else {
    ++metrics_.transfers_failed;
  }
  entry.device.completeTransfer(profile, job, fault, std::move(message), result.start, result.complete);
  if (!(flags_[slot] & (kInSession | kQueued | kOff))) {
    // Off: the pending wake-up is its power-on. Otherwise let poll() decide: a firmware apply reboots first, otherwise the completion opens a
    // session at once.
    wake_.schedule(slot, nowMs());
    armWakeTimer();
  }
}

CrLookup Shard::lookupConnectionRequest(std::uint32_t slot) {
  CrLookup result;
  result.status = CrLookup::Status::Unavailable;
  if (!started_) return result;
  auto done = std::make_shared<std::promise<CrLookup>>();
  std::future<CrLookup> waiter = done->get_future();
  loop_.post([this, slot, done] {
    CrLookup r;
    DeviceSeed& entry = devices_[slot];
    if ((flags_[slot] & kOff) || entry.device.rebooting() || draining_) {
      r.status = CrLookup::Status::Unavailable;
    } else {
      ManagementServerConfig ms = entry.device.managementServer(*context_.profiles[entry.group], now());
      if (!ms.enable_cwmp) {
        r.status = CrLookup::Status::Unavailable;
      } else {
        r.status = CrLookup::Status::Ok;
        r.credentials = CrCredentials{ms.connection_request_username, ms.connection_request_password};
      }
    }
    done->set_value(std::move(r));
  });
  if (waiter.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return result;
  return waiter.get();
}

void Shard::connectionRequest(std::uint32_t slot) {
  loop_.post([this, slot] {
    if (draining_ || (flags_[slot] & kOff)) return;
    DeviceSeed& entry = devices_[slot];
    ++metrics_.connection_requests;
    // Queued as an event; several requests before the session starts give one session
    // (checklist 9.1.9), and one arriving during a session opens the next session right
    // after it (9.1.10): the event is still pending when the session ends, so poll() asks
    // for a session at once.
    entry.device.connectionRequest();
    requestSession(slot);
  });
}

}  // namespace cpesim
