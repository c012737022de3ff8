// Shared helpers for the cpe-sim unit tests: a small profile with every kind of node, fixed
// times, and shortcuts to run one RPC on a device.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "device/device_model.h"

#include "cwmp/messages.h"

namespace cpesim::test {

// 2024-03-01T12:00:00Z.
TimePoint t0();
inline TimePoint at(std::int64_t seconds) { return t0() + std::chrono::seconds(seconds); }

// YAML of a small TR-181 style profile: DeviceInfo, ManagementServer (all the parameters
// the device interprets), a writable table with a nested table, a read-only table, generators.
const std::string& smallProfileYaml();
ProfilePtr smallProfile();
// The shipped profiles (cpe-sim/profiles/<name>.yaml).
std::string profilePath(const std::string& name);
ProfilePtr shippedProfile(const std::string& name);

// A device that has booted at t0().
Device bootedDevice(const Profile& profile, std::uint32_t index = 7);

// Runs `request` on `device` and returns the body; `effects` collects after-session actions.
cwmp::Body run(Device& device, const Profile& profile, cwmp::Body request, TimePoint now = t0());
cwmp::Body run(Device& device, const Profile& profile, cwmp::Body request, TimePoint now,
               SessionEffects& effects);

// The CWMP fault code of `body`, 0 when it is not a Fault.
std::uint32_t faultCode(const cwmp::Body& body);
// All names of a GetParameterNamesResponse / GetParameterValuesResponse body.
std::vector<std::string> names(const cwmp::Body& body);

// The value of `name` (fails the test if it does not exist).
std::string valueOf(const Device& device, const Profile& profile, const std::string& name,
                    TimePoint now = t0());

}  // namespace cpesim::test
