// device/device_internal.h (internal): helpers shared by the device/*.cpp files. They reach
// into Device's private state through DeviceAccess, so device_model.h stays small.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device/device_model.h"
#include "device/model_template.h"

namespace cpesim {

// Methods the model implements, in GetRPCMethods order.
const std::vector<std::string>& implementedRpcs();
// Profile::expand() with `{i}` bound to `instance` (0 = unbound).
std::string expandForInstance(const Profile& profile, std::string_view text, std::uint32_t index,
                              std::uint32_t instance);

std::int64_t toMs(TimePoint t);
TimePoint fromMs(std::int64_t ms);

// One node of a device's tree as the ACS sees it.
struct NodeRef {
  NodeKind kind = NodeKind::Object;
  Device::Key key;                 // where its stored data lives
  std::uint32_t schema = kNoNode;  // schema node
  std::uint32_t node = kNoNode;    // template node, kNoNode inside added instances
  std::uint32_t instance = 0;      // innermost instance number ({i})
  std::string name;                // full name; objects end with '.'
};

class DeviceAccess {
 public:
  // --- tree -----------------------------------------------------------------------------
  // The node named `name` on this device (template minus deleted plus added instances).
  static std::optional<NodeRef> resolve(const Device& d, const Profile& p, std::string_view name);
  static NodeRef root(const Profile& p);
  // Direct children in tree order (instances ascending).
  static std::vector<NodeRef> children(const Device& d, const Profile& p, const NodeRef& n);
  // `n` and everything below it, depth first.
  static void walk(const Device& d, const Profile& p, const NodeRef& n,
                   const std::function<void(const NodeRef&)>& visit);
  static NodeRef fromTemplate(const Profile& p, std::uint32_t node);
  // GPN Writable: parameters by the profile; tables when AddObject is allowed; instances
  // when DeleteObject is allowed; plain objects never.
  static bool writable(const Profile& p, const NodeRef& n);
  static std::uint32_t instanceCount(const Device& d, const Profile& p, const NodeRef& table);

  // --- values -----------------------------------------------------------------------------
  static const ParamInfo& info(const Profile& p, const NodeRef& n);
  static std::string value(const Device& d, const Profile& p, const NodeRef& n, TimePoint now);
  // Counter generators: this device's factor on the rate (1 +- spread, seeded).
  static double counterFactor(const Device& d, const Profile& p, const NodeRef& n);
  static std::string templateValue(const Device& d, const Profile& p, std::uint32_t node,
                                   TimePoint now);
  static cwmp::ParameterValueStruct valueStruct(const Device& d, const Profile& p, const NodeRef& n,
                                                TimePoint now);
  static void setValue(Device& d, const Device::Key& key, std::string value);
  static void eraseValue(Device& d, const Device::Key& key);
  static std::uint8_t notification(const Device& d, const Profile& p, const NodeRef& n);
  static bool subscriber(const Device& d, const NodeRef& n);
  static void setAttributes(Device& d, const Profile& p, const NodeRef& n,
                            std::optional<std::uint8_t> notification,
                            std::optional<bool> subscriber);
  // Checks `text` against the parameter's type and constraints: 0 if fine, else 9006
  // (declared xsi:type differs) or 9007 (bad value), with a reason.
  static std::uint32_t validate(const ParamInfo& info, std::string_view declared_type,
                                std::string_view text, std::string& reason);
  // Records an external change for 4 VALUE CHANGE (no-op with notification 0).
  static bool noteChange(Device& d, const Profile& p, const NodeRef& n);
  static void forgetChange(Device& d, const Device::Key& key);

  // --- instances ----------------------------------------------------------------------------
  static Result<std::uint32_t> addInstance(Device& d, const Profile& p, const NodeRef& table);
  static void deleteInstance(Device& d, const Profile& p, const NodeRef& instance);

  // --- events -------------------------------------------------------------------------------
  static void addEvent(Device& d, std::string code, std::string command_key = {});
  static void setParameterKey(Device& d, std::string key) { d.parameter_key_ = std::move(key); }
  static std::vector<TransferJob>& transfers(Device& d) { return d.transfers_; }
  static std::uint32_t nextTransferId(Device& d) { return d.next_transfer_id_++; }
  static std::uint32_t completionCount(const Device& d) {
    return static_cast<std::uint32_t>(d.completions_.size());
  }
  static void addScheduledInform(Device& d, TimePoint at, std::string command_key);
  static std::vector<cwmp::TransferComplete> completions(const Device& d);
  static std::size_t scheduledInformCount(const Device& d) { return d.scheduled_.size(); }

  // --- software modules (device/software_modules.cpp) -----------------------------------------
  // ChangeDUState: checks the request (9003 for a missing URL/UUID, 9004 beyond
  // kMaxDuOperations pending operations) and queues its operations.
  static cwmp::Body changeDuState(Device& d, const Profile& p, const cwmp::ChangeDUState& req,
                                  TimePoint now);
  // Runs queued operations in request order until one waits for its download (poll()).
  static void advanceDu(Device& d, const Profile& p, TimePoint now);
  // An operation is ready to run (nextWakeup(): now).
  static bool duRunnable(const Device& d);
  // The download of operation `job` ended (completeTransfer()): finishes the Install or
  // Update. False when no operation waits for `job`.
  static bool finishDuTransfer(Device& d, const Profile& p, const TransferJob& job,
                               std::uint32_t fault_code, std::string fault_string,
                               TimePoint complete);
  static constexpr std::size_t kMaxDuOperations = 16;

  // --- state --------------------------------------------------------------------------------
  static std::string save(const Device& d);
  static Result<Device> load(const Profile& p, std::string_view text);

  // ManagementServer.URL changed: what was owed to the old ACS is dropped and the next
  // contact is 0 BOOTSTRAP (checklist 6.2).
  static void acsChanged(Device& d);
  // Undelivered events or a TransferComplete/DUStateChangeComplete not yet tried.
  static bool needsSession(const Device& d);
  // The node a stored key names on this device (nullopt when it no longer exists).
  static std::optional<NodeRef> refOfKey(const Device& d, const Profile& p, const Device::Key& key);
  // Generated parameters with notification 1/2 (4/6) whose value at `now` differs from the
  // one at the last delivered Inform; only active ones (2/6) with `active_only`.
  static std::vector<NodeRef> generatedChanges(const Device& d, const Profile& p, TimePoint now,
                                               bool active_only);
  // When active notification may open a session (ms since the epoch): the first pending
  // or coming active change, not before DefaultActiveNotificationThrottle seconds after
  // the last delivered Inform. nullopt when there is nothing to notify actively.
  static std::optional<std::int64_t> activeNotifyAt(const Device& d, const Profile& p,
                                                    TimePoint now);

  static constexpr std::uint8_t kFactoryFresh = 1;  // never contacted an ACS: BOOTSTRAP
  static constexpr std::uint8_t kPoweredOn = 2;
  static constexpr std::uint8_t kCompletionDue = 4;  // a TransferComplete waits for a session
};

}  // namespace cpesim
