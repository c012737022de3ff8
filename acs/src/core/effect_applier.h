// acs/core/effect_applier.h: applies the effects of one CWMP exchange to the store.
//
// The HTTP handler calls applyEffects() after AcsSession produced a Step and before it sends
// the reply. Only the store interface is used (no Poco), so the same code runs against
// SQLite and PostgreSQL.
//
//   acs::EffectContext ctx{.device_id = id, .session_id = sid, .ip = peer, .now = now};
//   acs::ApplyOutcome applied = acs::applyEffects(store, ctx, step.effects, &metrics);
//   if (!applied.status) reply503();   // Busy / Unavailable: nothing more was attempted
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "acs/src/core/effects.h"
#include "acs/src/core/inform_cache.h"
#include "acs/src/core/metrics.h"
#include "acs/src/store/store.h"

namespace acs {

struct EffectContext {
  std::string device_id;  // the session's device (from the Inform)
  std::string session_id;
  std::string ip;  // the CPE's address, stored by RecordInformEffect
  store::TimePoint now{};
  // When set, Inform parameters unchanged since this process stored them are not rewritten,
  // and every other parameter write of the device invalidates its entry (inform_cache.h).
  InformCache* inform_cache = nullptr;
};

struct ApplyOutcome {
  // Not ok only for Busy or Unavailable: the store could not take the changes right now and
  // the remaining effects were not attempted. NotFound and Conflict on one effect (a task
  // cancelled or requeued meanwhile, a CommandKey nobody knows) are logged in `notes` and
  // the rest is applied.
  store::Status status;
  std::optional<store::Device> device;  // from RecordInformEffect
  // One line per notable event: "rpc:TransferComplete", "no task with CommandKey 'x'", ...
  std::vector<std::string> notes;
  std::optional<EndSessionEffect> end;  // the session ends after this reply
};

// Applies `effects` in order. Thread-safe as far as `store` is.
ApplyOutcome applyEffects(store::Store& store, const EffectContext& context,
                          const std::vector<Effect>& effects, Metrics* metrics = nullptr);

// The InformRecord of an Inform: DeviceId fields, the ParameterList, and the well-known
// parameters of either root (Device. / InternetGatewayDevice.): DeviceInfo.SoftwareVersion,
// DeviceInfo.HardwareVersion, ManagementServer.ConnectionRequestURL, .ParameterKey and
// .PeriodicInformInterval. Pass the Inform as an rvalue when it is not needed afterwards: its
// strings are moved into the record.
store::InformRecord informRecord(cwmp::Inform inform, const std::string& device_id,
                                 const std::string& ip, store::TimePoint now);

}  // namespace acs
