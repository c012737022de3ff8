// device/software_modules.h (internal): what the model needs of a profile's TR-181
// software-module tables to answer ChangeDUState. The operations themselves live in
// device/software_modules.cpp (DeviceAccess::changeDuState() and friends).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "device/model_template.h"

namespace cpesim {

// Parameters every <root>SoftwareModules.DeploymentUnit.{i}. instance must have for the
// model to install, update and uninstall deployment units (TR-181 names).
inline constexpr std::string_view kDuRequiredParameters[] = {
    "UUID", "Name", "Version", "Status", "URL", "ExecutionEnvRef",
};

// Why `model` cannot back ChangeDUState (no DeploymentUnit table, a required parameter
// missing or not a string), or nullopt when it can.
std::optional<std::string> softwareModulesProblem(const ModelTemplate& model);

}  // namespace cpesim
