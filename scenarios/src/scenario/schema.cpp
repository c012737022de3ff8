#include "scenario/schema.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace scenario {

std::string Diagnostic::toString() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ':' << line << ':' << column;
  out << ": " << message;
  return out.str();
}

const char* phaseKindName(PhaseKind kind) {
  switch (kind) {
    case PhaseKind::kBootStorm: return "boot_storm";
    case PhaseKind::kPeriodic: return "periodic";
    case PhaseKind::kTasks: return "tasks";
    case PhaseKind::kFirmwareRollout: return "firmware_rollout";
    case PhaseKind::kConnectionRequests: return "connection_requests";
    case PhaseKind::kFaults: return "faults";
    case PhaseKind::kWaitUntil: return "wait_until";
    case PhaseKind::kSleep: return "sleep";
  }
  return "?";
}

namespace {

// Splits "<number><unit>" and scales by the unit's factor; nullopt on anything else.
std::optional<double> parseScaled(const std::string& text, const std::map<std::string, double>& units,
                                  double bare_factor) {
  if (text.empty()) return std::nullopt;
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value) || value < 0.0) return std::nullopt;
  // strtod accepts a leading sign, whitespace, hex and "inf": allow only plain decimals.
  for (const char* p = begin; p != end; ++p) {
    if (!((*p >= '0' && *p <= '9') || *p == '.')) return std::nullopt;
  }
  const std::string unit(end);
  if (unit.empty()) return value * bare_factor;
  const auto it = units.find(unit);
  if (it == units.end()) return std::nullopt;
  return value * it->second;
}

}  // namespace

std::optional<double> parseDurationSeconds(const std::string& text) {
  static const std::map<std::string, double> kUnits = {
      {"ms", 0.001}, {"s", 1.0}, {"m", 60.0}, {"h", 3600.0}};
  return parseScaled(text, kUnits, 1.0);
}

std::optional<double> parseSizeMib(const std::string& text) {
  static const std::map<std::string, double> kUnits = {
      {"KiB", 1.0 / 1024.0}, {"MiB", 1.0},       {"GiB", 1024.0},
      {"KB", 1e3 / 1048576.0}, {"MB", 1e6 / 1048576.0}, {"GB", 1e9 / 1048576.0}};
  return parseScaled(text, kUnits, 1.0);
}

namespace {

const std::set<std::string> kTaskTypes = {
    "GetParameterValues", "SetParameterValues",   "GetParameterNames",
    "GetParameterAttributes", "SetParameterAttributes", "AddObject",
    "DeleteObject",       "Reboot",               "FactoryReset",
    "Download",           "Upload",               "ScheduleInform",
    "GetRPCMethods",      "GetAllQueuedTransfers", "CancelTransfer",
    "ScheduleDownload",   "ChangeDUState",        "refresh"};

// Collects diagnostics while walking the document. Every accessor reports its own problem
// and returns nullopt, so the walk continues and all problems of a file come out together.
class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  void error(const YAML::Mark& mark, const std::string& message) {
    diagnostics_.push_back({file_, mark.line + 1, mark.column + 1, message});
  }
  void error(const YAML::Node& node, const std::string& message) { error(node.Mark(), message); }
  void errorAt(int line, int column, const std::string& message) {
    diagnostics_.push_back({file_, line, column, message});
  }

  // Reports keys of `map` that are not in `allowed`, and returns false if `map` is not a map.
  bool expectMap(const YAML::Node& map, const std::string& where,
                 const std::set<std::string>& allowed) {
    if (!map.IsMap()) {
      error(map, where + ": expected a mapping");
      return false;
    }
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      const std::string name = key.IsScalar() ? key.Scalar() : std::string("<non-scalar key>");
      // yaml-cpp keeps duplicate keys and a lookup sees only one of them: refuse the file
      // rather than silently ignore a value the author wrote.
      if (!seen.insert(name).second) {
        error(key, where + ": duplicate key '" + name + "'");
        continue;
      }
      if (allowed.count(name) == 0) {
        std::string known;
        for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
        error(key, where + ": unknown key '" + name + "' (expected one of: " + known + ")");
      }
    }
    return true;
  }

  // The value of `key` in `map` if present (defined and not null).
  static std::optional<YAML::Node> child(const YAML::Node& map, const std::string& key) {
    const YAML::Node value = map[key];
    if (!value.IsDefined() || value.IsNull()) return std::nullopt;
    return value;
  }

  void missing(const YAML::Node& map, const std::string& where, const std::string& key) {
    error(map, where + ": missing required key '" + key + "'");
  }

  std::optional<std::string> string(const YAML::Node& map, const std::string& where,
                                    const std::string& key, bool required) {
    const auto value = child(map, key);
    if (!value) {
      if (required) missing(map, where, key);
      return std::nullopt;
    }
    if (!value->IsScalar()) {
      error(*value, where + "." + key + ": expected a string");
      return std::nullopt;
    }
    if (value->Scalar().empty()) {
      error(*value, where + "." + key + ": must not be empty");
      return std::nullopt;
    }
    return value->Scalar();
  }

  std::optional<double> number(const YAML::Node& map, const std::string& where,
                               const std::string& key, bool required, double min, double max,
                               bool min_exclusive = false) {
    const auto value = child(map, key);
    if (!value) {
      if (required) missing(map, where, key);
      return std::nullopt;
    }
    double parsed = 0.0;
    if (!value->IsScalar() || value->Tag() == "!" || !YAML::convert<double>::decode(*value, parsed) ||
        !std::isfinite(parsed)) {
      error(*value, where + "." + key + ": expected a number, got '" + describe(*value) + "'");
      return std::nullopt;
    }
    if (parsed < min || parsed > max || (min_exclusive && parsed == min)) {
      std::ostringstream range;
      range << (min_exclusive ? "(" : "[") << min << ", " << max << "]";
      error(*value, where + "." + key + ": " + value->Scalar() + " is out of range " + range.str());
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<std::int64_t> integer(const YAML::Node& map, const std::string& where,
                                      const std::string& key, bool required, std::int64_t min,
                                      std::int64_t max) {
    const auto value = child(map, key);
    if (!value) {
      if (required) missing(map, where, key);
      return std::nullopt;
    }
    std::int64_t parsed = 0;
    if (!value->IsScalar() || value->Tag() == "!" ||
        !YAML::convert<std::int64_t>::decode(*value, parsed)) {
      error(*value, where + "." + key + ": expected an integer, got '" + describe(*value) + "'");
      return std::nullopt;
    }
    if (parsed < min || parsed > max) {
      error(*value, where + "." + key + ": " + std::to_string(parsed) + " is out of range [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<bool> boolean(const YAML::Node& map, const std::string& where,
                              const std::string& key) {
    const auto value = child(map, key);
    if (!value) return std::nullopt;
    bool parsed = false;
    if (!value->IsScalar() || value->Tag() == "!" || !YAML::convert<bool>::decode(*value, parsed)) {
      error(*value, where + "." + key + ": expected true or false, got '" + describe(*value) + "'");
      return std::nullopt;
    }
    return parsed;
  }

  // A duration (see parseDurationSeconds); `positive` rejects zero.
  std::optional<double> duration(const YAML::Node& map, const std::string& where,
                                 const std::string& key, bool required, bool positive) {
    const auto value = child(map, key);
    if (!value) {
      if (required) missing(map, where, key);
      return std::nullopt;
    }
    const auto parsed = value->IsScalar() ? parseDurationSeconds(value->Scalar()) : std::nullopt;
    if (!parsed) {
      error(*value, where + "." + key + ": expected a duration such as 250ms, 30s, 5m or 1h, got '" +
                        describe(*value) + "'");
      return std::nullopt;
    }
    if (positive && *parsed <= 0.0) {
      error(*value, where + "." + key + ": must be greater than zero");
      return std::nullopt;
    }
    return parsed;
  }

  // One of `choices`, by name.
  template <typename E>
  std::optional<E> choice(const YAML::Node& map, const std::string& where, const std::string& key,
                          bool required, const std::vector<std::pair<std::string, E>>& choices) {
    const auto text = string(map, where, key, required);
    if (!text) return std::nullopt;
    std::string names;
    for (const auto& [name, value] : choices) {
      if (name == *text) return value;
      names += (names.empty() ? "" : ", ") + name;
    }
    error(map[key], where + "." + key + ": unknown value '" + *text + "' (expected one of: " +
                        names + ")");
    return std::nullopt;
  }

  static std::string describe(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    if (node.IsSequence()) return "<sequence>";
    if (node.IsMap()) return "<mapping>";
    return "<null>";
  }

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

void appendJsonString(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          static const char* kHex = "0123456789abcdef";
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// YAML -> JSON for a task's parameters. Quoted scalars stay strings; plain scalars become
// null, true/false or integers when they read as such, strings otherwise.
void appendJson(std::string& out, const YAML::Node& node) {
  if (node.IsMap()) {
    out += '{';
    bool first = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!first) out += ',';
      first = false;
      appendJsonString(out, it->first.Scalar());
      out += ':';
      appendJson(out, it->second);
    }
    out += '}';
  } else if (node.IsSequence()) {
    out += '[';
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (i > 0) out += ',';
      appendJson(out, node[i]);
    }
    out += ']';
  } else if (!node.IsDefined() || node.IsNull()) {
    out += "null";
  } else {
    const std::string& text = node.Scalar();
    if (node.Tag() != "!") {
      std::int64_t integer = 0;
      if (text == "true" || text == "false") {
        out += text;
        return;
      }
      if (YAML::convert<std::int64_t>::decode(node, integer)) {
        out += std::to_string(integer);
        return;
      }
    }
    appendJsonString(out, text);
  }
}

void parseAcs(Checker& c, const YAML::Node& node, AcsSpec& acs) {
  if (!c.expectMap(node, "acs", {"url", "api_url", "api_key", "embedded"})) return;
  const bool has_url = Checker::child(node, "url").has_value();
  const auto embedded = Checker::child(node, "embedded");
  if (has_url == embedded.has_value()) {
    c.error(node, "acs: give exactly one of 'url' or 'embedded'");
    return;
  }
  if (has_url) {
    acs.mode = AcsMode::kUrl;
    if (auto v = c.string(node, "acs", "url", true)) {
      if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) {
        c.error(node["url"], "acs.url: expected an http:// or https:// URL, got '" + *v + "'");
      }
      acs.url = *v;
    }
    if (auto v = c.string(node, "acs", "api_url", false)) {
      if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0) {
        c.error(node["api_url"], "acs.api_url: expected an http:// or https:// URL, got '" + *v + "'");
      }
      acs.api_url = *v;
    }
    if (auto v = c.string(node, "acs", "api_key", false)) acs.api_key = *v;
    return;
  }
  for (const char* key : {"api_url", "api_key"}) {
    if (Checker::child(node, key)) {
      c.error(node[key], std::string("acs.") + key + ": only allowed with 'url' (the embedded ACS is driven directly)");
    }
  }
  acs.mode = AcsMode::kEmbedded;
  if (!c.expectMap(*embedded, "acs.embedded", {"database", "postgresql_url", "nodes"})) return;
  if (auto db = c.choice<DatabaseKind>(*embedded, "acs.embedded", "database", true,
                                       {{"sqlite", DatabaseKind::kSqlite},
                                        {"postgresql", DatabaseKind::kPostgresql}})) {
    acs.database = *db;
  }
  const auto pg = c.string(*embedded, "acs.embedded", "postgresql_url", false);
  if (acs.database == DatabaseKind::kPostgresql) {
    if (!pg && !Checker::child(*embedded, "postgresql_url")) {
      c.missing(*embedded, "acs.embedded", "postgresql_url");
    } else if (pg) {
      if (pg->rfind("postgresql://", 0) != 0) {
        c.error((*embedded)["postgresql_url"],
                "acs.embedded.postgresql_url: expected a postgresql:// URL, got '" + *pg + "'");
      }
      acs.postgresql_url = *pg;
    }
  } else if (pg) {
    c.error((*embedded)["postgresql_url"],
            "acs.embedded.postgresql_url: only allowed with database: postgresql");
  }
  acs.nodes = c.integer(*embedded, "acs.embedded", "nodes", false, 1, 8).value_or(1);
  if (acs.nodes > 1 && acs.database != DatabaseKind::kPostgresql) {
    c.error((*embedded)["nodes"], "acs.embedded.nodes: several ACS processes need database: postgresql (they share it)");
  }
}

void parseFleets(Checker& c, const YAML::Node& node, std::vector<FleetSpec>& fleets) {
  if (!node.IsSequence() || node.size() == 0) {
    c.error(node, "fleets: expected a non-empty sequence of fleets");
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node f = node[i];
    const std::string where = "fleets[" + std::to_string(i) + "]";
    if (!c.expectMap(f, where, {"name", "profile", "count", "serial", "quirks", "max_in_flight"})) continue;
    FleetSpec fleet;
    fleet.name = c.string(f, where, "name", false).value_or("fleet" + std::to_string(i));
    if (!names.insert(fleet.name).second) {
      c.error(f, where + ": duplicate fleet name '" + fleet.name + "'");
    }
    fleet.profile = c.string(f, where, "profile", true).value_or("");
    fleet.count = c.integer(f, where, "count", true, 1, 1'000'000).value_or(0);
    fleet.max_in_flight = c.integer(f, where, "max_in_flight", false, 1, 100'000).value_or(2000);
    fleet.serial_pattern = c.string(f, where, "serial", false).value_or(fleet.name + "-{index}");
    if (fleet.serial_pattern.find("{index}") == std::string::npos) {
      c.error(f["serial"], where + ".serial: must contain {index} so every device gets its own serial");
    }
    if (const auto quirks = Checker::child(f, "quirks")) {
      if (!quirks->IsSequence()) {
        c.error(*quirks, where + ".quirks: expected a sequence of {quirk, share}");
      } else {
        for (std::size_t j = 0; j < quirks->size(); ++j) {
          const YAML::Node q = (*quirks)[j];
          const std::string qwhere = where + ".quirks[" + std::to_string(j) + "]";
          if (!c.expectMap(q, qwhere, {"quirk", "share"})) continue;
          QuirkShare share;
          if (auto text = c.string(q, qwhere, "quirk", true)) {
            const auto eq = text->find('=');
            if (eq == 0 || eq == std::string::npos) {
              c.error(q["quirk"], qwhere + ".quirk: expected name=value (a cpe-sim --quirk), got '" + *text + "'");
            }
            share.quirk = *text;
          }
          share.share = c.number(q, qwhere, "share", true, 0.0, 1.0).value_or(0.0);
          fleet.quirks.push_back(share);
        }
      }
    }
    fleets.push_back(std::move(fleet));
  }
}

// The keys each phase kind accepts, besides the kind key itself.
const std::map<PhaseKind, std::set<std::string>>& phaseKeys() {
  static const std::map<PhaseKind, std::set<std::string>> kKeys = {
      {PhaseKind::kBootStorm, {"fleet", "share", "window", "event", "timeout"}},
      {PhaseKind::kPeriodic, {"fleet", "share", "interval", "jitter", "duration"}},
      {PhaseKind::kTasks,
       {"fleet", "share", "filter", "task_type", "parameters", "connection_request", "rate", "timeout"}},
      {PhaseKind::kFirmwareRollout,
       {"fleet", "share", "file", "waves", "fail_share", "timeout"}},
      {PhaseKind::kConnectionRequests, {"fleet", "share", "filter", "rate"}},
      {PhaseKind::kFaults, {"fleet", "share", "action", "quirk"}},
      {PhaseKind::kWaitUntil, {"condition", "timeout"}},
      {PhaseKind::kSleep, {"duration"}},
  };
  return kKeys;
}

void parsePhase(Checker& c, const YAML::Node& node, const std::string& where,
                const std::set<std::string>& fleet_names, std::vector<Phase>& phases) {
  // A phase is a one-key mapping: `- boot_storm: {window: 60s}`.
  static const std::vector<std::pair<std::string, PhaseKind>> kKinds = {
      {"boot_storm", PhaseKind::kBootStorm},
      {"periodic", PhaseKind::kPeriodic},
      {"tasks", PhaseKind::kTasks},
      {"firmware_rollout", PhaseKind::kFirmwareRollout},
      {"connection_requests", PhaseKind::kConnectionRequests},
      {"faults", PhaseKind::kFaults},
      {"wait_until", PhaseKind::kWaitUntil},
      {"sleep", PhaseKind::kSleep}};
  if (!node.IsMap() || node.size() != 1) {
    c.error(node, where + ": expected a mapping with exactly one phase kind as its key");
    return;
  }
  const YAML::Node key = node.begin()->first;
  const YAML::Node body = node.begin()->second;
  const std::string kind_name = key.IsScalar() ? key.Scalar() : "";
  std::optional<PhaseKind> kind;
  std::string names;
  for (const auto& [name, value] : kKinds) {
    if (name == kind_name) kind = value;
    names += (names.empty() ? "" : ", ") + name;
  }
  if (!kind) {
    c.error(key, where + ": unknown phase '" + kind_name + "' (expected one of: " + names + ")");
    return;
  }
  Phase phase;
  phase.kind = *kind;
  phase.line = key.Mark().line + 1;
  phase.column = key.Mark().column + 1;
  const std::string pwhere = where + "." + kind_name;
  if (!c.expectMap(body, pwhere, phaseKeys().at(*kind))) return;

  if (auto fleet = c.string(body, pwhere, "fleet", false)) {
    if (fleet_names.count(*fleet) == 0) {
      c.error(body["fleet"], pwhere + ".fleet: no fleet named '" + *fleet + "'");
    }
    phase.fleet = *fleet;
  }
  phase.share = c.number(body, pwhere, "share", false, 0.0, 1.0, true).value_or(1.0);
  if (const auto filter = Checker::child(body, "filter")) {
    // The ACS's device filters (GET /api/devices query parameters), as a mapping of scalars.
    static const std::set<std::string> kFilters = {"online", "oui", "product_class", "software_version",
                                                   "tag", "param", "value", "q"};
    if (c.expectMap(*filter, pwhere + ".filter", kFilters)) {
      for (const auto& entry : *filter) {
        const std::string name = entry.first.Scalar();
        if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
          c.error(entry.second, pwhere + ".filter." + name + ": expected a non-empty value");
          continue;
        }
        phase.filter.emplace_back(name, entry.second.Scalar());
      }
      const bool has_param = Checker::child(*filter, "param").has_value();
      const bool has_value = Checker::child(*filter, "value").has_value();
      if (has_param != has_value) {
        c.error(*filter, pwhere + ".filter: 'param' and 'value' go together");
      }
      if (filter->size() == 0) c.error(*filter, pwhere + ".filter: expected at least one filter");
    }
  }
  phase.timeout_s = c.duration(body, pwhere, "timeout", false, true).value_or(0.0);

  switch (*kind) {
    case PhaseKind::kBootStorm:
      phase.duration_s = c.duration(body, pwhere, "window", true, false).value_or(0.0);
      phase.event = c.choice<BootEvent>(body, pwhere, "event", false,
                                        {{"bootstrap", BootEvent::kBootstrap}, {"boot", BootEvent::kBoot}})
                        .value_or(BootEvent::kBootstrap);
      break;
    case PhaseKind::kPeriodic: {
      phase.interval_s = c.duration(body, pwhere, "interval", true, true).value_or(0.0);
      phase.jitter_s = c.duration(body, pwhere, "jitter", false, false).value_or(0.0);
      phase.duration_s = c.duration(body, pwhere, "duration", true, true).value_or(0.0);
      if (phase.interval_s > 0.0 && phase.jitter_s >= phase.interval_s) {
        c.error(body["jitter"], pwhere + ".jitter: must be smaller than the interval");
      }
      break;
    }
    case PhaseKind::kTasks: {
      if (auto type = c.string(body, pwhere, "task_type", true)) {
        if (kTaskTypes.count(*type) == 0) {
          c.error(body["task_type"], pwhere + ".task_type: unknown task type '" + *type + "'");
        }
        phase.task_type = *type;
      }
      phase.parameters_json = "{}";
      if (const auto params = Checker::child(body, "parameters")) {
        if (!params->IsMap()) {
          c.error(*params, pwhere + ".parameters: expected a mapping (the RPC's arguments)");
        } else {
          phase.parameters_json.clear();
          appendJson(phase.parameters_json, *params);
        }
      }
      phase.connection_request = c.boolean(body, pwhere, "connection_request").value_or(false);
      phase.rate_per_s = c.number(body, pwhere, "rate", false, 0.0, 1e6, true).value_or(0.0);
      break;
    }
    case PhaseKind::kFirmwareRollout:
      phase.file = c.string(body, pwhere, "file", true).value_or("");
      phase.waves = c.integer(body, pwhere, "waves", false, 1, 1000).value_or(1);
      phase.fail_share = c.number(body, pwhere, "fail_share", false, 0.0, 1.0).value_or(0.0);
      break;
    case PhaseKind::kConnectionRequests:
      phase.rate_per_s = c.number(body, pwhere, "rate", false, 0.0, 1e6, true).value_or(0.0);
      break;
    case PhaseKind::kFaults: {
      const auto action = c.choice<FaultAction>(
          body, pwhere, "action", true,
          {{"enable_quirk", FaultAction::kEnableQuirk}, {"disable_quirk", FaultAction::kDisableQuirk},
           {"restart_acs", FaultAction::kRestartAcs}, {"kill_acs", FaultAction::kKillAcs}});
      if (action) phase.action = *action;
      const bool quirk_action = action && (*action == FaultAction::kEnableQuirk ||
                                           *action == FaultAction::kDisableQuirk);
      const auto quirk = c.string(body, pwhere, "quirk", quirk_action);
      if (quirk && !quirk_action && action) {
        c.error(body["quirk"], pwhere + ".quirk: only allowed with enable_quirk or disable_quirk");
      }
      if (quirk && quirk_action && quirk->find('=') == std::string::npos) {
        c.error(body["quirk"], pwhere + ".quirk: expected name=value (a cpe-sim --quirk), got '" + *quirk + "'");
      }
      phase.quirk = quirk.value_or("");
      break;
    }
    case PhaseKind::kWaitUntil:
      phase.condition = c.choice<WaitCondition>(body, pwhere, "condition", true,
                                                {{"all_tasks_ended", WaitCondition::kAllTasksEnded},
                                                 {"all_devices_online", WaitCondition::kAllDevicesOnline},
                                                 {"all_devices_booted", WaitCondition::kAllDevicesBooted}})
                            .value_or(WaitCondition::kAllTasksEnded);
      if (phase.timeout_s <= 0.0 && !Checker::child(body, "timeout")) {
        c.missing(body, pwhere, "timeout");
      }
      break;
    case PhaseKind::kSleep:
      phase.duration_s = c.duration(body, pwhere, "duration", true, true).value_or(0.0);
      break;
  }
  phases.push_back(std::move(phase));
}

void parsePercentiles(Checker& c, const YAML::Node& targets, const std::string& key,
                      PercentileTargets& out) {
  const auto node = Checker::child(targets, key);
  if (!node) return;
  const std::string where = "targets." + key;
  if (!c.expectMap(*node, where, {"p50", "p95", "p99"})) return;
  if (node->size() == 0) c.error(*node, where + ": give at least one of p50, p95, p99");
  out.p50_ms = c.duration(*node, where, "p50", false, true);
  out.p95_ms = c.duration(*node, where, "p95", false, true);
  out.p99_ms = c.duration(*node, where, "p99", false, true);
  for (auto* p : {&out.p50_ms, &out.p95_ms, &out.p99_ms}) {
    if (*p) **p *= 1000.0;
  }
  // Percentile ceilings must not decrease: p50 <= p95 <= p99 is the only satisfiable order.
  if (out.p50_ms && out.p95_ms && *out.p50_ms > *out.p95_ms) {
    c.error((*node)["p95"], where + ".p95: smaller than p50, which can never hold");
  }
  if (out.p95_ms && out.p99_ms && *out.p95_ms > *out.p99_ms) {
    c.error((*node)["p99"], where + ".p99: smaller than p95, which can never hold");
  }
  if (out.p50_ms && out.p99_ms && !out.p95_ms && *out.p50_ms > *out.p99_ms) {
    c.error((*node)["p99"], where + ".p99: smaller than p50, which can never hold");
  }
}

void parseTargets(Checker& c, const YAML::Node& node, Targets& targets) {
  if (!c.expectMap(node, "targets",
                   {"session_time", "reply_time", "task_completion_time", "sessions_per_second",
                    "task_completion_ratio", "zero_lost_tasks", "zero_unexpected_faults",
                    "acs_rss"})) {
    return;
  }
  parsePercentiles(c, node, "session_time", targets.session_time);
  parsePercentiles(c, node, "reply_time", targets.reply_time);
  parsePercentiles(c, node, "task_completion_time", targets.task_completion_time);
  if (const auto sps = Checker::child(node, "sessions_per_second")) {
    if (c.expectMap(*sps, "targets.sessions_per_second", {"min"})) {
      targets.sessions_per_second_min =
          c.number(*sps, "targets.sessions_per_second", "min", true, 0.0, 1e7, true);
    }
  }
  if (const auto ratio = Checker::child(node, "task_completion_ratio")) {
    if (c.expectMap(*ratio, "targets.task_completion_ratio", {"min"})) {
      targets.task_completion_ratio_min =
          c.number(*ratio, "targets.task_completion_ratio", "min", true, 0.0, 1.0, true);
    }
  }
  targets.zero_lost_tasks = c.boolean(node, "targets", "zero_lost_tasks").value_or(false);
  targets.zero_unexpected_faults = c.boolean(node, "targets", "zero_unexpected_faults").value_or(false);
  if (const auto rss = Checker::child(node, "acs_rss")) {
    if (c.expectMap(*rss, "targets.acs_rss", {"max"})) {
      if (const auto max = Checker::child(*rss, "max")) {
        const auto mib = max->IsScalar() ? parseSizeMib(max->Scalar()) : std::nullopt;
        if (!mib || *mib <= 0.0) {
          c.error(*max, "targets.acs_rss.max: expected a size such as 512MiB or 2GiB, got '" +
                            Checker::describe(*max) + "'");
        } else {
          targets.acs_rss_max_mib = mib;
        }
      } else {
        c.missing(*rss, "targets.acs_rss", "max");
      }
    }
  }
}

}  // namespace

LoadResult parseScenario(const std::string& text, const std::string& file) {
  LoadResult result;
  Checker c(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    c.error(e.mark, "YAML syntax error: " + e.msg);
    result.diagnostics = std::move(c.diagnostics());
    return result;
  }
  try {
    Scenario s;
    if (!root.IsDefined() || root.IsNull()) {
      c.errorAt(0, 0, "the file is empty");
    } else if (c.expectMap(root, "scenario",
                           {"name", "description", "seed", "acs", "fleets", "phases", "targets"})) {
      if (auto name = c.string(root, "scenario", "name", true)) {
        // The name becomes part of the report directory: keep it to a safe file name.
        if (name->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                std::string::npos || (*name)[0] == '.') {
          c.error(root["name"], "name: use only letters, digits, '-', '_' and '.' (it names the report directory), got '" + *name + "'");
        }
        s.name = *name;
      }
      s.description = c.string(root, "scenario", "description", false).value_or("");
      s.seed = static_cast<std::uint64_t>(
          c.integer(root, "scenario", "seed", false, 0, std::numeric_limits<std::int64_t>::max()).value_or(1));
      if (const auto acs = Checker::child(root, "acs")) {
        parseAcs(c, *acs, s.acs);
      } else {
        c.missing(root, "scenario", "acs");
      }
      if (const auto fleets = Checker::child(root, "fleets")) {
        parseFleets(c, *fleets, s.fleets);
      } else {
        c.missing(root, "scenario", "fleets");
      }
      std::set<std::string> fleet_names;
      for (const auto& f : s.fleets) fleet_names.insert(f.name);
      if (const auto phases = Checker::child(root, "phases")) {
        if (!phases->IsSequence() || phases->size() == 0) {
          c.error(*phases, "phases: expected a non-empty sequence of phases");
        } else {
          for (std::size_t i = 0; i < phases->size(); ++i) {
            parsePhase(c, (*phases)[i], "phases[" + std::to_string(i) + "]", fleet_names, s.phases);
          }
        }
      } else {
        c.missing(root, "scenario", "phases");
      }
      if (const auto targets = Checker::child(root, "targets")) parseTargets(c, *targets, s.targets);
      // REST-driven phases need an API: with `url`, the api_url is required.
      if (s.acs.mode == AcsMode::kUrl && s.acs.api_url.empty()) {
        for (const auto& p : s.phases) {
          if (p.kind == PhaseKind::kTasks || p.kind == PhaseKind::kFirmwareRollout ||
              p.kind == PhaseKind::kConnectionRequests) {
            c.error(root["acs"], std::string("acs: phase '") + phaseKindName(p.kind) + "' (line " +
                                     std::to_string(p.line) + ") needs acs.api_url");
            break;
          }
        }
      }
      for (const auto& p : s.phases) {
        if ((p.kind == PhaseKind::kFaults &&
             (p.action == FaultAction::kRestartAcs || p.action == FaultAction::kKillAcs)) &&
            s.acs.mode != AcsMode::kEmbedded) {
          c.errorAt(p.line, p.column, "faults: restart_acs and kill_acs need the embedded ACS");
        }
      }
    }
    if (c.diagnostics().empty()) result.scenario = std::move(s);
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on some malformed node access (e.g. a scalar used as a map): report it
    // at its position instead of letting it escape.
    c.error(e.mark, "invalid structure: " + e.msg);
  }
  result.diagnostics = std::move(c.diagnostics());
  if (!result.diagnostics.empty()) result.scenario.reset();
  return result;
}

LoadResult loadScenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.diagnostics.push_back({path, 0, 0, "cannot open the file"});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseScenario(text.str(), path);
}

}  // namespace scenario
