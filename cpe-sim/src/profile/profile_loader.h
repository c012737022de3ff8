// profile/profile_loader.h: reads device profiles: our YAML format, a CSV parameter dump
// (`name,type,writable,value`) and our ACS's JSON (or YAML) parameter export.
//
// Errors are cwmp::Error values (code InvalidArgument) whose message starts with
// "<source>:<line>:<column>: " where the input had a position, e.g.
//   "tr181-gateway.yaml:120:7: parameter 'Enable': unknown type 'bool' (expected one of ...)".
//
//   cpesim::Result<cpesim::ProfilePtr> p = cpesim::loadProfileFile("profiles/tr181-gateway.yaml");
//   if (!p) { std::cerr << p.error().message << "\n"; return 2; }
//   auto bound = (*p)->withVariables({{"acs_url", "http://127.0.0.1:7547/cwmp"},
//                                     {"cr_url", "http://127.0.0.1:7548/cr/{serial}"}});
//
// The YAML format is described in cpe-sim/profiles/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "device/device_model.h"
#include "device/profile_spec.h"

namespace cpesim {

// Parses a YAML profile. `source` names the input in error messages (usually the path).
Result<ProfileSpec> parseProfileYaml(std::string_view text, std::string_view source);
Result<ProfilePtr> loadProfileYaml(std::string_view text, std::string_view source);

// Options for imports from a parameter dump of one real device.
struct ImportOptions {
  std::string name;  // profile name; empty = derived from the source name
  // Serial pattern of the simulated devices; empty = "<dumped serial>-{index:06}".
  std::string serial_pattern;
  // Replace ManagementServer.URL / ConnectionRequestURL values with {acs_url} / {cr_url}
  // so the fleet can point them at the ACS and its listener.
  bool bind_management_urls = true;
  // Tables that had no object row in the dump: may the ACS add and delete instances?
  bool tables_writable_by_default = false;
};

// CSV: one parameter or object per line, `name,type,writable,value` (RFC 4180 quoting; an
// optional header line naming those columns; type as `xsd:int` or `int`, empty = string;
// writable as true/false/1/0). Names ending in "." are objects; numeric segments are
// instances of tables. Forced inform parameters and notification defaults of the standard
// root data models (checklist 7.3, 10.4) are set by name.
Result<ProfileSpec> parseParameterCsv(std::string_view text, std::string_view source,
                                      const ImportOptions& options = {});
// Our ACS's export (`GET /api/devices/{id}/parameters`): {"items": [{"name", "value",
// "type", "writable", ...}, ...]} or a bare list of such objects; JSON or YAML.
Result<ProfileSpec> parseParameterExport(std::string_view text, std::string_view source,
                                         const ImportOptions& options = {});

// Reads `path` and picks the parser by extension: .yaml/.yml (profile), .csv (dump),
// .json (export). IO errors are reported as InvalidArgument errors naming the path.
Result<ProfilePtr> loadProfileFile(const std::string& path, const ImportOptions& options = {});

}  // namespace cpesim
