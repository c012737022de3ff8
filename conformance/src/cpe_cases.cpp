// The CPE-mode cases: the harness plays the ACS for the device under test.
//
// Rules cite the checklist items of docs/cwmp-checklist.md and the TR-069 Amendment 6
// sections they come from; "[M]" marks items the checklist has not verified against the
// spec text. `defect` names the simulator quirk (cpe-sim --quirk) that breaks the rule, or
// "lax-cr-endpoint" for the test's Connection Request endpoint without authentication.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "cpe_harness.h"
#include "http_client.h"

#include "cwmp/codec.h"

namespace conformance {
namespace {

using cwmp::Fault;

bool isDirectChild(const std::string& path, const std::string& name) {
  if (name.size() <= path.size() || name.rfind(path, 0) != 0) return false;
  std::string rest = name.substr(path.size());
  if (rest.back() == '.') rest.pop_back();
  return !rest.empty() && rest.find('.') == std::string::npos;
}

const cwmp::ParameterValueStruct* findParam(const std::vector<cwmp::ParameterValueStruct>& list,
                                            const std::string& name) {
  for (const auto& p : list) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

cwmp::SetParameterValues spv(const std::string& name, const std::string& value,
                             const std::string& type, const std::string& key) {
  cwmp::SetParameterValues s;
  s.parameter_list.push_back({name, value, type});
  s.parameter_key = key;
  return s;
}

// A writable multi-instance object: --object, or the first the CPE lists as writable.
std::string writableTable(AcsSession& s, CaseContext& ctx) {
  if (!s.target().object_path.empty()) return s.target().object_path;
  cwmp::GetParameterNames gpn;
  gpn.parameter_path = s.target().root;
  gpn.next_level = false;
  auto r = s.callExpect<cwmp::GetParameterNamesResponse>("GetParameterNames (find a table)", gpn);
  for (const auto& p : r.parameter_list) {
    if (!p.writable || !p.name.ends_with('.')) continue;
    std::string last = p.name.substr(0, p.name.size() - 1);
    last = last.substr(last.rfind('.') + 1);
    auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
    if (!last.empty() && !std::all_of(last.begin(), last.end(), digit)) return p.name;
  }
  ctx.skip("the CPE lists no writable multi-instance object; name one with --object");
}

// Answers a session the CPE opened (InformResponse, own requests, 204) and returns it.
OpenedSession quietSession(AcsSession& s, const std::string& why, bool connection_request,
                           std::chrono::milliseconds timeout) {
  OpenedSession o = s.openAfter(why, connection_request, timeout);
  s.close();
  return o;
}

// Finishes sessions the CPE opened on its own (a boot, a retry) so that the next Inform is
// the one the case provokes, and makes sure the Connection Request URL is known.
void settle(AcsSession& s) {
  while (s.target().acs->waitForPost(std::chrono::milliseconds(0))) {
    quietSession(s, "a session the CPE opened itself", false, s.timeout());
  }
  if (s.target().cr_url.empty()) {
    quietSession(s, "the device's first session (learns its Connection Request URL)", false,
                 s.timeout());
  }
}

// The usual frame of a case: a session the harness opens (Connection Request, Inform,
// InformResponse, the CPE's empty POST), the case's exchanges, then 204.
std::function<void(CaseContext&)> inSession(std::function<void(AcsSession&, CaseContext&)> body) {
  return [body = std::move(body)](CaseContext& ctx) {
    AcsSession s(ctx);
    s.open();
    body(s, ctx);
    s.close();
  };
}

// --- Sessions, SOAP and Inform ------------------------------------------------------------

void addSessionCases(std::vector<Case>& out) {
  out.push_back({"CPE-SESS-01", "A session opens with an Inform carrying MaxEnvelopes 1",
                 "T-SESS-01, T-INF-04 (Amd 6 §3.7.1.1, A.3.3.1)", Level::Mandatory, Side::Cpe,
                 "defect=inform-max-envelopes", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   cwmp::Envelope env = s.awaitInform("session for the case", true, s.timeout());
                   const auto& inform = std::get<cwmp::Inform>(env.body);
                   ctx.require(inform.max_envelopes == 1, "Inform MaxEnvelopes must be 1, got " +
                                                              std::to_string(inform.max_envelopes));
                   ctx.require(!inform.event.empty(), "the Inform carries no event");
                   ctx.require(env.header.id.has_value(), "the Inform carries no cwmp:ID");
                   s.close();
                 }});
  out.push_back({"CPE-SESS-02", "After the InformResponse the CPE hands over with an empty POST",
                 "T-HTTP-01 (Amd 6 §3.7.1.2, 3.4.1)", Level::Mandatory, Side::Cpe,
                 "defect=no-empty-post", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   s.open();  // fails unless the POST after the InformResponse has no body
                   s.close();
                 }});
  out.push_back({"CPE-SESS-03", "Responses echo the cwmp:ID of the ACS request",
                 "T-SOAP-01 (Amd 6 §3.4.4, A.2.2.1)", Level::Mandatory, Side::Cpe,
                 "defect=id-not-echoed", inSession([](AcsSession& s, CaseContext& ctx) {
                   cwmp::Envelope r = s.call("GetRPCMethods", cwmp::GetRPCMethods{});
                   ctx.require(r.header.id == std::optional<std::string>("acs-1"),
                               "the response must echo cwmp:ID 'acs-1', it carries " +
                                   (r.header.id ? "'" + *r.header.id + "'" : std::string("none")));
                 })});
  out.push_back(
      {"CPE-SESS-04", "HTTP 204 ends the session: the next POST is a new session's Inform",
       "T-SESS-05 (Amd 6 §3.7.1.4)", Level::Mandatory, Side::Cpe, "defect=post-after-204",
       [](CaseContext& ctx) {
         AcsSession s(ctx);
         s.open();
         s.close();
         s.connectionRequest("Connection Request after the 204");
         CpePost post = s.receive("the Inform of the next session", s.timeout());
         auto env = post.body.empty() ? cwmp::Result<cwmp::Envelope>(cwmp::Envelope{})
                                      : cwmp::decodeEnvelope(post.body);
         ctx.require(!post.body.empty() && env && std::holds_alternative<cwmp::Inform>(env->body),
                     "after the ACS's 204 the CPE must end the session; its next POST must be "
                     "a new session's Inform, it sent " +
                         (post.body.empty() ? std::string("an empty POST")
                          : env             ? AcsSession::describe(env->body)
                                            : std::string("an undecodable body")));
         s.reply204("204 (ends the Connection Request session)");
       }});
  out.push_back(
      {"CPE-SESS-05", "An unknown ACS method gets fault 9000 and the session goes on",
       "4.3 unknown methods (Amd 6 A.3.1, A.5)", Level::Mandatory, Side::Cpe,
       "defect=unknown-method-dropped", inSession([](AcsSession& s, CaseContext& ctx) {
         s.replyRaw(
             "X_Unknown request",
             "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" "
             "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><SOAP-ENV:Header><cwmp:ID "
             "SOAP-ENV:mustUnderstand=\"1\">acs-x</cwmp:ID></SOAP-ENV:Header><SOAP-ENV:Body>"
             "<cwmp:X_ConformanceUnknownMethod/></SOAP-ENV:Body></SOAP-ENV:Envelope>");
         CpePost post = s.receive("the answer to an unknown method", s.timeout());
         cwmp::Envelope env = s.decode(post, "the answer to an unknown method");
         ctx.require(!std::holds_alternative<cwmp::Inform>(env.body),
                     "the CPE dropped the session on an unknown method and came back with a new "
                     "Inform; it must answer fault 9000 (Method not supported) and go on");
         const auto* f = std::get_if<Fault>(&env.body);
         ctx.require(f != nullptr && f->fault_code == 9000,
                     "an unknown method must get fault 9000 (Method not supported), the CPE "
                     "answered " +
                         AcsSession::describe(env.body));
         cwmp::GetRPCMethods again;
         s.callExpect<cwmp::GetRPCMethodsResponse>("GetRPCMethods after the fault", again);
       })});
  out.push_back({"CPE-INF-01", "The Inform carries the forced parameters",
                 "T-INF-01 (Amd 6 §3.7.1.1; TR-181/TR-098 forced Inform parameters)",
                 Level::Mandatory, Side::Cpe, "defect=omit-forced-parameter", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   OpenedSession o = s.open();
                   for (const char* name :
                        {"DeviceInfo.HardwareVersion", "DeviceInfo.SoftwareVersion",
                         "ManagementServer.ConnectionRequestURL",
                         "ManagementServer.ParameterKey"}) {
                     ctx.require(findParam(o.inform.parameter_list, s.full(name)) != nullptr,
                                 "the Inform lacks the forced parameter " + s.full(name));
                   }
                   s.close();
                 }});
  out.push_back({"CPE-INF-02", "The Inform's DeviceId matches the DeviceInfo parameters",
                 "T-INF-02 (Amd 6 A.3.3.1 DeviceIdStruct)", Level::Mandatory, Side::Cpe,
                 "defect=deviceid-mismatch", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   OpenedSession o = s.open();
                   std::string serial = s.value(s.full("DeviceInfo.SerialNumber"));
                   std::string oui = s.value(s.full("DeviceInfo.ManufacturerOUI"));
                   ctx.require(serial == o.inform.device_id.serial_number,
                               "DeviceId SerialNumber '" + o.inform.device_id.serial_number +
                                   "' differs from DeviceInfo.SerialNumber '" + serial + "'");
                   ctx.require(oui == o.inform.device_id.oui,
                               "DeviceId OUI '" + o.inform.device_id.oui +
                                   "' differs from DeviceInfo.ManufacturerOUI '" + oui + "'");
                   s.close();
                 }});
}

// --- RPCs ---------------------------------------------------------------------------------

void addRpcCases(std::vector<Case>& out) {
  out.push_back(
      {"CPE-RPC-01", "GetRPCMethods lists every RPC a CPE must support",
       "RPC table: the CPE's required methods (Amd 6 Table 5, A.3.1)", Level::Mandatory, Side::Cpe,
       "defect=rpc-list-incomplete", inSession([](AcsSession& s, CaseContext& ctx) {
         auto r = s.callExpect<cwmp::GetRPCMethodsResponse>("GetRPCMethods", cwmp::GetRPCMethods{});
         std::string missing;
         for (const char* m :
              {"GetRPCMethods", "SetParameterValues", "GetParameterValues", "GetParameterNames",
               "SetParameterAttributes", "GetParameterAttributes", "AddObject", "DeleteObject",
               "Reboot", "Download"}) {
           if (std::find(r.method_list.begin(), r.method_list.end(), m) == r.method_list.end()) {
             missing += std::string(missing.empty() ? "" : ", ") + m;
           }
         }
         ctx.require(missing.empty(), "GetRPCMethodsResponse lacks required methods: " + missing);
       })});
  out.push_back(
      {"CPE-GPV-01", "GetParameterValues returns typed values for full names and partial paths",
       "4.3 GetParameterValues (Amd 6 A.3.2.2)", Level::Mandatory, Side::Cpe,
       "rpc_fault=GetParameterValues:9002", inSession([](AcsSession& s, CaseContext& ctx) {
         cwmp::GetParameterValues gpv;
         const std::string leaf = s.full("DeviceInfo.SoftwareVersion");
         const std::string partial = s.full("ManagementServer.");
         gpv.parameter_names = {leaf, partial};
         auto r = s.callExpect<cwmp::GetParameterValuesResponse>("GetParameterValues", gpv);
         const auto* p = findParam(r.parameter_list, leaf);
         ctx.require(p != nullptr, "the response lacks " + leaf);
         ctx.require(!p->type.empty(), leaf + " came without an xsi:type");
         ctx.require(findParam(r.parameter_list, partial + "ParameterKey") != nullptr,
                     "the partial path " + partial + " did not return " + partial + "ParameterKey");
         for (const auto& v : r.parameter_list) {
           ctx.require(v.name == leaf || v.name.rfind(partial, 0) == 0,
                       "the response holds " + v.name + ", which was not asked for");
         }
       })});
  out.push_back({"CPE-GPV-02", "GetParameterValues of an unknown name gets fault 9005",
                 "4.3 GetParameterValues faults (Amd 6 A.3.2.2, A.5)", Level::Mandatory, Side::Cpe,
                 "defect=gpv-unknown-no-fault", inSession([](AcsSession& s, CaseContext& ctx) {
                   cwmp::GetParameterValues gpv;
                   gpv.parameter_names = {s.full("DeviceInfo.X_ConformanceNoSuchParameter")};
                   Fault f = s.callExpectFault("GetParameterValues of an unknown name", gpv);
                   ctx.require(f.fault_code == 9005,
                               "expected fault 9005, got " + std::to_string(f.fault_code));
                 })});
  out.push_back({"CPE-SPV-01", "SetParameterValues applies the value and sets the ParameterKey",
                 "T-INF-09, 4.3 SetParameterValues (Amd 6 A.3.2.1)", Level::Mandatory, Side::Cpe,
                 "defect=parameter-key-ignored", inSession([](AcsSession& s, CaseContext& ctx) {
                   const std::string name = s.full(s.target().spv_param);
                   const std::string value = s.unique("v");
                   const std::string key = s.unique("k");
                   auto r = s.callExpect<cwmp::SetParameterValuesResponse>(
                       "SetParameterValues", spv(name, value, "xsd:string", key));
                   ctx.require(r.status == 0 || r.status == 1,
                               "SetParameterValuesResponse Status must be 0 or 1, got " +
                                   std::to_string(r.status));
                   std::string now = s.value(name);
                   ctx.require(now == value,
                               name + " reads '" + now + "' after it was set to '" + value + "'");
                   std::string k = s.parameterKey();
                   ctx.require(k == key, "ParameterKey reads '" + k +
                                             "' after a successful SPV with key '" + key + "'");
                 })});
  out.push_back(
      {"CPE-SPV-02", "A SetParameterValues with one bad parameter changes nothing",
       "4.3 SPV atomicity [M] (Amd 6 A.3.2.1)", Level::Mandatory, Side::Cpe,
       "defect=spv-not-atomic", inSession([](AcsSession& s, CaseContext& ctx) {
         const std::string name = s.full(s.target().spv_param);
         const std::string before = s.value(name);
         cwmp::SetParameterValues req = spv(name, s.unique("v"), "xsd:string", s.unique("k"));
         req.parameter_list.push_back(
             {s.full("DeviceInfo.X_ConformanceNoSuchParameter"), "1", "xsd:string"});
         Fault f = s.callExpectFault("SetParameterValues with one unknown parameter", req);
         ctx.require(f.fault_code == 9003, "expected fault 9003 (Invalid arguments), got " +
                                               std::to_string(f.fault_code));
         std::string after = s.value(name);
         ctx.require(after == before, "the faulty SetParameterValues changed " + name + " from '" +
                                          before + "' to '" + after +
                                          "': it must be all or nothing");
       })});
  out.push_back({"CPE-SPV-03",
                 "Fault 9003 of SetParameterValues lists each bad parameter with its code",
                 "4.3 SetParameterValuesFault (Amd 6 A.3.2.1, A.5)", Level::Mandatory, Side::Cpe,
                 "defect=spv-no-parameter-faults", inSession([](AcsSession& s, CaseContext& ctx) {
                   cwmp::SetParameterValues req;
                   const std::string unknown = s.full("DeviceInfo.X_ConformanceNoSuchParameter");
                   const std::string readonly = s.full("DeviceInfo.SoftwareVersion");
                   const std::string badvalue = s.full("ManagementServer.PeriodicInformInterval");
                   req.parameter_list = {{unknown, "1", "xsd:string"},
                                         {readonly, "0.0", "xsd:string"},
                                         {badvalue, "not-a-number", "xsd:unsignedInt"}};
                   req.parameter_key = s.unique("k");
                   Fault f = s.callExpectFault("SetParameterValues with three bad parameters", req);
                   ctx.require(f.fault_code == 9003,
                               "expected fault 9003, got " + std::to_string(f.fault_code));
                   auto code = [&](const std::string& n) -> std::uint32_t {
                     for (const auto& e : f.set_parameter_values_fault) {
                       if (e.parameter_name == n) return e.fault_code;
                     }
                     return 0;
                   };
                   ctx.require(code(unknown) == 9005, "SetParameterValuesFault for " + unknown +
                                                          " must be 9005, got " +
                                                          std::to_string(code(unknown)));
                   ctx.require(code(readonly) == 9008, "SetParameterValuesFault for " + readonly +
                                                           " must be 9008, got " +
                                                           std::to_string(code(readonly)));
                   ctx.require(code(badvalue) == 9006 || code(badvalue) == 9007,
                               "SetParameterValuesFault for " + badvalue +
                                   " must be 9006 or 9007, got " + std::to_string(code(badvalue)));
                 })});
  out.push_back({"CPE-SPV-04", "A faulty SetParameterValues leaves the ParameterKey unchanged",
                 "T-INF-09, 4.3 ParameterKey [M] (Amd 6 A.3.2.1)", Level::Mandatory, Side::Cpe,
                 "defect=parameter-key-on-fault", inSession([](AcsSession& s, CaseContext& ctx) {
                   const std::string before = s.parameterKey();
                   const std::string key = s.unique("k");
                   s.callExpectFault("SetParameterValues of an unknown parameter",
                                     spv(s.full("DeviceInfo.X_ConformanceNoSuchParameter"), "1",
                                         "xsd:string", key));
                   std::string after = s.parameterKey();
                   ctx.require(after == before, "ParameterKey changed from '" + before + "' to '" +
                                                    after +
                                                    "' although the SetParameterValues failed");
                 })});
  out.push_back(
      {"CPE-GPN-01", "GetParameterNames with NextLevel true lists only the direct children",
       "4.3 GetParameterNames NextLevel (Amd 6 A.3.2.3)", Level::Mandatory, Side::Cpe,
       "defect=gpn-next-level-ignored", inSession([](AcsSession& s, CaseContext& ctx) {
         cwmp::GetParameterNames gpn;
         gpn.parameter_path = s.full("DeviceInfo.");
         gpn.next_level = true;
         auto r =
             s.callExpect<cwmp::GetParameterNamesResponse>("GetParameterNames NextLevel=true", gpn);
         ctx.require(!r.parameter_list.empty(), "no children listed for " + gpn.parameter_path);
         for (const auto& p : r.parameter_list) {
           ctx.require(isDirectChild(gpn.parameter_path, p.name),
                       p.name + " is not a direct child of " + gpn.parameter_path +
                           " (NextLevel true lists the next level only)");
         }
       })});
  out.push_back({"CPE-GPN-02",
                 "GetParameterNames NextLevel false: the whole subtree; a full name: 9003 "
                 "with NextLevel true",
                 "4.3 GetParameterNames NextLevel (Amd 6 A.3.2.3)", Level::Mandatory, Side::Cpe,
                 "rpc_fault=GetParameterNames:9002", inSession([](AcsSession& s, CaseContext& ctx) {
                   cwmp::GetParameterNames gpn;
                   gpn.parameter_path = s.full("ManagementServer.");
                   gpn.next_level = false;
                   auto r = s.callExpect<cwmp::GetParameterNamesResponse>(
                       "GetParameterNames NextLevel=false", gpn);
                   bool key = false;
                   for (const auto& p : r.parameter_list) {
                     ctx.require(p.name.rfind(gpn.parameter_path, 0) == 0,
                                 p.name + " is outside " + gpn.parameter_path);
                     key = key || p.name == gpn.parameter_path + "ParameterKey";
                   }
                   ctx.require(key, "the subtree of " + gpn.parameter_path + " lacks ParameterKey");
                   cwmp::GetParameterNames leaf;
                   leaf.parameter_path = gpn.parameter_path + "ParameterKey";
                   leaf.next_level = true;
                   Fault f =
                       s.callExpectFault("GetParameterNames NextLevel=true on a parameter", leaf);
                   ctx.require(f.fault_code == 9003,
                               "NextLevel true on a full parameter name must get 9003, "
                               "got " +
                                   std::to_string(f.fault_code));
                 })});
}

// --- Events -------------------------------------------------------------------------------

// TR-069 Table 7: "N NAME" standard events, "M Method" method events, "X OUI NAME" vendor.
bool wellFormedEvent(const std::string& code) {
  static const char* kStandard[] = {"0 BOOTSTRAP",
                                    "1 BOOT",
                                    "2 PERIODIC",
                                    "3 SCHEDULED",
                                    "4 VALUE CHANGE",
                                    "5 KICKED",
                                    "6 CONNECTION REQUEST",
                                    "7 TRANSFER COMPLETE",
                                    "8 DIAGNOSTICS COMPLETE",
                                    "9 REQUEST DOWNLOAD",
                                    "10 AUTONOMOUS TRANSFER COMPLETE",
                                    "11 DU STATE CHANGE COMPLETE",
                                    "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
                                    "13 WAKEUP",
                                    "14 HEARTBEAT"};
  for (const char* s : kStandard) {
    if (code == s) return true;
  }
  if (code.rfind("M ", 0) == 0) return code.size() > 2 && code.find(' ', 2) == std::string::npos;
  if (code.rfind("X ", 0) == 0) {
    std::size_t space = code.find(' ', 2);
    return space != std::string::npos && space > 2 && space + 1 < code.size();
  }
  return false;
}

void addEventCases(std::vector<Case>& out) {
  out.push_back(
      {"CPE-EVT-01", "Inform events are well-formed and single events appear once",
       "T-EVT-02, T-EVT-06 (Amd 6 A.3.3.1, Table 7)", Level::Mandatory, Side::Cpe,
       "defect=duplicate-event", [](CaseContext& ctx) {
         AcsSession s(ctx);
         settle(s);
         s.connectionRequest("Connection Request");
         OpenedSession o = s.openAfter("the Connection Request session", false, s.timeout());
         std::vector<std::string> seen;
         for (const auto& e : o.inform.event) {
           ctx.require(wellFormedEvent(e.event_code), "EventCode '" + e.event_code +
                                                          "' is neither a Table 7 event nor "
                                                          "'M <method>' nor 'X <OUI> <name>'");
           if (e.event_code.rfind("M ", 0) != 0) {
             ctx.require(std::find(seen.begin(), seen.end(), e.event_code) == seen.end(),
                         "the Inform carries '" + e.event_code + "' twice (" +
                             AcsSession::events(o.inform) + ")");
             seen.push_back(e.event_code);
           }
         }
         s.close();
       }});
  out.push_back(
      {"CPE-EVT-02", "ScheduleInform: a later session with 3 SCHEDULED and M ScheduleInform",
       "T-EVT-01, 4.3 ScheduleInform (Amd 6 A.4.1.4, Table 7)", Level::Optional, Side::Cpe,
       "omit_event=M ScheduleInform", inSession([](AcsSession& s, CaseContext& ctx) {
         auto methods =
             s.callExpect<cwmp::GetRPCMethodsResponse>("GetRPCMethods", cwmp::GetRPCMethods{});
         if (std::find(methods.method_list.begin(), methods.method_list.end(), "ScheduleInform") ==
             methods.method_list.end()) {
           ctx.skip("the CPE does not list ScheduleInform");
         }
         cwmp::ScheduleInform si;
         si.delay_seconds = 1;
         si.command_key = s.unique("si");
         s.callExpect<cwmp::ScheduleInformResponse>("ScheduleInform DelaySeconds=1", si);
         s.close();
         OpenedSession o = s.openAfter("the scheduled session", false, s.target().slow_timeout);
         ctx.require(
             AcsSession::hasEvent(o.inform, "3 SCHEDULED"),
             "the scheduled Inform carries " + AcsSession::events(o.inform) + ", not 3 SCHEDULED");
         ctx.require(AcsSession::hasEvent(o.inform, "M ScheduleInform", si.command_key),
                     "the scheduled Inform carries " + AcsSession::events(o.inform) +
                         ", not M ScheduleInform with CommandKey '" + si.command_key + "'");
       })});
}

// --- Attributes and notification ----------------------------------------------------------

cwmp::SetParameterAttributes spa(const std::string& name, int notification) {
  cwmp::SetParameterAttributes a;
  cwmp::SetParameterAttributesStruct one;
  one.name = name;
  one.notification_change = true;
  one.notification = notification;
  a.parameter_list.push_back(one);
  return a;
}

std::string flipped(const std::string& boolean) {
  return boolean == "true" || boolean == "1" ? "false" : "true";
}

void addNotificationCases(std::vector<Case>& out) {
  out.push_back(
      {"CPE-NOT-04", "Turning off the forced active notification of SoftwareVersion gets 9009",
       "T-NOT-04 (Amd 6 A.3.2.4; TR-106 forced active notification)", Level::Mandatory, Side::Cpe,
       "defect=spa-no-deny", inSession([](AcsSession& s, CaseContext& ctx) {
         Fault f = s.callExpectFault("SetParameterAttributes SoftwareVersion Notification=0",
                                     spa(s.full("DeviceInfo.SoftwareVersion"), 0));
         ctx.require(f.fault_code == 9009,
                     "expected fault 9009 (Notification request rejected), "
                     "got " +
                         std::to_string(f.fault_code));
       })});
  out.push_back(
      {"CPE-NOT-01", "SetParameterAttributes is kept: GetParameterAttributes reads it back",
       "4.3 SPA/GPA (Amd 6 A.3.2.4, A.3.2.5)", Level::Mandatory, Side::Cpe, "defect=spa-ignored",
       inSession([](AcsSession& s, CaseContext& ctx) {
         const std::string name = s.full(s.target().notify_param);
         s.callExpect<cwmp::SetParameterAttributesResponse>("SetParameterAttributes Notification=2",
                                                            spa(name, 2));
         cwmp::GetParameterAttributes gpa;
         gpa.parameter_names = {name};
         auto r = s.callExpect<cwmp::GetParameterAttributesResponse>("GetParameterAttributes", gpa);
         ctx.require(r.parameter_list.size() == 1 && r.parameter_list[0].name == name,
                     "GetParameterAttributes of " + name + " must return exactly that parameter");
         ctx.require(r.parameter_list[0].notification == 2,
                     "Notification of " + name + " reads " +
                         std::to_string(r.parameter_list[0].notification) + " after SPA set 2");
         s.callExpect<cwmp::SetParameterAttributesResponse>("SetParameterAttributes Notification=0",
                                                            spa(name, 0));
       })});
  out.push_back(
      {"CPE-NOT-02", "A value changed on the device is reported with 4 VALUE CHANGE and its value",
       "T-NOT-01, T-NOT-02, T-INF-07 (Amd 6 §3.2.1, A.3.3.1)", Level::Mandatory, Side::Cpe,
       "omit_event=4 VALUE CHANGE", [](CaseContext& ctx) {
         AcsSession s(ctx);
         if (!s.target().change_value) {
           ctx.skip("no way to change a value on the device (--change-cmd)");
         }
         s.open();
         const std::string name = s.full(s.target().notify_param);
         const std::string value = flipped(s.value(name));
         s.callExpect<cwmp::SetParameterAttributesResponse>("SetParameterAttributes Notification=2",
                                                            spa(name, 2));
         s.close();
         std::string error = s.target().change_value(name, value);
         if (!error.empty()) ctx.fail("changing " + name + " on the device failed: " + error);
         // Active notification opens a session by itself; otherwise the change must be in the
         // next Inform, which a Connection Request brings (open() sends one when no POST
         // is waiting).
         s.target().acs->waitForPost(s.target().notify_wait);
         OpenedSession o;
         o = s.open("session after the value change");
         ctx.require(AcsSession::hasEvent(o.inform, "4 VALUE CHANGE"),
                     "the Inform after " + name + " changed (Notification 2) carries " +
                         AcsSession::events(o.inform) + ", not 4 VALUE CHANGE");
         const auto* p = findParam(o.inform.parameter_list, name);
         ctx.require(p != nullptr && p->value == value,
                     "the 4 VALUE CHANGE Inform must carry " + name + " = '" + value + "'");
         s.callExpect<cwmp::SetParameterAttributesResponse>("SetParameterAttributes Notification=0",
                                                            spa(name, 0));
         s.close();
       }});
  out.push_back({"CPE-NOT-03", "A value the ACS sets raises no 4 VALUE CHANGE",
                 "T-SESS-11, T-NOT-03 (Amd 6 A.3.2.4)", Level::Mandatory, Side::Cpe,
                 "defect=notify-acs-change", inSession([](AcsSession& s, CaseContext& ctx) {
                   const std::string name = s.full(s.target().notify_param);
                   const std::string value = flipped(s.value(name));
                   s.callExpect<cwmp::SetParameterAttributesResponse>(
                       "SetParameterAttributes Notification=2", spa(name, 2));
                   s.callExpect<cwmp::SetParameterValuesResponse>(
                       "SetParameterValues of the notified parameter",
                       spv(name, value, "xsd:boolean", s.unique("k")));
                   s.close();
                   OpenedSession o = s.open("next session");
                   ctx.require(findParam(o.inform.parameter_list, name) == nullptr,
                               "the next Inform reports " + name + " (" +
                                   AcsSession::events(o.inform) +
                                   ") although only the ACS changed it");
                   s.callExpect<cwmp::SetParameterAttributesResponse>(
                       "SetParameterAttributes Notification=0", spa(name, 0));
                 })});
}

// --- Objects ------------------------------------------------------------------------------

void addObjectCases(std::vector<Case>& out) {
  out.push_back({"CPE-OBJ-01", "AddObject creates an instance and sets the ParameterKey",
                 "4.3 AddObject (Amd 6 A.3.2.6)", Level::Mandatory, Side::Cpe,
                 "rpc_fault=AddObject:9002", inSession([](AcsSession& s, CaseContext& ctx) {
                   const std::string table = writableTable(s, ctx);
                   cwmp::AddObject add;
                   add.object_name = table;
                   add.parameter_key = s.unique("k");
                   auto r = s.callExpect<cwmp::AddObjectResponse>("AddObject " + table, add);
                   ctx.require(r.instance_number >= 1,
                               "AddObjectResponse InstanceNumber must be >= 1");
                   const std::string instance = table + std::to_string(r.instance_number) + ".";
                   cwmp::GetParameterNames gpn;
                   gpn.parameter_path = instance;
                   gpn.next_level = true;
                   s.callExpect<cwmp::GetParameterNamesResponse>(
                       "GetParameterNames of the new instance", gpn);
                   std::string key = s.parameterKey();
                   ctx.require(key == add.parameter_key, "ParameterKey reads '" + key +
                                                             "' after AddObject with key '" +
                                                             add.parameter_key + "'");
                   cwmp::DeleteObject del;
                   del.object_name = instance;
                   del.parameter_key = s.unique("k");
                   s.callExpect<cwmp::DeleteObjectResponse>("DeleteObject (clean up)", del);
                 })});
  out.push_back(
      {"CPE-OBJ-02", "DeleteObject removes the instance: its names then get 9005",
       "4.3 DeleteObject (Amd 6 A.3.2.7)", Level::Mandatory, Side::Cpe,
       "defect=delete-object-ignored", inSession([](AcsSession& s, CaseContext& ctx) {
         const std::string table = writableTable(s, ctx);
         cwmp::AddObject add;
         add.object_name = table;
         add.parameter_key = s.unique("k");
         auto r = s.callExpect<cwmp::AddObjectResponse>("AddObject " + table, add);
         const std::string instance = table + std::to_string(r.instance_number) + ".";
         cwmp::DeleteObject del;
         del.object_name = instance;
         del.parameter_key = s.unique("k");
         auto d = s.callExpect<cwmp::DeleteObjectResponse>("DeleteObject " + instance, del);
         ctx.require(d.status == 0 || d.status == 1, "DeleteObjectResponse Status must be 0 or 1");
         cwmp::GetParameterNames gpn;
         gpn.parameter_path = instance;
         gpn.next_level = true;
         cwmp::Envelope env = s.call("GetParameterNames of the deleted instance", gpn);
         const auto* f = std::get_if<Fault>(&env.body);
         ctx.require(f != nullptr && f->fault_code == 9005,
                     "the deleted instance " + instance +
                         " must be gone (fault 9005), the CPE "
                         "answered " +
                         AcsSession::describe(env.body));
       })});
}

// --- Connection Request and retry ----------------------------------------------------------

void addConnectionCases(std::vector<Case>& out) {
  out.push_back(
      {"CPE-CR-01", "A Connection Request needs HTTP Digest authentication",
       "T-CR-01, T-CR-02, T-CR-03 (Amd 6 §3.2.2)", Level::Mandatory, Side::Cpe, "lax-cr-endpoint",
       [](CaseContext& ctx) {
         AcsSession s(ctx);
         if (s.target().cr_username.empty()) {
           ctx.skip("the Connection Request credentials are not known (--cr-user, --cr-password)");
         }
         settle(s);
         HttpRequestOptions get;
         get.method = "GET";
         get.content_type = "";
         {
           HttpClient anonymous(s.target().cr_url, ctx.exchanges(), s.timeout());
           HttpResponse r = anonymous.send("Connection Request without credentials", "", get);
           ctx.require(r.status == 401,
                       "a Connection Request without credentials must get 401, "
                       "got HTTP " +
                           std::to_string(r.status));
           std::string challenge = r.header("WWW-Authenticate").value_or("");
           ctx.require(
               challenge.rfind("Digest", 0) == 0,
               "the 401 must carry a Digest challenge, WWW-Authenticate is '" + challenge + "'");
         }
         {
           HttpClient wrong(s.target().cr_url, ctx.exchanges(), s.timeout());
           wrong.setCredentials(s.target().cr_username, s.target().cr_password + "-wrong");
           HttpResponse r = wrong.send("Connection Request with a wrong password", "", get);
           ctx.require(r.status == 401,
                       "a wrong password must get 401, got HTTP " + std::to_string(r.status));
         }
         s.connectionRequest("Connection Request with the right credentials");
         quietSession(s, "the session the Connection Request asked for", false, s.timeout());
       }});
  out.push_back({"CPE-CR-02", "A Connection Request session reports 6 CONNECTION REQUEST",
                 "T-CR-03, 6.1 events (Amd 6 §3.2.2, Table 7)", Level::Mandatory, Side::Cpe,
                 "omit_event=6 CONNECTION REQUEST", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   settle(s);
                   s.connectionRequest("Connection Request");
                   OpenedSession o =
                       s.openAfter("the Connection Request session", false, s.timeout());
                   ctx.require(AcsSession::hasEvent(o.inform, "6 CONNECTION REQUEST"),
                               "the Inform after a Connection Request carries " +
                                   AcsSession::events(o.inform) + ", not 6 CONNECTION REQUEST");
                   s.close();
                 }});
  out.push_back(
      {"CPE-RETRY-01", "Fault 8005 to the Inform: the CPE retries with RetryCount raised",
       "T-SESS-08, T-INF-08, 3.4.2 [M] (Amd 6 §3.2.1.1, A.3.3.1)", Level::Mandatory, Side::Cpe,
       "defect=retry-count-frozen", [](CaseContext& ctx) {
         AcsSession s(ctx);
         cwmp::Envelope env = s.awaitInform("session for the case", true, s.timeout());
         cwmp::Envelope fault;
         fault.ns = env.ns;
         fault.header.id = env.header.id;
         fault.body = cwmp::makeFault(8005, "Retry request");
         s.reply("Fault 8005 to the Inform", fault);
         OpenedSession o = s.openAfter("the retried Inform", false, s.target().slow_timeout);
         ctx.require(o.inform.retry_count >= 1,
                     "the Inform retried after fault 8005 must carry RetryCount >= 1, it carries " +
                         std::to_string(o.inform.retry_count));
         s.close();
       }});
}

// --- Transfers, reboot, factory reset ------------------------------------------------------

struct DownloadRun {
  cwmp::DownloadResponse response;
  OpenedSession completion;  // the session with the TransferComplete
  std::string command_key;
  std::string file;
};

DownloadRun runDownload(AcsSession& s, CaseContext& ctx, bool present) {
  DownloadRun run;
  s.open();
  run.file = s.unique("config") + ".cfg";
  const std::string content = "# conformance configuration file\nkey=" + run.file + "\n";
  if (present) s.target().files->put(run.file, content);
  run.command_key = s.unique("dl");
  cwmp::Download d;
  d.command_key = run.command_key;
  d.file_type = "3 Vendor Configuration File";
  d.url = s.target().fileUrl(run.file);
  d.file_size = present ? static_cast<std::uint32_t>(content.size()) : 0;
  d.delay_seconds = 0;
  run.response = s.callExpect<cwmp::DownloadResponse>("Download " + d.url, d);
  ctx.require(run.response.status == 0 || run.response.status == 1,
              "DownloadResponse Status must be 0 or 1, got " + std::to_string(run.response.status));
  s.close();
  if (run.response.status == 1) {
    run.completion = s.openAfter("the TransferComplete session", false, s.target().slow_timeout);
    s.close();
  }
  return run;
}

const cwmp::TransferComplete* completionFor(const DownloadRun& run) {
  for (const auto& tc : run.completion.transfer_completes) {
    if (tc.command_key == run.command_key) return &tc;
  }
  return nullptr;
}

void addTransferCases(std::vector<Case>& out) {
  out.push_back(
      {"CPE-XFER-01", "Download: the file is fetched and TransferComplete reports success",
       "T-XFER-01 (Amd 6 A.3.2.8, A.3.3.2)", Level::Mandatory, Side::Cpe, "download_fault=9010",
       [](CaseContext& ctx) {
         AcsSession s(ctx);
         DownloadRun run = runDownload(s, ctx, true);
         ctx.require(s.target().files->requests(run.file) >= 1,
                     "the CPE never fetched " + s.target().fileUrl(run.file));
         if (run.response.status == 0) return;  // applied within the session: no TC
         const auto* tc = completionFor(run);
         ctx.require(tc != nullptr,
                     "no TransferComplete with CommandKey '" + run.command_key +
                         "' arrived (Inform: " + AcsSession::events(run.completion.inform) + ")");
         ctx.require(tc->fault_struct.fault_code == 0,
                     "TransferComplete reports fault " +
                         std::to_string(tc->fault_struct.fault_code) + " (" +
                         tc->fault_struct.fault_string + ") for a download that was served");
       }});
  out.push_back({"CPE-XFER-02",
                 "The TransferComplete session carries 7 TRANSFER COMPLETE and M Download",
                 "T-EVT-01, 6.1 events (Amd 6 Table 7)", Level::Mandatory, Side::Cpe,
                 "omit_event=M Download", [](CaseContext& ctx) {
                   AcsSession s(ctx);
                   DownloadRun run = runDownload(s, ctx, true);
                   if (run.response.status == 0)
                     ctx.skip("the CPE applied the download within the session");
                   const cwmp::Inform& inform = run.completion.inform;
                   ctx.require(AcsSession::hasEvent(inform, "7 TRANSFER COMPLETE"),
                               "the TransferComplete session's Inform carries " +
                                   AcsSession::events(inform) + ", not 7 TRANSFER COMPLETE");
                   ctx.require(AcsSession::hasEvent(inform, "M Download", run.command_key),
                               "the Inform carries " + AcsSession::events(inform) +
                                   ", not M Download with CommandKey '" + run.command_key + "'");
                 }});
  out.push_back(
      {"CPE-XFER-03", "A download of a missing file is reported with a fault in TransferComplete",
       "T-XFER-02 (Amd 6 A.3.3.2, A.5: 9010/9016)", Level::Mandatory, Side::Cpe,
       "defect=transfer-failure-hidden", [](CaseContext& ctx) {
         AcsSession s(ctx);
         DownloadRun run = runDownload(s, ctx, false);
         ctx.require(run.response.status == 1,
                     "a download of a missing file cannot have completed (Status 0)");
         const auto* tc = completionFor(run);
         ctx.require(tc != nullptr,
                     "no TransferComplete with CommandKey '" + run.command_key + "' arrived");
         ctx.require(tc->fault_struct.fault_code >= 9010 && tc->fault_struct.fault_code <= 9020,
                     "the download of a missing file (HTTP 404) must end in a transfer fault "
                     "(9010 or 9016), TransferComplete reports " +
                         std::to_string(tc->fault_struct.fault_code));
       }});
  out.push_back(
      {"CPE-SESS-06", "HoldRequests true holds back the CPE's TransferComplete until cleared",
       "T-SOAP-04, T-SESS-03 (Amd 6 A.4.2.2)", Level::Mandatory, Side::Cpe,
       "defect=hold-requests-ignored", [](CaseContext& ctx) {
         AcsSession s(ctx);
         s.open();
         const std::string file = s.unique("config") + ".cfg";
         s.target().files->put(file, "# conformance configuration file\n");
         cwmp::Download d;
         d.command_key = s.unique("dl");
         d.file_type = "3 Vendor Configuration File";
         d.url = s.target().fileUrl(file);
         auto r = s.callExpect<cwmp::DownloadResponse>("Download " + d.url, d);
         if (r.status != 1) ctx.skip("the CPE applied the download within the session");
         s.close();
         cwmp::Envelope inform =
             s.awaitInform("the TransferComplete session", false, s.target().slow_timeout);
         cwmp::Envelope held;
         held.ns = inform.ns;
         held.header.id = inform.header.id;
         held.header.hold_requests = true;
         held.body = cwmp::InformResponse{};
         s.reply("InformResponse with HoldRequests true", held);
         CpePost post = s.receive("the empty POST (requests are held)", s.timeout());
         if (!post.body.empty()) {
           cwmp::Envelope sent = s.decode(post, "the POST after HoldRequests true");
           ctx.fail("the CPE sent " + AcsSession::describe(sent.body) +
                    " although the InformResponse said HoldRequests true; it must send the "
                    "empty POST and hold its requests");
         }
         // 204 clears HoldRequests: the TransferComplete may follow now or in a later session.
         s.reply204("204 (HoldRequests no longer in force)");
         std::vector<cwmp::TransferComplete> seen;
         if (s.target().acs->waitForPost(s.timeout())) {
           CpePost next = s.receive("the CPE's TransferComplete", s.timeout());
           if (!next.body.empty()) {
             cwmp::Envelope env = s.decode(next, "the POST after the 204");
             if (const auto* tc = std::get_if<cwmp::TransferComplete>(&env.body)) {
               seen.push_back(*tc);
               cwmp::Envelope ack;
               ack.ns = env.ns;
               ack.header.id = env.header.id;
               ack.body = cwmp::TransferCompleteResponse{};
               s.reply("TransferCompleteResponse", ack);
               s.receive("the empty POST", s.timeout());
               s.close();
             } else if (std::holds_alternative<cwmp::Inform>(env.body)) {
               s.reply204("204 to a new Inform (taken again below)");
             } else {
               s.close();
             }
           } else {
             s.close();
           }
         }
         if (seen.empty()) {
           OpenedSession later = s.open("a later session for the held TransferComplete");
           seen = later.transfer_completes;
           s.close();
         }
         bool delivered = std::any_of(seen.begin(), seen.end(), [&](const auto& tc) {
           return tc.command_key == d.command_key;
         });
         ctx.require(delivered, "the held TransferComplete with CommandKey '" + d.command_key +
                                    "' never came once HoldRequests was cleared");
       }});
  out.push_back({"CPE-XFER-04", "Download of a URL scheme the CPE cannot fetch gets fault 9013",
                 "T-XFER-04 (Amd 6 A.3.2.8, A.5)", Level::Optional, Side::Cpe,
                 "defect=transfer-scheme-unchecked", inSession([](AcsSession& s, CaseContext& ctx) {
                   cwmp::Download d;
                   d.command_key = s.unique("dl");
                   d.file_type = "3 Vendor Configuration File";
                   d.url = "gopher://" + s.target().fileUrl("none.cfg").substr(7);
                   Fault f = s.callExpectFault("Download of a gopher:// URL", d);
                   ctx.require(f.fault_code == 9013,
                               "expected fault 9013 (Unsupported protocol for file "
                               "transfer), got " +
                                   std::to_string(f.fault_code));
                 })});
  out.push_back(
      {"CPE-XFER-05", "Download with an undefined FileType gets fault 9003",
       "T-XFER-08 (Amd 6 A.3.2.8)", Level::Mandatory, Side::Cpe, "defect=file-type-unchecked",
       inSession([](AcsSession& s, CaseContext& ctx) {
         cwmp::Download d;
         d.command_key = s.unique("dl");
         d.file_type = "9 Conformance Undefined";
         d.url = s.target().fileUrl("none.cfg");
         Fault f = s.callExpectFault("Download with FileType '9 Conformance Undefined'", d);
         ctx.require(f.fault_code == 9003, "expected fault 9003 (Invalid arguments), got " +
                                               std::to_string(f.fault_code));
       })});
  out.push_back(
      {"CPE-BOOT-01", "Reboot: the CPE comes back with 1 BOOT and M Reboot with the CommandKey",
       "T-EVT-01, 4.3 Reboot (Amd 6 A.3.2.9, Table 7)", Level::Mandatory, Side::Cpe,
       "omit_event=M Reboot", inSession([](AcsSession& s, CaseContext& ctx) {
         cwmp::Reboot reboot;
         reboot.command_key = s.unique("reboot");
         s.callExpect<cwmp::RebootResponse>("Reboot", reboot);
         s.close();
         OpenedSession o = s.openAfter("the boot after Reboot", false, s.target().slow_timeout);
         ctx.require(
             AcsSession::hasEvent(o.inform, "1 BOOT"),
             "the Inform after Reboot carries " + AcsSession::events(o.inform) + ", not 1 BOOT");
         ctx.require(AcsSession::hasEvent(o.inform, "M Reboot", reboot.command_key),
                     "the Inform after Reboot carries " + AcsSession::events(o.inform) +
                         ", not M Reboot with CommandKey '" + reboot.command_key + "'");
       })});
  out.push_back({"CPE-BOOT-02", "FactoryReset: the CPE comes back with 0 BOOTSTRAP",
                 "4.3 FactoryReset (Amd 6 A.4.1.3, Table 7)", Level::Optional, Side::Cpe,
                 "omit_event=0 BOOTSTRAP", inSession([](AcsSession& s, CaseContext& ctx) {
                   auto methods = s.callExpect<cwmp::GetRPCMethodsResponse>("GetRPCMethods",
                                                                            cwmp::GetRPCMethods{});
                   if (std::find(methods.method_list.begin(), methods.method_list.end(),
                                 "FactoryReset") == methods.method_list.end()) {
                     ctx.skip("the CPE does not list FactoryReset");
                   }
                   s.callExpect<cwmp::FactoryResetResponse>("FactoryReset", cwmp::FactoryReset{});
                   s.close();
                   OpenedSession o =
                       s.openAfter("the boot after FactoryReset", false, s.target().slow_timeout);
                   ctx.require(AcsSession::hasEvent(o.inform, "0 BOOTSTRAP"),
                               "the Inform after FactoryReset carries " +
                                   AcsSession::events(o.inform) + ", not 0 BOOTSTRAP");
                 })});
}

}  // namespace

std::vector<Case> cpeCases() {
  std::vector<Case> out;
  addSessionCases(out);
  addRpcCases(out);
  addEventCases(out);
  addNotificationCases(out);
  addObjectCases(out);
  addConnectionCases(out);
  addTransferCases(out);
  return out;
}

}  // namespace conformance
