// quirks/quirk_parse.h: parses quirk assignments, `name=value` as the `--quirk` flag and a
// profile's `quirks:` key take them, into the model's Quirks struct (device/profile_spec.h).
// Pure and part of cpesim_core, so the profile loader and the fleet's command line accept
// exactly the same names and values (the list is in quirks/quirks.h).
//
//   Quirks q;
//   if (auto error = applyQuirk(q, "defect=spv-not-atomic")) fail(*error);
//   if (auto error = applyQuirkShare(q, "0.05")) fail(*error);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device/profile_spec.h"

namespace cpesim {

// Applies one `name=value` assignment. Scalar quirks are replaced, the repeatable ones
// (rpc_fault, extra_event, omit_event, defect) are added. Returns an error message naming
// the quirk and what is wrong, or nullopt on success. Never throws.
std::optional<std::string> applyQuirk(Quirks& quirks, std::string_view assignment);
// Sets the share of devices the quirks apply to from a number in [0, 1].
std::optional<std::string> applyQuirkShare(Quirks& quirks, std::string_view value);
// The names `defect=` accepts: protocol rules the model and session break on purpose, so
// the conformance harness's CPE-mode cases can prove they catch a broken device.
const std::vector<std::string_view>& protocolDefects();
// The quirk names, for --help and error messages.
std::string_view quirkNames();

}  // namespace cpesim
