#include "cli/acsctl_app.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "cli/api_client.h"
#include "cli/table.h"
#include "cli/task_args.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

namespace acs::cli {

namespace {

using Object = Poco::JSON::Object::Ptr;
using Array = Poco::JSON::Array::Ptr;

// --- Command line
// ---------------------------------------------------------------------------------

struct Invocation {
  std::vector<std::string> args;  // positional arguments after the command words
  std::multimap<std::string, std::string> options;
  std::set<std::string> flags;

  std::optional<std::string> option(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> all(const std::string& name) const {
    std::vector<std::string> values;
    auto [begin, end] = options.equal_range(name);
    for (auto it = begin; it != end; ++it) values.push_back(it->second);
    return values;
  }
  bool flag(const std::string& name) const { return flags.contains(name); }
};

struct Context {
  ApiClient client;
  bool json = false;
  std::ostream& out;
  std::ostream& err;
};

using Handler = std::function<int(Context&, const Invocation&)>;

struct CommandSpec {
  std::string_view words;  // "devices list"
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::vector<std::string_view> value_options;
  std::vector<std::string_view> flags;
  std::string_view usage;
  Handler run;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

std::string devicePath(const std::string& id) { return "/api/devices/" + percentEncode(id); }

// Appends "&name=value" (or "?name=value" first) to `query`.
void addQuery(std::string& query, std::string_view name, std::string_view value) {
  query += query.empty() ? '?' : '&';
  query += percentEncode(name);
  query += '=';
  query += percentEncode(value);
}

std::int64_t parseInteger(const std::string& option, const std::string& text, std::int64_t min,
                          std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    throw UsageError(option + ": expected an integer between " + std::to_string(min) + " and " +
                     std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

// --- JSON helpers
// ---------------------------------------------------------------------------------

Object parseObject(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    auto parsed = parser.parse(text);
    if (parsed.type() == typeid(Object)) return parsed.extract<Object>();
  } catch (const Poco::Exception&) {
    // Reported by the caller as an unexpected reply.
  }
  return {};
}

std::string compact(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "";
  if (value.isString()) return value.extract<std::string>();
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

std::string text(const Object& object, const std::string& key) {
  if (object.isNull() || !object->has(key)) return "";
  return compact(object->get(key));
}

std::string joinArray(const Object& object, const std::string& key) {
  std::string joined;
  if (object.isNull()) return joined;
  Array array = object->getArray(key);
  if (array.isNull()) return joined;
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (!joined.empty()) joined += ",";
    joined += compact(array->get(static_cast<unsigned>(i)));
  }
  return joined;
}

std::string shorten(std::string value, std::size_t max) {
  if (value.size() > max) {
    value.resize(max - 3);
    value += "...";
  }
  return value;
}

// --- Calls
// ----------------------------------------------------------------------------------------

// Performs the call; on an HTTP error or no answer prints the message and returns nullopt.
std::optional<HttpReply> call(Context& ctx, std::string_view method, const std::string& path,
                              const std::string& body = {}) {
  HttpReply reply = ctx.client.call(method, path, body);
  if (!reply.transport_error.empty() || reply.status >= 400) {
    ctx.err << "acsctl: " << errorMessage(reply) << "\n";
    return std::nullopt;
  }
  return reply;
}

// Prints the reply body as is (the --json mode).
int printJson(Context& ctx, const HttpReply& reply) {
  ctx.out << reply.body;
  if (reply.body.empty() || reply.body.back() != '\n') ctx.out << "\n";
  return kExitOk;
}

Object requireObject(Context& ctx, const HttpReply& reply) {
  Object object = parseObject(reply.body);
  if (object.isNull()) ctx.err << "acsctl: unexpected reply (not a JSON object)\n";
  return object;
}

std::string taskDetail(const Object& task) {
  Object fault = task->getObject("fault");
  if (!fault.isNull()) return "fault " + text(fault, "code") + ": " + text(fault, "message");
  if (!text(task, "reason").empty()) return text(task, "reason");
  return shorten(text(task, "result"), 60);
}

void printTask(Context& ctx, const Object& task) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", text(task, "id")},
      {"device", text(task, "device_id")},
      {"type", text(task, "task_type")},
      {"status", text(task, "status")},
      {"parameters", text(task, "parameters")},
      {"created", text(task, "created_at")},
      {"updated", text(task, "updated_at")},
      {"attempts", text(task, "attempts") + " of " + text(task, "max_attempts")},
  };
  auto add = [&](const std::string& label, const std::string& key) {
    if (!text(task, key).empty()) fields.emplace_back(label, text(task, key));
  };
  add("sent", "sent_at");
  add("expires", "expires_at");
  add("command key", "command_key");
  add("result", "result");
  Object fault = task->getObject("fault");
  if (!fault.isNull()) {
    fields.emplace_back("fault", text(fault, "code") + " " + text(fault, "message"));
  }
  add("reason", "reason");
  add("connection request", "connection_request_result");
  ctx.out << renderFields(fields);
}

// --- Commands
// -------------------------------------------------------------------------------------

int devicesList(Context& ctx, const Invocation& inv) {
  std::string query;
  if (inv.flag("--online") && inv.flag("--offline")) {
    throw UsageError("--online and --offline exclude each other");
  }
  if (inv.flag("--online")) addQuery(query, "online", "true");
  if (inv.flag("--offline")) addQuery(query, "online", "false");
  const std::pair<const char*, const char*> mapped[] = {{"--oui", "oui"},
                                                        {"--product-class", "product_class"},
                                                        {"--software-version", "software_version"},
                                                        {"--tag", "tag"},
                                                        {"--q", "q"},
                                                        {"--sort", "sort"},
                                                        {"--limit", "limit"},
                                                        {"--offset", "offset"}};
  for (const auto& [option, name] : mapped) {
    if (auto value = inv.option(option)) addQuery(query, name, *value);
  }
  if (auto param = inv.option("--param")) {
    const std::size_t eq = param->find('=');
    if (eq == std::string::npos) throw UsageError("--param: expected NAME=VALUE");
    addQuery(query, "param", param->substr(0, eq));
    addQuery(query, "value", param->substr(eq + 1));
  }
  auto reply = call(ctx, "GET", "/api/devices" + query);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object page = requireObject(ctx, *reply);
  if (page.isNull()) return kExitError;
  std::vector<std::vector<std::string>> rows;
  Array items = page->getArray("items");
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    Object device = items->getObject(static_cast<unsigned>(i));
    rows.push_back({text(device, "id"), text(device, "online") == "true" ? "yes" : "no",
                    text(device, "oui"), text(device, "product_class"),
                    text(device, "software_version"), text(device, "last_inform"),
                    joinArray(device, "tags")});
  }
  ctx.out << renderTable(
      {"ID", "ONLINE", "OUI", "PRODUCT CLASS", "SOFTWARE", "LAST INFORM", "TAGS"}, rows);
  ctx.out << rows.size() << " of " << text(page, "total") << " devices (offset "
          << text(page, "offset") << ")\n";
  return kExitOk;
}

int devicesShow(Context& ctx, const Invocation& inv) {
  auto reply = call(ctx, "GET", devicePath(inv.args[0]));
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object device = requireObject(ctx, *reply);
  if (device.isNull()) return kExitError;
  ctx.out << renderFields({
      {"id", text(device, "id")},
      {"online", text(device, "online")},
      {"oui", text(device, "oui")},
      {"product class", text(device, "product_class")},
      {"serial number", text(device, "serial_number")},
      {"manufacturer", text(device, "manufacturer")},
      {"hardware version", text(device, "hardware_version")},
      {"software version", text(device, "software_version")},
      {"ip", text(device, "ip")},
      {"connection request URL", text(device, "connection_request_url")},
      {"parameter key", text(device, "parameter_key")},
      {"first seen", text(device, "first_seen")},
      {"last inform", text(device, "last_inform")},
      {"last events", joinArray(device, "last_events")},
      {"periodic interval", text(device, "periodic_inform_interval") + " s"},
      {"tags", joinArray(device, "tags")},
      {"capture", text(device, "capture_enabled")},
  });
  return kExitOk;
}

int devicesDelete(Context& ctx, const Invocation& inv) {
  auto reply = call(ctx, "DELETE", devicePath(inv.args[0]));
  if (!reply) return kExitError;
  if (ctx.json) {
    ctx.out << "{\"deleted\":true}\n";
  } else {
    ctx.out << "device " << inv.args[0] << " deleted\n";
  }
  return kExitOk;
}

int params(Context& ctx, const Invocation& inv) {
  std::string query;
  if (inv.args.size() > 1) addQuery(query, "prefix", inv.args[1]);
  auto reply = call(ctx, "GET", devicePath(inv.args[0]) + "/parameters" + query);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object list = requireObject(ctx, *reply);
  if (list.isNull()) return kExitError;
  std::vector<std::vector<std::string>> rows;
  Array items = list->getArray("items");
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    Object p = items->getObject(static_cast<unsigned>(i));
    std::string writable = text(p, "writable");
    rows.push_back({text(p, "name"), text(p, "value"), text(p, "type"),
                    writable.empty() ? "?" : (writable == "true" ? "yes" : "no")});
  }
  ctx.out << renderTable({"NAME", "VALUE", "TYPE", "WRITABLE"}, rows);
  ctx.out << rows.size() << " parameters\n";
  return kExitOk;
}

// Creates a task and prints it; `path` is the endpoint, `body` the request.
int postTask(Context& ctx, const std::string& path, const std::string& body) {
  auto reply = call(ctx, "POST", path, body);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object task = requireObject(ctx, *reply);
  if (task.isNull()) return kExitError;
  ctx.out << "task " << text(task, "id") << " created: " << text(task, "task_type") << " for "
          << text(task, "device_id") << " (" << text(task, "status") << ")\n";
  Object cr = task->getObject("connection_request");
  if (!cr.isNull()) {
    ctx.out << "connection request: " << (text(cr, "ok") == "true" ? "ok" : "failed") << " - "
            << text(cr, "message") << "\n";
  }
  return kExitOk;
}

std::string taskBody(const std::string& type, const std::string& parameters, bool cr,
                     const Invocation& inv) {
  Object body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("task_type", type);
  body->set("parameters", parseObject(parameters));
  body->set("connection_request", cr);
  if (auto expires = inv.option("--expires-in")) {
    body->set("expires_in", parseInteger("--expires-in", *expires, 1, 366LL * 24 * 3600));
  }
  if (auto attempts = inv.option("--max-attempts")) {
    body->set("max_attempts", parseInteger("--max-attempts", *attempts, 1, 100));
  }
  std::ostringstream out;
  body->stringify(out);
  return out.str();
}

int taskCreate(Context& ctx, const Invocation& inv) {
  auto type = canonicalTaskType(inv.args[1]);
  if (!type) throw UsageError("unknown task type '" + inv.args[1] + "' (see acsctl --help)");
  TaskParameters parameters =
      buildTaskParameters(*type, inv.all("--param"), inv.option("--json-args"));
  if (!parameters.ok()) throw UsageError(parameters.error);
  return postTask(ctx, devicePath(inv.args[0]) + "/tasks",
                  taskBody(*type, parameters.json, inv.flag("--cr"), inv));
}

int shortcut(Context& ctx, const Invocation& inv, const std::string& type,
             const std::string& endpoint) {
  std::vector<std::string> params;
  if (auto key = inv.option("--command-key")) params.push_back("CommandKey=" + *key);
  TaskParameters parameters = buildTaskParameters(type, params, std::nullopt);
  if (!parameters.ok()) throw UsageError(parameters.error);
  return postTask(ctx, devicePath(inv.args[0]) + endpoint,
                  taskBody(type, parameters.json, !inv.flag("--no-cr"), inv));
}

int connectionRequest(Context& ctx, const Invocation& inv) {
  HttpReply reply = ctx.client.call("POST", devicePath(inv.args[0]) + "/connection-request", "");
  if (!reply.transport_error.empty()) {
    ctx.err << "acsctl: " << reply.transport_error << "\n";
    return kExitError;
  }
  Object body = parseObject(reply.body);
  Object outcome = body.isNull() ? Object() : body->getObject("connection_request");
  if (outcome.isNull()) {
    ctx.err << "acsctl: " << errorMessage(reply) << "\n";
    return kExitError;
  }
  if (ctx.json) {
    printJson(ctx, reply);
  } else if (reply.status < 400) {
    ctx.out << "connection request to " << inv.args[0] << ": ok - " << text(outcome, "message")
            << "\n";
  }
  if (reply.status >= 400) {
    ctx.err << "acsctl: connection request to " << inv.args[0]
            << " failed: " << text(outcome, "message") << " (HTTP " << text(outcome, "http_status")
            << ")\n";
    return kExitError;
  }
  return kExitOk;
}

std::string taskPath(const std::string& id) {
  parseInteger("TASK_ID", id, 1, std::numeric_limits<std::int64_t>::max());
  return "/api/tasks/" + id;
}

int taskShow(Context& ctx, const Invocation& inv) {
  auto reply = call(ctx, "GET", taskPath(inv.args[0]));
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object task = requireObject(ctx, *reply);
  if (task.isNull()) return kExitError;
  printTask(ctx, task);
  return kExitOk;
}

int taskCancel(Context& ctx, const Invocation& inv) {
  auto reply = call(ctx, "DELETE", taskPath(inv.args[0]));
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object task = requireObject(ctx, *reply);
  if (task.isNull()) return kExitError;
  ctx.out << "task " << text(task, "id") << " " << text(task, "status") << "\n";
  return kExitOk;
}

int exitCodeForStatus(const std::string& status) {
  if (status == "completed") return kExitOk;
  if (status == "faulted") return kExitFaulted;
  if (status == "failed") return kExitFailed;
  if (status == "expired") return kExitExpired;
  if (status == "cancelled") return kExitCancelled;
  return -1;  // not an end state
}

int taskWait(Context& ctx, const Invocation& inv) {
  const std::string path = taskPath(inv.args[0]);
  const auto timeout = std::chrono::seconds(
      parseInteger("--timeout", inv.option("--timeout").value_or("60"), 0, 7 * 24 * 3600));
  const auto interval = std::chrono::milliseconds(
      parseInteger("--interval-ms", inv.option("--interval-ms").value_or("500"), 10, 60000));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last_status;
  while (true) {
    auto reply = call(ctx, "GET", path);
    if (!reply) return kExitError;
    Object task = requireObject(ctx, *reply);
    if (task.isNull()) return kExitError;
    const std::string status = text(task, "status");
    const int code = exitCodeForStatus(status);
    if (code >= 0) {
      if (ctx.json) {
        printJson(ctx, *reply);
      } else {
        ctx.out << "task " << text(task, "id") << " " << status;
        if (!taskDetail(task).empty()) ctx.out << ": " << taskDetail(task);
        ctx.out << "\n";
      }
      return code;
    }
    if (!ctx.json && status != last_status)
      ctx.out << "task " << inv.args[0] << " " << status << "\n";
    last_status = status;
    if (std::chrono::steady_clock::now() + interval > deadline) {
      ctx.err << "acsctl: task " << inv.args[0] << " still " << status << " after "
              << timeout.count() << " s\n";
      return kExitTimeout;
    }
    std::this_thread::sleep_for(interval);
  }
}

int tasks(Context& ctx, const Invocation& inv) {
  std::string query;
  const std::pair<const char*, const char*> mapped[] = {{"--status", "status"},
                                                        {"--type", "type"},
                                                        {"--limit", "limit"},
                                                        {"--offset", "offset"},
                                                        {"--sort", "sort"}};
  for (const auto& [option, name] : mapped) {
    if (auto value = inv.option(option)) {
      if (std::string_view(option) == "--type") {
        auto type = canonicalTaskType(*value);
        if (!type) throw UsageError("--type: unknown task type '" + *value + "'");
        addQuery(query, name, *type);
      } else {
        addQuery(query, name, *value);
      }
    }
  }
  const std::string path =
      inv.args.empty() ? "/api/tasks" + query : devicePath(inv.args[0]) + "/tasks" + query;
  auto reply = call(ctx, "GET", path);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object page = requireObject(ctx, *reply);
  if (page.isNull()) return kExitError;
  std::vector<std::vector<std::string>> rows;
  Array items = page->getArray("items");
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    Object task = items->getObject(static_cast<unsigned>(i));
    rows.push_back({text(task, "id"), text(task, "device_id"), text(task, "task_type"),
                    text(task, "status"), text(task, "created_at"),
                    text(task, "attempts") + "/" + text(task, "max_attempts"), taskDetail(task)});
  }
  ctx.out << renderTable({"ID", "DEVICE", "TYPE", "STATUS", "CREATED", "ATTEMPTS", "DETAIL"}, rows);
  ctx.out << rows.size() << " of " << text(page, "total") << " tasks\n";
  return kExitOk;
}

// `stats --series`: informs and sessions per bucket (GET /api/stats/timeseries).
int statsSeries(Context& ctx, const Invocation& inv) {
  std::string query;
  if (auto minutes = inv.option("--minutes")) {
    addQuery(query, "minutes", std::to_string(parseInteger("--minutes", *minutes, 1, 1440)));
  }
  if (auto step = inv.option("--step")) {
    const std::int64_t seconds = parseInteger("--step", *step, 1, 86400);
    if (seconds != 60 && seconds != 300 && seconds != 900 && seconds != 3600) {
      throw UsageError("--step: expected 60, 300, 900 or 3600 (seconds), got '" + *step + "'");
    }
    addQuery(query, "step", std::to_string(seconds));
  }
  auto reply = call(ctx, "GET", "/api/stats/timeseries" + query);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object series = requireObject(ctx, *reply);
  if (series.isNull()) return kExitError;
  Array points = series->getArray("points");
  if (points.isNull()) {
    ctx.err << "acsctl: unexpected reply (no points)\n";
    return kExitError;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < points->size(); ++i) {
    Object point = points->getObject(static_cast<unsigned>(i));
    rows.push_back({text(point, "t"), text(point, "informs"), text(point, "sessions")});
  }
  ctx.out << renderTable({"BUCKET START", "INFORMS", "SESSIONS"}, rows);
  ctx.out << rows.size() << " buckets of " << text(series, "step_seconds") << " s\n";
  return kExitOk;
}

int stats(Context& ctx, const Invocation& inv) {
  if (inv.flag("--series")) return statsSeries(ctx, inv);
  if (inv.option("--minutes") || inv.option("--step")) {
    throw UsageError("--minutes and --step go with --series");
  }
  auto reply = call(ctx, "GET", "/api/stats");
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object s = requireObject(ctx, *reply);
  if (s.isNull()) return kExitError;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"devices", text(s, "devices_total")},
      {"online", text(s, "devices_online")},
      {"seen (last hour)", text(s, "devices_seen_last_hour")},
      {"sessions (last hour)", text(s, "sessions_last_hour")},
      {"active sessions", text(s, "active_sessions")},
      {"faults (last 24 h)", text(s, "faults_last_24h")},
      {"store", text(s, "store_backend")},
  };
  Object by_state = s->getObject("tasks_by_state");
  if (!by_state.isNull()) {
    for (const char* state :
         {"pending", "sent", "completed", "faulted", "failed", "cancelled", "expired"}) {
      fields.emplace_back(std::string("tasks ") + state, text(by_state, state));
    }
  }
  ctx.out << renderFields(fields);
  return kExitOk;
}

// --- Stored files (firmware the ACS serves to CPEs) ---------------------------------------------

std::string filePath(const std::string& name) { return "/api/files/" + percentEncode(name); }

int filesList(Context& ctx, const Invocation&) {
  auto reply = call(ctx, "GET", "/api/files");
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object list = requireObject(ctx, *reply);
  if (list.isNull()) return kExitError;
  Array items = list->getArray("items");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; !items.isNull() && i < items->size(); ++i) {
    Object file = items->getObject(static_cast<unsigned>(i));
    rows.push_back({text(file, "name"), text(file, "size"), text(file, "file_type"),
                    text(file, "uploaded_at"), shorten(text(file, "sha256"), 16),
                    text(file, "url")});
  }
  ctx.out << renderTable({"NAME", "SIZE", "FILE TYPE", "UPLOADED", "SHA256", "URL"}, rows);
  ctx.out << rows.size() << " files\n";
  return kExitOk;
}

int filesPut(Context& ctx, const Invocation& inv) {
  const std::string& local = inv.args[0];
  std::string name = inv.args.size() > 1 ? inv.args[1] : local.substr(local.rfind('/') + 1);
  if (name.empty()) throw UsageError("no file name: give NAME after PATH");
  std::ifstream in(local, std::ios::binary);
  if (!in) {
    ctx.err << "acsctl: cannot read '" << local << "'\n";
    return kExitError;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    ctx.err << "acsctl: reading '" << local << "' failed\n";
    return kExitError;
  }
  std::string query;
  if (auto type = inv.option("--file-type")) addQuery(query, "file_type", *type);
  HttpReply reply =
      ctx.client.call("PUT", filePath(name) + query, content.str(), "application/octet-stream");
  if (!reply.transport_error.empty() || reply.status >= 400) {
    ctx.err << "acsctl: " << errorMessage(reply) << "\n";
    return kExitError;
  }
  if (ctx.json) return printJson(ctx, reply);
  Object file = requireObject(ctx, reply);
  if (file.isNull()) return kExitError;
  ctx.out << (reply.status == 201 ? "stored " : "replaced ") << text(file, "name") << " ("
          << text(file, "size") << " bytes, sha256 " << text(file, "sha256") << ")\n"
          << "CPEs download it from " << text(file, "url") << "\n";
  return kExitOk;
}

int filesRemove(Context& ctx, const Invocation& inv) {
  auto reply = call(ctx, "DELETE", filePath(inv.args[0]));
  if (!reply) return kExitError;
  if (!ctx.json) ctx.out << "deleted " << inv.args[0] << "\n";
  return kExitOk;
}

int health(Context& ctx, const Invocation&) {
  HttpReply reply = ctx.client.call("GET", "/api/health", "");
  if (!reply.transport_error.empty()) {
    ctx.err << "acsctl: " << reply.transport_error << "\n";
    return kExitError;
  }
  if (ctx.json) {
    printJson(ctx, reply);
  } else {
    Object h = parseObject(reply.body);
    ctx.out << "status: " << text(h, "status") << " (store " << text(h, "store") << ")\n";
  }
  return reply.status == 200 ? kExitOk : kExitError;
}

int pageOf(Context& ctx, const Invocation& inv, const std::string& what,
           const std::vector<std::string>& headers,
           const std::function<std::vector<std::string>(const Object&)>& row) {
  std::string query;
  if (auto limit = inv.option("--limit")) addQuery(query, "limit", *limit);
  if (auto offset = inv.option("--offset")) addQuery(query, "offset", *offset);
  auto reply = call(ctx, "GET", devicePath(inv.args[0]) + "/" + what + query);
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  Object page = requireObject(ctx, *reply);
  if (page.isNull()) return kExitError;
  std::vector<std::vector<std::string>> rows;
  Array items = page->getArray("items");
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    rows.push_back(row(items->getObject(static_cast<unsigned>(i))));
  }
  ctx.out << renderTable(headers, rows);
  ctx.out << rows.size() << " of " << text(page, "total") << " " << what << "\n";
  return kExitOk;
}

int sessions(Context& ctx, const Invocation& inv) {
  return pageOf(ctx, inv, "sessions", {"ID", "STARTED", "ENDED", "EVENTS", "IN", "OUT", "OUTCOME"},
                [](const Object& s) -> std::vector<std::string> {
                  return {text(s, "id"),          text(s, "started_at"),  text(s, "ended_at"),
                          joinArray(s, "events"), text(s, "messages_in"), text(s, "messages_out"),
                          text(s, "outcome")};
                });
}

int faults(Context& ctx, const Invocation& inv) {
  return pageOf(ctx, inv, "faults", {"ID", "AT", "CODE", "MESSAGE", "TASK"},
                [](const Object& f) -> std::vector<std::string> {
                  return {text(f, "id"), text(f, "at"), text(f, "code"), text(f, "message"),
                          text(f, "task_id")};
                });
}

int tag(Context& ctx, const Invocation& inv, bool add) {
  auto reply = call(ctx, add ? "PUT" : "DELETE",
                    devicePath(inv.args[0]) + "/tags/" + percentEncode(inv.args[1]));
  if (!reply) return kExitError;
  if (ctx.json) {
    ctx.out << "{\"device_id\":\"" << inv.args[0] << "\",\"tag\":\"" << inv.args[1] << "\",\""
            << (add ? "added" : "removed") << "\":true}\n";
  } else {
    ctx.out << "tag " << inv.args[1] << (add ? " added to " : " removed from ") << inv.args[0]
            << "\n";
  }
  return kExitOk;
}

int capture(Context& ctx, const Invocation& inv) {
  const std::string& mode = inv.args[1];
  if (mode != "on" && mode != "off")
    throw UsageError("capture: expected on or off, got '" + mode + "'");
  auto reply = call(ctx, "PUT", devicePath(inv.args[0]) + "/capture",
                    std::string("{\"enabled\":") + (mode == "on" ? "true" : "false") + "}");
  if (!reply) return kExitError;
  if (ctx.json) return printJson(ctx, *reply);
  ctx.out << "capture " << mode << " for " << inv.args[0] << "\n";
  return kExitOk;
}

int captures(Context& ctx, const Invocation& inv) {
  std::string query;
  if (auto session = inv.option("--session")) addQuery(query, "session_id", *session);
  auto reply = call(ctx, "GET", devicePath(inv.args[0]) + "/captures" + query);
  if (!reply) return kExitError;
  // The capture file is the useful output either way (acs/doc/captures.md).
  return printJson(ctx, *reply);
}

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> kCommands = {
      {"devices list",
       0,
       0,
       {"--oui", "--product-class", "--software-version", "--tag", "--param", "--q", "--sort",
        "--limit", "--offset"},
       {"--online", "--offline"},
       "devices list [--online|--offline] [--oui X] [--product-class X] [--software-version X]\n"
       "               [--tag T] [--param NAME=VALUE] [--q TEXT] [--sort [-]FIELD] [--limit N]\n"
       "               [--offset N]",
       devicesList},
      {"devices show", 1, 1, {}, {}, "devices show ID", devicesShow},
      {"devices delete", 1, 1, {}, {}, "devices delete ID", devicesDelete},
      {"params", 1, 2, {}, {}, "params ID [PREFIX]", params},
      {"task create",
       2,
       2,
       {"--param", "--json-args", "--args", "--expires-in", "--max-attempts"},
       {"--cr"},
       "task create ID TYPE [--param K=V]... [--json '{...}'] [--cr] [--expires-in S]\n"
       "               [--max-attempts N]",
       taskCreate},
      {"task show", 1, 1, {}, {}, "task show TASK_ID", taskShow},
      {"task wait",
       1,
       1,
       {"--timeout", "--interval-ms"},
       {},
       "task wait TASK_ID [--timeout S] [--interval-ms N]",
       taskWait},
      {"task cancel", 1, 1, {}, {}, "task cancel TASK_ID", taskCancel},
      {"tasks",
       0,
       1,
       {"--status", "--type", "--limit", "--offset", "--sort"},
       {},
       "tasks [ID] [--status S] [--type T] [--sort [-]created_at] [--limit N] [--offset N]",
       tasks},
      {"reboot",
       1,
       1,
       {"--command-key", "--expires-in", "--max-attempts"},
       {"--no-cr"},
       "reboot ID [--command-key K] [--no-cr]",
       [](Context& ctx, const Invocation& inv) { return shortcut(ctx, inv, "Reboot", "/reboot"); }},
      {"factory-reset",
       1,
       1,
       {"--expires-in", "--max-attempts"},
       {"--no-cr"},
       "factory-reset ID [--no-cr]",
       [](Context& ctx, const Invocation& inv) {
         return shortcut(ctx, inv, "FactoryReset", "/factory-reset");
       }},
      {"cr", 1, 1, {}, {}, "cr ID                  (connection request)", connectionRequest},
      {"sessions",
       1,
       1,
       {"--limit", "--offset"},
       {},
       "sessions ID [--limit N] [--offset N]",
       sessions},
      {"faults", 1, 1, {"--limit", "--offset"}, {}, "faults ID [--limit N] [--offset N]", faults},
      {"tag add",
       2,
       2,
       {},
       {},
       "tag add ID TAG",
       [](Context& ctx, const Invocation& inv) { return tag(ctx, inv, true); }},
      {"tag remove",
       2,
       2,
       {},
       {},
       "tag remove ID TAG",
       [](Context& ctx, const Invocation& inv) { return tag(ctx, inv, false); }},
      {"capture", 2, 2, {}, {}, "capture ID on|off", capture},
      {"captures",
       1,
       1,
       {"--session"},
       {},
       "captures ID [--session SESSION_ID]   (JSON)",
       captures},
      {"stats",
       0,
       0,
       {"--minutes", "--step"},
       {"--series"},
       "stats [--series [--minutes N] [--step 60|300|900|3600]]",
       stats},
      {"files ls", 0, 0, {}, {}, "files ls", filesList},
      {"files put",
       1,
       2,
       {"--file-type"},
       {},
       "files put PATH [NAME] [--file-type T]   (NAME defaults to PATH's file name)",
       filesPut},
      {"files rm", 1, 1, {}, {}, "files rm NAME", filesRemove},
      {"health", 0, 0, {}, {}, "health", health},
  };
  return kCommands;
}

bool isGroupWord(std::string_view word) {
  return word == "devices" || word == "task" || word == "tag" || word == "files";
}

const CommandSpec* findCommand(const std::string& words) {
  for (const CommandSpec& spec : commands()) {
    if (spec.words == words) return &spec;
  }
  return nullptr;
}

bool contains(const std::vector<std::string_view>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string_view trimLeft(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
    text.remove_prefix(1);
  }
  return text;
}

}  // namespace

std::string acsctlUsage() {
  std::string text =
      "acsctl: command-line client of the cwmp-lab ACS REST API\n"
      "\n"
      "usage: acsctl [--url URL] [--api-key KEY] [--json] [--http-timeout S]\n"
      "              [--ca-file FILE | --insecure] COMMAND ...\n"
      "\n"
      "  --url URL          ACS base URL, http:// or https:// (default $ACS_URL, else\n"
      "                     http://127.0.0.1:7547)\n"
      "  --api-key KEY      API key, sent as Authorization: Bearer (default $ACS_API_KEY)\n"
      "  --json             print the API's JSON instead of tables (for scripts)\n"
      "  --http-timeout S   per-request timeout in seconds (default 10)\n"
      "  --ca-file FILE     https: trust the PEM certificate(s) in FILE instead of the system\n"
      "                     CAs, e.g. the ACS's self-signed certificate (default $ACS_CA_FILE)\n"
      "  --insecure         https: do not check the ACS's certificate at all\n"
      "\n"
      "commands:\n";
  for (const CommandSpec& spec : commands()) {
    text += "  ";
    text += spec.usage;
    text += '\n';
  }
  text +=
      "\n"
      "task types: GetParameterValues (gpv), SetParameterValues (spv), GetParameterNames (gpn),\n"
      "  GetParameterAttributes (gpa), SetParameterAttributes (spa), AddObject (add),\n"
      "  DeleteObject (delete), Reboot, FactoryReset (factory-reset), Download, Upload,\n"
      "  ScheduleInform, GetRPCMethods, GetAllQueuedTransfers, CancelTransfer,\n"
      "  ScheduleDownload, ChangeDUState (cdus), refresh\n"
      "\n"
      "--param forms (task create):\n"
      "  NAME=VALUE        an RPC argument, e.g. CommandKey=k1, DelaySeconds=30, URL=http://...\n"
      "  PATH=VALUE        SetParameterValues entry (xsd:string); PATH:TYPE=VALUE for another\n"
      "                    type, e.g. "
      "Device.ManagementServer.PeriodicInformInterval:unsignedInt=300;\n"
      "                    SetParameterAttributes: PATH=NOTIFICATION\n"
      "  PATH              GetParameterValues/GetParameterAttributes name; GetParameterNames and\n"
      "                    refresh path; AddObject/DeleteObject object name\n"
      "  --json '{...}'    the whole parameters object (merged before the --param items)\n"
      "\n"
      "exit codes: 0 ok (task wait: completed), 1 API or connection error, 2 usage error,\n"
      "  task wait: 3 faulted, 4 failed, 5 expired, 6 cancelled, 7 timed out\n";
  return text;
}

int runAcsctl(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              std::ostream& out, std::ostream& err) {
  ApiClientOptions client_options;
  if (auto it = env.find("ACS_URL"); it != env.end() && !it->second.empty()) {
    client_options.base_url = it->second;
  }
  if (auto it = env.find("ACS_API_KEY"); it != env.end()) client_options.api_key = it->second;
  if (auto it = env.find("ACS_CA_FILE"); it != env.end()) client_options.ca_file = it->second;
  bool json = false;
  bool help = false;
  bool ca_file_flag = false;  // --ca-file given (ACS_CA_FILE alone yields to --insecure)

  try {
    std::vector<std::string> words;
    const CommandSpec* spec = nullptr;
    Invocation inv;
    bool only_positional = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (only_positional || arg.size() < 2 || arg.rfind("--", 0) != 0) {
        if (arg == "-h") {
          help = true;
          continue;
        }
        if (spec == nullptr) {
          words.push_back(arg);
          std::string joined = words.size() == 1 ? words[0] : words[0] + " " + words[1];
          if (words.size() == 1 && isGroupWord(words[0])) continue;
          spec = findCommand(joined);
          if (spec == nullptr) throw UsageError("unknown command '" + joined + "'");
        } else {
          inv.args.push_back(arg);
        }
        continue;
      }
      if (arg == "--") {
        only_positional = true;
        continue;
      }
      const std::size_t eq = arg.find('=');
      const std::string name = arg.substr(0, eq);
      std::optional<std::string> inline_value;
      if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
      auto takeValue = [&]() -> std::string {
        if (inline_value) return *inline_value;
        if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
        return args[++i];
      };

      if (name == "--help") {
        help = true;
      } else if (name == "--url") {
        client_options.base_url = takeValue();
      } else if (name == "--api-key") {
        client_options.api_key = takeValue();
      } else if (name == "--ca-file") {
        client_options.ca_file = takeValue();
        ca_file_flag = true;
        if (client_options.ca_file.empty()) throw UsageError("--ca-file needs a file name");
      } else if (name == "--insecure") {
        if (inline_value) throw UsageError("--insecure takes no value");
        client_options.insecure = true;
      } else if (name == "--http-timeout") {
        client_options.timeout =
            std::chrono::seconds(parseInteger("--http-timeout", takeValue(), 1, 3600));
      } else if (name == "--json" && spec != nullptr && spec->words == "task create" &&
                 (inline_value ||
                  (i + 1 < args.size() && trimLeft(args[i + 1]).rfind('{', 0) == 0))) {
        // `task create ... --json '{...}'`: the task's parameters, not the output mode.
        inv.options.emplace("--json-args", takeValue());
      } else if (name == "--json") {
        if (inline_value) throw UsageError("--json takes no value here");
        json = true;
      } else if (spec == nullptr) {
        throw UsageError("unknown option " + name + " (options of a command go after it)");
      } else if (contains(spec->value_options, name)) {
        const std::string key = name == "--args" ? "--json-args" : name;
        inv.options.emplace(key, takeValue());
      } else if (contains(spec->flags, name)) {
        if (inline_value) throw UsageError(name + " takes no value");
        inv.flags.insert(name);
      } else {
        throw UsageError("unknown option " + name + " for '" + std::string(spec->words) + "'");
      }
    }
    if (help) {
      out << acsctlUsage();
      return kExitOk;
    }
    if (ca_file_flag && client_options.insecure) {
      throw UsageError("--ca-file and --insecure contradict each other: give one");
    }
    if (spec == nullptr) {
      if (words.empty()) throw UsageError("no command given");
      throw UsageError("'" + words[0] + "' needs a subcommand");
    }
    if (inv.args.size() < spec->min_args || inv.args.size() > spec->max_args) {
      throw UsageError("usage: acsctl " + std::string(spec->usage));
    }
    for (const auto& [name, value] : inv.options) {
      if (name != "--param" && inv.options.count(name) > 1) {
        throw UsageError(name + " given more than once");
      }
    }
    Context ctx{ApiClient(client_options), json, out, err};
    if (std::string problem = ctx.client.checkUrl(); !problem.empty()) {
      throw UsageError(problem);
    }
    return spec->run(ctx, inv);
  } catch (const UsageError& e) {
    err << "acsctl: " << e.what() << "\n(run 'acsctl --help' for the commands)\n";
    return kExitUsage;
  }
}

}  // namespace acs::cli
