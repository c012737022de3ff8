// The ACS-mode cases: the harness plays CPEs against the ACS under test.
//
// Rules cite the checklist items of docs/cwmp-checklist.md and the TR-069 Amendment 6
// sections they come from. Items the checklist tags [M] (not verified against the spec text)
// are marked "[M]" in the rule so a reader knows how firm the requirement is.
#include <functional>
#include <string>
#include <vector>

#include "catalogue.h"
#include "cpe_peer.h"
#include "cr_listener.h"

#include "cwmp/json.h"

namespace conformance {
namespace {

using cwmp::CwmpNamespace;
using cwmp::Envelope;

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

// Checks the InformResponse envelope against the request: namespace, echoed ID and
// MaxEnvelopes 1.
void checkInformResponse(CaseContext& ctx, const Envelope& response, CwmpNamespace ns,
                         const std::string& id) {
  if (response.ns != ns) {
    ctx.fail("the InformResponse uses namespace " + std::string(cwmp::namespaceUri(response.ns)) +
             " but the Inform used " + std::string(cwmp::namespaceUri(ns)));
  }
  if (response.header.id != id) {
    ctx.fail("the InformResponse must echo cwmp:ID '" + id + "', it carries " +
             (response.header.id ? "'" + *response.header.id + "'" : std::string("none")));
  }
}

// --- Session rules --------------------------------------------------------------------------

void addSessionCases(std::vector<Case>& out) {
  out.push_back(
      {"ACS-SESS-01", "An Inform opens a session: HTTP 200 InformResponse, MaxEnvelopes 1",
       "T-INF-04, 3.1.10 (Amd 6 §3.7.1.1, A.3.3.1)", Level::Mandatory, Side::Acs, "max-envelopes-2",
       [](CaseContext& ctx) {
         CpePeer peer(ctx, ctx.serial());
         Envelope env;
         auto response = peer.expectMessage<cwmp::InformResponse>(
             peer.postEnvelope("Inform", makeInform(peer.serial())), "Inform", &env);
         ctx.require(response.max_envelopes == 1, "InformResponse MaxEnvelopes must be 1, got " +
                                                      std::to_string(response.max_envelopes));
         checkInformResponse(ctx, env, CwmpNamespace::V1_2, "inform-1");
         peer.expect204(peer.postEmpty(), "empty POST");
       }});
  out.push_back({"ACS-SESS-02", "A session opened by a request other than Inform gets HTTP 400",
                 "T-SESS-01 (Amd 6 §3.7.1.1)", Level::Mandatory, Side::Acs, "accept-any-first",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope env;
                   env.header.id = "first-1";
                   env.body = cwmp::GetRPCMethods{};
                   auto r = peer.postEnvelope("GetRPCMethods as first message", env);
                   ctx.require(r.status == 400,
                               "a session must start with an Inform; GetRPCMethods first must get "
                               "HTTP 400, got " +
                                   peer.describeResponse(r));
                   requireAcsStillServes(ctx, "a non-Inform first message");
                 }});
  out.push_back({"ACS-SESS-03", "A session opened by an empty POST gets HTTP 400",
                 "T-SESS-01 (Amd 6 §3.7.1.1)", Level::Mandatory, Side::Acs, "accept-any-first",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   auto r = peer.postEmpty("empty POST with no session");
                   ctx.require(r.status == 400,
                               "an empty POST outside a session must get HTTP 400, got " +
                                   peer.describeResponse(r));
                 }});
  out.push_back({"ACS-SESS-04", "The empty POST with nothing queued ends the session with HTTP 204",
                 "T-HTTP-03, T-SESS-05 (Amd 6 §3.7.1.4)", Level::Mandatory, Side::Acs,
                 "empty-200-instead-of-204", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.inform();
                   peer.expect204(peer.postEmpty(), "empty POST with nothing queued");
                 }});
  out.push_back(
      {"ACS-SESS-05", "A second Inform in the same session is refused",
       "T-SESS-02 (Amd 6 §3.7.1.1)", Level::Mandatory, Side::Acs, "accept-second-inform",
       [](CaseContext& ctx) {
         CpePeer peer(ctx, ctx.serial());
         peer.inform();
         auto r = peer.postEnvelope("second Inform in the session", makeInform(peer.serial()));
         if (r.status == 200) {
           auto env = cwmp::decodeEnvelope(r.body);
           ctx.require(!env || !std::holds_alternative<cwmp::InformResponse>(env->body),
                       "a second Inform in one session was answered with an "
                       "InformResponse; it must be refused (HTTP 400 or a fault)");
         }
         ctx.require(r.status != 0 && r.status < 500,
                     "the second Inform must get a clear refusal, got " + peer.describeResponse(r));
       }});
  out.push_back({"ACS-SESS-06", "A second concurrent session of the same device is refused",
                 "T-SESS-10 (Amd 6 §3.2.1: one session at a time)", Level::Mandatory, Side::Acs,
                 "no-lease", [](CaseContext& ctx) {
                   CpePeer first(ctx, ctx.serial());
                   first.inform();
                   CpePeer second(ctx, first.serial());  // same device, no cookie
                   auto r = second.postEnvelope("Inform of the same device, racing session",
                                                makeInform(first.serial()));
                   if (r.status == 200) {
                     auto env = cwmp::decodeEnvelope(r.body);
                     ctx.require(!env || !std::holds_alternative<cwmp::InformResponse>(env->body),
                                 "a second Inform of a device whose session is open was accepted "
                                 "(InformResponse); it must be refused");
                   }
                   ctx.require(r.status != 0, "the racing Inform got no answer: " + r.error);
                   first.expect204(first.postEmpty(), "first session's empty POST");
                 }});
  out.push_back({"ACS-SESS-07", "A session continues on a new TCP connection by its cookie",
                 "T-HTTP-05, 13.7 (Amd 6 §3.4.2)", Level::Mandatory, Side::Acs, "no-session-cookie",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.http().setNewConnectionPerRequest(true);
                   peer.inform();
                   ctx.require(!peer.http().cookies().empty(),
                               "the InformResponse set no cookie, so a session cannot continue on "
                               "a new TCP connection (13.7)");
                   peer.expect204(peer.postEmpty("empty POST on a new TCP connection"),
                                  "empty POST on a new TCP connection");
                 }});
  out.push_back({"ACS-SESS-08", "After HTTP 204 the same device can open its next session",
                 "T-SESS-05, T-HTTP-06 (Amd 6 §3.7.1.4)", Level::Mandatory, Side::Acs,
                 "lease-not-released", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.fullSession();
                   peer.http().clearCookies();
                   peer.http().reconnect();
                   peer.fullSession({"2 PERIODIC"});
                 }});
  out.push_back({"ACS-SESS-09", "With HoldRequests=true the empty POST still gets RPCs or HTTP 204",
                 "T-SOAP-04 (Amd 6 A.4.2.2)", Level::Optional, Side::Acs, "hold-then-400",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope env = peer.inform();
                   if (!env.header.hold_requests || !*env.header.hold_requests) {
                     ctx.skip("the ACS did not send HoldRequests=true in this session");
                   }
                   auto r = peer.postEmpty("empty POST under HoldRequests");
                   ctx.require(
                       r.status == 204 || r.status == 200,
                       "under HoldRequests the CPE sends an empty POST; the ACS must answer "
                       "with an RPC or HTTP 204, got " +
                           peer.describeResponse(r));
                 }});
}

// --- SOAP: namespaces, cwmp:ID, version negotiation ----------------------------------------

void addSoapCases(std::vector<Case>& out) {
  const CwmpNamespace all[] = {CwmpNamespace::V1_0, CwmpNamespace::V1_1, CwmpNamespace::V1_2,
                               CwmpNamespace::V1_3, CwmpNamespace::V1_4};
  for (CwmpNamespace ns : all) {
    std::string uri(cwmp::namespaceUri(ns));
    std::string minor = uri.substr(uri.size() - 3);  // "1-0"
    out.push_back(
        {"ACS-SOAP-NS" + minor,
         "An Inform in namespace cwmp-" + minor + " gets its InformResponse in the same namespace",
         "T-SOAP-06, 13.1 (Amd 6 §A.2.2)", Level::Mandatory, Side::Acs, "wrong-namespace",
         [ns](CaseContext& ctx) {
           CpePeer peer(ctx, ctx.serial());
           Envelope env;
           peer.expectMessage<cwmp::InformResponse>(
               peer.postEnvelope("Inform", makeInform(peer.serial(), {"1 BOOT"}, ns)), "Inform",
               &env);
           checkInformResponse(ctx, env, ns, "inform-1");
           peer.expect204(peer.postEmpty(), "empty POST");
         }});
  }
  out.push_back({"ACS-SOAP-ID-01", "cwmp:ID is echoed verbatim on the InformResponse",
                 "T-SOAP-01 (Amd 6 §A.4.2.1)", Level::Mandatory, Side::Acs, "drop-id",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope inform = makeInform(peer.serial());
                   inform.header.id = "Id with spaces & <chars> 42";
                   Envelope env;
                   peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform),
                                                            "Inform", &env);
                   checkInformResponse(ctx, env, CwmpNamespace::V1_2, *inform.header.id);
                 }});
  out.push_back({"ACS-SOAP-ID-02", "cwmp:ID is echoed on the response to a CPE request",
                 "T-SOAP-01 (Amd 6 §A.4.2.1)", Level::Mandatory, Side::Acs, "drop-id",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.inform();
                   Envelope req;
                   req.header.id = "grm-77";
                   req.body = cwmp::GetRPCMethods{};
                   Envelope env;
                   peer.expectMessage<cwmp::GetRPCMethodsResponse>(
                       peer.postEnvelope("GetRPCMethods", req), "GetRPCMethods", &env);
                   ctx.require(env.header.id == "grm-77",
                               "the GetRPCMethodsResponse must echo cwmp:ID 'grm-77', it carries " +
                                   env.header.id.value_or("none"));
                 }});
  out.push_back(
      {"ACS-SOAP-ID-03", "cwmp:ID is echoed on a fault", "T-SOAP-01 (Amd 6 §A.4.2.1, A.5)",
       Level::Mandatory, Side::Acs, "drop-id", [](CaseContext& ctx) {
         CpePeer peer(ctx, ctx.serial());
         peer.inform();
         std::string xml =
             "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
             "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap:Header><cwmp:ID "
             "soap:mustUnderstand=\"1\">unknown-9</cwmp:ID></soap:Header><soap:Body>"
             "<cwmp:X_00D0C9_Unknown/></soap:Body></soap:Envelope>";
         Envelope env = peer.expectEnvelope(peer.postXml("unknown method", xml), "unknown method");
         ctx.require(std::holds_alternative<cwmp::Fault>(env.body),
                     "an unknown method must be answered with a fault, got " +
                         CpePeer::describeBody(env.body));
         ctx.require(env.header.id == "unknown-9",
                     "the fault must echo cwmp:ID 'unknown-9', it carries " +
                         env.header.id.value_or("none"));
       }});
  out.push_back({"ACS-SOAP-VER-01", "SupportedCWMPVersions is answered with UseCWMPVersion",
                 "T-SOAP-05 (Amd 6 §3.7.1.3 / A.4.2.4)", Level::Mandatory, Side::Acs,
                 "ignore-supported-versions", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope inform = makeInform(peer.serial(), {"1 BOOT"}, CwmpNamespace::V1_4);
                   inform.header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
                   Envelope env;
                   peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform),
                                                            "Inform", &env);
                   ctx.require(env.header.use_cwmp_version.has_value(),
                               "an Inform offering SupportedCWMPVersions 1.0-1.4 must get "
                               "UseCWMPVersion in the InformResponse header; there is none");
                   auto versions = cwmp::parseCwmpVersions(*env.header.use_cwmp_version);
                   ctx.require(versions.size() == 1, "UseCWMPVersion must name one version, got '" +
                                                         *env.header.use_cwmp_version + "'");
                   peer.expect204(peer.postEmpty(), "empty POST");
                 }});
  out.push_back({"ACS-SOAP-VER-02", "A CPE offering no version the ACS speaks gets fault 8006",
                 "T-SOAP-05 (Amd 6 §3.7.1.3, fault 8006)", Level::Mandatory, Side::Acs,
                 "ignore-supported-versions", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope inform = makeInform(peer.serial(), {"1 BOOT"}, CwmpNamespace::V1_4);
                   inform.header.supported_cwmp_versions = "2.0";
                   Envelope env = peer.expectEnvelope(peer.postEnvelope("Inform", inform),
                                                      "Inform offering only 2.0");
                   const auto* fault = std::get_if<cwmp::Fault>(&env.body);
                   ctx.require(fault != nullptr && fault->fault_code == 8006,
                               "expected Fault 8006 (no common CWMP version), got " +
                                   CpePeer::describeBody(env.body));
                 }});
}

// --- Requests the CPE sends to the ACS ------------------------------------------------------

struct CpeRequestCase {
  const char* id;
  const char* title;
  const char* rule;
  Level level;
  std::function<cwmp::Body()> body;
  std::string_view response_method;
};

void addCpeRequestCases(std::vector<Case>& out) {
  std::vector<CpeRequestCase> table = {
      {"ACS-RPC-TC-01", "TransferComplete is answered with TransferCompleteResponse",
       "RPC table: TransferComplete REQUIRED (Amd 6 Table 5, A.3.3.2)", Level::Mandatory,
       [] {
         cwmp::TransferComplete tc;
         tc.command_key = "conf-dl-1";
         tc.start_time = "2026-01-01T00:00:00Z";
         tc.complete_time = "2026-01-01T00:00:05Z";
         return cwmp::Body{tc};
       },
       "TransferCompleteResponse"},
      {"ACS-RPC-TC-02", "A failed TransferComplete (FaultCode 9010) is answered",
       "T-XFER-02, genieacs#171 (A.3.3.2 FaultStruct)", Level::Mandatory,
       [] {
         cwmp::TransferComplete tc;
         tc.command_key = "conf-dl-2";
         tc.fault_struct = {9010, "Download failure: connection refused"};
         return cwmp::Body{tc};
       },
       "TransferCompleteResponse"},
      {"ACS-RPC-TC-03", "A TransferComplete with an unknown CommandKey is still answered",
       "4.4 TransferComplete (A.3.3.2)", Level::Mandatory,
       [] {
         cwmp::TransferComplete tc;
         tc.command_key = "never-issued-key";
         return cwmp::Body{tc};
       },
       "TransferCompleteResponse"},
      {"ACS-RPC-ATC-01", "AutonomousTransferComplete is answered",
       "RPC table: AutonomousTransferComplete REQUIRED for the ACS (A.3.3.3)", Level::Mandatory,
       [] {
         cwmp::AutonomousTransferComplete atc;
         atc.transfer_url = "http://files.example/fw.bin";
         atc.file_type = "1 Firmware Upgrade Image";
         atc.file_size = 1024;
         return cwmp::Body{atc};
       },
       "AutonomousTransferCompleteResponse"},
      {"ACS-RPC-GRM-01", "GetRPCMethods from the CPE is answered",
       "RPC table: GetRPCMethods REQUIRED for the ACS (A.3.1.1)", Level::Mandatory,
       [] { return cwmp::Body{cwmp::GetRPCMethods{}}; }, "GetRPCMethodsResponse"},
      {"ACS-RPC-DUSCC-01", "DUStateChangeComplete is answered",
       "RPC table: DUStateChangeComplete optional (A.4.2.x)", Level::Optional,
       [] {
         cwmp::DUStateChangeComplete m;
         m.command_key = "conf-du";
         cwmp::OpResultStruct r;
         r.uuid = "6f1a3c2e-1111-4222-8333-944455556666";
         r.current_state = "Installed";
         r.start_time = std::string(cwmp::kUnknownTime);
         r.complete_time = std::string(cwmp::kUnknownTime);
         m.results.push_back(r);
         return cwmp::Body{m};
       },
       "DUStateChangeCompleteResponse"},
      {"ACS-RPC-ADUSCC-01", "AutonomousDUStateChangeComplete is answered",
       "RPC table: AutonomousDUStateChangeComplete optional", Level::Optional,
       [] {
         cwmp::AutonomousDUStateChangeComplete m;
         cwmp::AutonOpResultStruct r;
         r.uuid = "6f1a3c2e-1111-4222-8333-944455556666";
         r.current_state = "Installed";
         r.operation_performed = "Install";
         r.start_time = std::string(cwmp::kUnknownTime);
         r.complete_time = std::string(cwmp::kUnknownTime);
         m.results.push_back(r);
         return cwmp::Body{m};
       },
       "AutonomousDUStateChangeCompleteResponse"},
      {"ACS-RPC-RD-01", "RequestDownload is answered",
       "RPC table: RequestDownload optional (A.4.2.2)", Level::Optional,
       [] {
         cwmp::RequestDownload m;
         m.file_type = "1 Firmware Upgrade Image";
         return cwmp::Body{m};
       },
       "RequestDownloadResponse"},
      {"ACS-RPC-KICK-01", "Kicked is answered", "RPC table: Kicked optional, deprecated (A.4.2.1)",
       Level::Optional,
       [] {
         cwmp::Kicked m;
         m.command = "start";
         m.referer = "http://lan.example/";
         m.next = "http://lan.example/next";
         return cwmp::Body{m};
       },
       "KickedResponse"},
  };
  for (const auto& row : table) {
    out.push_back(
        {row.id, row.title, row.rule, row.level, Side::Acs, "refuse-cpe-requests",
         [row](CaseContext& ctx) {
           CpePeer peer(ctx, ctx.serial());
           peer.inform();
           Envelope req;
           req.header.id = "req-1";
           req.body = row.body();
           std::string method(cwmp::methodName(req.body));
           Envelope env = peer.expectEnvelope(peer.postEnvelope(method, req), method);
           ctx.require(cwmp::methodName(env.body) == row.response_method,
                       method + " must be answered with " + std::string(row.response_method) +
                           ", got " + CpePeer::describeBody(env.body));
           ctx.require(env.header.id == "req-1", "the response must echo cwmp:ID 'req-1'");
           if (const auto* grm = std::get_if<cwmp::GetRPCMethodsResponse>(&env.body)) {
             for (const char* needed : {"Inform", "TransferComplete"}) {
               bool found = false;
               for (const auto& m : grm->method_list) found = found || m == needed;
               ctx.require(found, std::string("the ACS's GetRPCMethodsResponse must "
                                              "list ") +
                                      needed);
             }
           }
           peer.expect204(peer.postEmpty(), "empty POST after " + method);
         }});
  }
}

// --- Faults --------------------------------------------------------------------------------

const char* kUnknownMethodXml =
    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><soap:Header><cwmp:ID soap:mustUnderstand=\"1\">"
    "u-1</cwmp:ID></soap:Header><soap:Body><cwmp:X_00D0C9_Frobnicate><Arg>1</Arg>"
    "</cwmp:X_00D0C9_Frobnicate></soap:Body></soap:Envelope>";

void addFaultCases(std::vector<Case>& out) {
  out.push_back({"ACS-FAULT-01", "An unknown CPE method gets fault 8000 (Method not supported)",
                 "5.3 ACS faults (Amd 6 A.5.1, 8000)", Level::Mandatory, Side::Acs,
                 "unknown-method-400", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.inform();
                   auto r = peer.postXml("unknown vendor method", kUnknownMethodXml);
                   Envelope env = peer.expectEnvelope(r, "unknown method");
                   const auto* fault = std::get_if<cwmp::Fault>(&env.body);
                   ctx.require(fault != nullptr && fault->fault_code == 8000,
                               "expected Fault 8000, got " + CpePeer::describeBody(env.body));
                 }});
  out.push_back({"ACS-FAULT-02", "Faults are sent with HTTP 200 and a text/xml SOAP Fault",
                 "T-HTTP-04, 1.1.7 (Amd 6 §3.4.1, A.5)", Level::Mandatory, Side::Acs,
                 "fault-on-500", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.inform();
                   auto r = peer.postXml("unknown vendor method", kUnknownMethodXml);
                   ctx.require(r.status == 200, "a CWMP fault must travel with HTTP 200, got " +
                                                    peer.describeResponse(r));
                   std::string type = r.header("Content-Type").value_or("");
                   ctx.require(type.rfind("text/xml", 0) == 0,
                               "a SOAP fault must have Content-Type text/xml, got '" + type + "'");
                   Envelope env = peer.expectEnvelope(r, "unknown method");
                   const auto* fault = std::get_if<cwmp::Fault>(&env.body);
                   ctx.require(fault != nullptr,
                               "expected a SOAP Fault, got " + CpePeer::describeBody(env.body));
                   ctx.require(
                       fault->faultcode == "Client" || fault->faultcode == "Server",
                       "faultcode must be Client or Server, got '" + fault->faultcode + "'");
                 }});
  out.push_back({"ACS-FAULT-03", "The session continues after the ACS sends a fault",
                 "5.1 SOAP fault (Amd 6 §3.7.1.4)", Level::Mandatory, Side::Acs,
                 "end-session-after-fault", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.inform();
                   peer.expectEnvelope(peer.postXml("unknown vendor method", kUnknownMethodXml),
                                       "unknown method");
                   peer.expect204(peer.postEmpty(), "empty POST after the fault");
                 }});
}

// --- Transport details -------------------------------------------------------------------

void addHttpCases(std::vector<Case>& out) {
  out.push_back({"ACS-HTTP-01", "SOAP responses of the ACS have Content-Type text/xml",
                 "1.1.7 (Amd 6 §3.4.1)", Level::Mandatory, Side::Acs, "content-type-plain",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   auto r = peer.postEnvelope("Inform", makeInform(peer.serial()));
                   peer.expectMessage<cwmp::InformResponse>(r, "Inform");
                   std::string type = r.header("Content-Type").value_or("");
                   ctx.require(
                       type.rfind("text/xml", 0) == 0,
                       "the InformResponse must have Content-Type text/xml, got '" + type + "'");
                 }});
  out.push_back({"ACS-HTTP-02", "A CPE request with SOAPAction naming the method is accepted",
                 "1.1.9, 13.2 (the ACS must not depend on SOAPAction)", Level::Mandatory, Side::Acs,
                 "require-empty-soapaction", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   HttpRequestOptions options;
                   options.soap_action = "\"urn:dslforum-org:cwmp-1-2#Inform\"";
                   peer.expectMessage<cwmp::InformResponse>(
                       peer.postXml("Inform with SOAPAction value",
                                    cwmp::encodeEnvelope(makeInform(peer.serial())), options),
                       "Inform");
                   peer.expect204(peer.postEmpty(), "empty POST");
                 }});
  out.push_back({"ACS-HTTP-03", "A CPE request without any SOAPAction header is accepted",
                 "1.1.9, 13.2 (the ACS must not depend on SOAPAction)", Level::Mandatory, Side::Acs,
                 "require-empty-soapaction", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   HttpRequestOptions options;
                   peer.expectMessage<cwmp::InformResponse>(
                       peer.http().send("Inform without SOAPAction",
                                        cwmp::encodeEnvelope(makeInform(peer.serial())), options),
                       "Inform");
                   peer.expect204(peer.postEmpty(), "empty POST");
                 }});
  out.push_back({"ACS-HTTP-04", "Content-Type text/xml without charset is accepted",
                 "1.1.7 (icwmp sends plain text/xml)", Level::Mandatory, Side::Acs, "strict-parser",
                 [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   HttpRequestOptions options;
                   options.content_type = "text/xml";
                   peer.expectMessage<cwmp::InformResponse>(
                       peer.postXml("Inform, Content-Type text/xml",
                                    cwmp::encodeEnvelope(makeInform(peer.serial()),
                                                         {.soap_env_prefix = "soapenv"}),
                                    options),
                       "Inform");
                 }});
  out.push_back({"ACS-AUTH-01",
                 "With CPE authentication on, an Inform without credentials gets a "
                 "Digest challenge and the digest retry is accepted",
                 "T-HTTP-07 (Amd 6 §3.4.4-3.4.5)", Level::Mandatory, Side::Acs, "auth-not-enforced",
                 [](CaseContext& ctx) {
                   if (ctx.config().cpe_username.empty()) {
                     ctx.skip("CPE authentication not configured (--cpe-username/--cpe-password)");
                   }
                   std::vector<Exchange>& log = ctx.exchanges();
                   HttpClient anonymous(ctx.config().acs_url, log, ctx.config().timeout,
                                        clientTls(ctx.config()));
                   HttpRequestOptions options;
                   options.soap_action = "";
                   auto r = anonymous.send("Inform without credentials",
                                           cwmp::encodeEnvelope(makeInform(ctx.serial())), options);
                   ctx.require(r.status == 401,
                               "an Inform without credentials must get HTTP 401, "
                               "got HTTP " +
                                   std::to_string(r.status));
                   std::string challenge = r.header("WWW-Authenticate").value_or("");
                   ctx.require(challenge.rfind("Digest", 0) == 0 &&
                                   challenge.find("nonce=") != std::string::npos,
                               "the 401 must carry a Digest challenge with a nonce, got '" +
                                   challenge + "'");
                   CpePeer peer(ctx, ctx.serial());  // answers the challenge
                   peer.fullSession();
                 }});
  out.push_back({"ACS-AUTH-02", "With CPE authentication on, a wrong password is refused",
                 "T-HTTP-07 (Amd 6 §3.4.5)", Level::Mandatory, Side::Acs, "auth-not-enforced",
                 [](CaseContext& ctx) {
                   if (ctx.config().cpe_username.empty()) {
                     ctx.skip("CPE authentication not configured (--cpe-username/--cpe-password)");
                   }
                   HttpClient http(ctx.config().acs_url, ctx.exchanges(), ctx.config().timeout,
                                   clientTls(ctx.config()));
                   http.setCredentials(ctx.config().cpe_username,
                                       ctx.config().cpe_password + "-wrong");
                   HttpRequestOptions options;
                   options.soap_action = "";
                   auto r = http.send("Inform with a wrong password",
                                      cwmp::encodeEnvelope(makeInform(ctx.serial())), options);
                   ctx.require(r.status == 401, "a wrong password must get HTTP 401, got HTTP " +
                                                    std::to_string(r.status));
                 }});
}

// --- Real-world styles (checklist section 13) ---------------------------------------------

// A hand-written Inform in the layout real CPEs use; %P% is the SOAP prefix declaration
// part, the rest are placeholders each style fills in.
std::string styledInform(const std::string& serial, const std::string& ns_minor,
                         const std::string& xsd_ns, char quote, const std::string& current_time,
                         const std::string& extra_device_id, const std::string& extra_header,
                         const std::string& count, bool pretty) {
  std::string q(1, quote);
  std::string nl = pretty ? "\n  " : "";
  std::string x;
  if (pretty) x += "<?xml version=" + q + "1.0" + q + " encoding=" + q + "UTF-8" + q + "?>\n";
  x += "<SOAP-ENV:Envelope xmlns:SOAP-ENV=" + q + "http://schemas.xmlsoap.org/soap/envelope/" + q +
       " xmlns:SOAP-ENC=" + q + "http://schemas.xmlsoap.org/soap/encoding/" + q +
       " xmlns:xsd=" + q + xsd_ns + q + " xmlns:xsi=" + q + xsd_ns + "-instance" + q +
       " xmlns:cwmp=" + q + "urn:dslforum-org:cwmp-" + ns_minor + q + ">" + nl;
  x += "<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand=" + q + "1" + q + ">style-1</cwmp:ID>" +
       extra_header + "</SOAP-ENV:Header>" + nl;
  x += "<SOAP-ENV:Body><cwmp:Inform>" + nl;
  x += "<DeviceId><Manufacturer>cwmp-lab</Manufacturer><OUI>00D0C9</OUI><ProductClass>"
       "ConformanceCPE</ProductClass><SerialNumber>" +
       serial + "</SerialNumber>" + extra_device_id + "</DeviceId>" + nl;
  x += "<Event SOAP-ENC:arrayType=" + q + "cwmp:EventStruct[" + count + "]" + q +
       "><EventStruct><EventCode>1 BOOT</EventCode><CommandKey></CommandKey></EventStruct>"
       "</Event>" +
       nl;
  x += "<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>" + current_time +
       "</CurrentTime><RetryCount>0</RetryCount>" + nl;
  x += "<ParameterList SOAP-ENC:arrayType=" + q + "cwmp:ParameterValueStruct[" + count + "]" + q +
       "><ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><Value xsi:type=" + q +
       "xsd:string" + q + ">1.0.0</Value></ParameterValueStruct></ParameterList>" + nl;
  x += "</cwmp:Inform></SOAP-ENV:Body></SOAP-ENV:Envelope>";
  return x;
}

struct StyleCase {
  const char* id;
  const char* title;
  const char* rule;
  std::function<std::string(const std::string& serial)> xml;
  CwmpNamespace ns;
  std::string id_expected;
  const char* defect = "strict-parser";
};

void addStyleCases(std::vector<Case>& out) {
  const std::string k2001 = "http://www.w3.org/2001/XMLSchema";
  auto encoded = [](cwmp::EncodeOptions options) {
    return [options](const std::string& s) { return cwmp::encodeEnvelope(makeInform(s), options); };
  };
  std::vector<StyleCase> table = {
      {"ACS-STYLE-01", "SOAP envelope prefix 'soap'", "T-SOAP-02 (prefix-agnostic parsing)",
       encoded({.soap_env_prefix = "soap", .soap_enc_prefix = "soapenc"}), CwmpNamespace::V1_2,
       "inform-1"},
      {"ACS-STYLE-02", "SOAP envelope prefix 's' and cwmp prefix 'c'",
       "T-SOAP-02 (prefix-agnostic parsing)",
       encoded({.soap_env_prefix = "s", .soap_enc_prefix = "e", .cwmp_prefix = "c"}),
       CwmpNamespace::V1_2, "inform-1"},
      {"ACS-STYLE-03", "SOAP namespace as the default namespace (no prefix)",
       "T-SOAP-02 (prefix-agnostic parsing)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         x = replaceAll(x, "xmlns:SOAP-ENV=", "xmlns=");
         x = replaceAll(x, "<SOAP-ENV:", "<");
         x = replaceAll(x, "</SOAP-ENV:", "</");
         x = replaceAll(x, "SOAP-ENV:mustUnderstand", "mustUnderstand");
         x = replaceAll(x, "<Body>", "<Body xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\">");
         return x;
       },
       CwmpNamespace::V1_2, "inform-1"},
      {"ACS-STYLE-04", "No xsi:type on parameter values", "T-SOAP-07, 13.5",
       encoded({.omit_value_types = true}), CwmpNamespace::V1_2, "inform-1"},
      {"ACS-STYLE-05", "Zero-padded SOAP array counts ([0008])", "13.4 (8.3 arrays)",
       encoded({.zero_pad_array_counts = true}), CwmpNamespace::V1_2, "inform-1"},
      {"ACS-STYLE-06", "SOAP array counts that do not match the items", "8.3 arrays [T]",
       encoded({.array_count_delta = 3}), CwmpNamespace::V1_2, "inform-1"},
      {"ACS-STYLE-07", "XML declaration, line breaks and indentation", "2.1 envelope rules",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00Z", "", "", "1", true);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-08", "Single-quoted attributes", "13 (real-world styles)",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '\'', "2026-01-01T00:00:00Z", "", "", "1", true);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-09", "XML Schema 1999 namespaces", "13.5, 8.1 (1999 schema)",
       [](const std::string& s) {
         return styledInform(s, "1-0", "http://www.w3.org/1999/XMLSchema", '"',
                             "2026-01-01T00:00:00Z", "", "", "1", false);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-10", "Unknown extra children in DeviceId", "13.3",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00Z",
                             "<WanIPAddress>192.0.2.7</WanIPAddress>", "", "1", false);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-11", "CurrentTime with a +00:00 offset and fractional seconds", "13.4, 8.2",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00.123+00:00", "", "", "1",
                             false);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-12", "The deprecated NoMoreRequests header", "13.11 (2.2 header elements)",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00Z", "",
                             "<cwmp:NoMoreRequests>1</cwmp:NoMoreRequests>", "1", false);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-13", "The SessionTimeout header (cwmp-1-3)", "13.13 (2.2 header elements)",
       [k2001](const std::string& s) {
         return styledInform(s, "1-3", k2001, '"', "2026-01-01T00:00:00Z", "",
                             "<cwmp:SessionTimeout SOAP-ENV:mustUnderstand=\"0\">60"
                             "</cwmp:SessionTimeout>",
                             "1", false);
       },
       CwmpNamespace::V1_3, "style-1"},
      {"ACS-STYLE-14", "An Inform with no SOAP Header (no cwmp:ID)", "2.2 (cwmp:ID is optional)",
       [](const std::string& s) {
         Envelope env = makeInform(s);
         env.header.id.reset();
         return cwmp::encodeEnvelope(env);
       },
       CwmpNamespace::V1_2, "", "require-cwmp-id"},
      {"ACS-STYLE-15", "Arrays with zero-width counts ([]) as some CPEs send", "13.4 (8.3 arrays)",
       [k2001](const std::string& s) {
         return styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00Z", "", "", "", false);
       },
       CwmpNamespace::V1_0, "style-1"},
      {"ACS-STYLE-16", "A vendor-typed Value and xsd types under another prefix", "13.5",
       [k2001](const std::string& s) {
         std::string x =
             styledInform(s, "1-0", k2001, '"', "2026-01-01T00:00:00Z", "", "", "1", false);
         x = replaceAll(x, "xmlns:xsd=", "xmlns:xs=");
         return replaceAll(x, "xsi:type=\"xsd:string\"", "xsi:type=\"xs:string\"");
       },
       CwmpNamespace::V1_0, "style-1"},
  };
  for (const auto& row : table) {
    out.push_back(
        {row.id, std::string("Accepted real-world style: ") + row.title, row.rule, Level::Mandatory,
         Side::Acs, row.defect, [row](CaseContext& ctx) {
           CpePeer peer(ctx, ctx.serial());
           Envelope env;
           peer.expectMessage<cwmp::InformResponse>(
               peer.postXml(std::string("Inform: ") + row.title, row.xml(peer.serial())),
               "Inform in this style", &env);
           ctx.require(env.ns == row.ns, "the InformResponse must use the Inform's namespace " +
                                             std::string(cwmp::namespaceUri(row.ns)));
           if (!row.id_expected.empty()) {
             ctx.require(env.header.id == row.id_expected,
                         "the InformResponse must echo cwmp:ID '" + row.id_expected + "'");
           }
           peer.expect204(peer.postEmpty(), "empty POST");
         }});
  }
}

// --- Events in the Inform (T-EVT) -----------------------------------------------------------

struct EventCase {
  const char* id;
  const char* title;
  const char* rule;
  std::vector<std::string> events;
  bool send_transfer_complete;
};

void addEventCases(std::vector<Case>& out) {
  std::vector<std::string> many;
  for (int i = 0; i < 64; ++i) many.push_back("X 00D0C9 Event" + std::to_string(i));
  std::vector<EventCase> table = {
      {"ACS-EVT-01",
       "0 BOOTSTRAP with 1 BOOT is accepted",
       "6.1 events (Amd 6 §3.7.1.5)",
       {"0 BOOTSTRAP", "1 BOOT"},
       false},
      {"ACS-EVT-02", "2 PERIODIC is accepted", "6.1 events", {"2 PERIODIC"}, false},
      {"ACS-EVT-03",
       "3 SCHEDULED with M ScheduleInform is accepted",
       "T-EVT-01",
       {"3 SCHEDULED", "M ScheduleInform"},
       false},
      {"ACS-EVT-04",
       "4 VALUE CHANGE is accepted",
       "6.1 events, T-INF-07",
       {"4 VALUE CHANGE"},
       false},
      {"ACS-EVT-05", "1 BOOT with M Reboot is accepted", "T-EVT-01", {"1 BOOT", "M Reboot"}, false},
      {"ACS-EVT-06",
       "7 TRANSFER COMPLETE + M Download, then TransferComplete, is handled",
       "T-EVT-04, T-XFER-05",
       {"1 BOOT", "7 TRANSFER COMPLETE", "M Download"},
       true},
      {"ACS-EVT-07",
       "Several M Download events with different keys are accepted",
       "T-EVT-03",
       {"7 TRANSFER COMPLETE", "M Download", "M Download"},
       true},
      {"ACS-EVT-08", "64 EventStructs are accepted", "T-EVT-07 (at most 64)", many, false},
      {"ACS-EVT-09",
       "8 DIAGNOSTICS COMPLETE is accepted",
       "6.1 events",
       {"8 DIAGNOSTICS COMPLETE"},
       false},
      {"ACS-EVT-10",
       "Vendor events (X <OUI> <name>) are accepted",
       "6.1 events, T-EVT-06",
       {"X 00D0C9 Conformance"},
       false},
  };
  for (const auto& row : table) {
    out.push_back({row.id, row.title, row.rule, Level::Mandatory, Side::Acs, "strict-events",
                   [row](CaseContext& ctx) {
                     CpePeer peer(ctx, ctx.serial());
                     Envelope inform = makeInform(peer.serial(), row.events);
                     auto& in = std::get<cwmp::Inform>(inform.body);
                     int n = 0;
                     for (auto& e : in.event) {
                       if (e.event_code.rfind("M ", 0) == 0)
                         e.command_key = "k" + std::to_string(++n);
                     }
                     peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform),
                                                              "Inform with these events");
                     if (row.send_transfer_complete) {
                       for (int i = 1; i <= n; ++i) {
                         Envelope tc;
                         tc.header.id = "tc-" + std::to_string(i);
                         cwmp::TransferComplete body;
                         body.command_key = "k" + std::to_string(i);
                         tc.body = body;
                         peer.expectMessage<cwmp::TransferCompleteResponse>(
                             peer.postEnvelope("TransferComplete", tc), "TransferComplete");
                       }
                     }
                     peer.expect204(peer.postEmpty(), "empty POST");
                   }});
  }
  out.push_back(
      {"ACS-INF-01", "An Inform with 500 parameters in its ParameterList is accepted",
       "7.3 ParameterList (T-INF)", Level::Mandatory, Side::Acs, "strict-events",
       [](CaseContext& ctx) {
         CpePeer peer(ctx, ctx.serial());
         Envelope inform = makeInform(peer.serial(), {"6 CONNECTION REQUEST", "4 VALUE CHANGE"});
         auto& in = std::get<cwmp::Inform>(inform.body);
         for (int i = 1; i <= 493; ++i) {
           in.parameter_list.push_back({"Device.Hosts.Host." + std::to_string(i) + ".HostName",
                                        "host-" + std::to_string(i), "xsd:string"});
         }
         peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform),
                                                  "Inform with 500 parameters");
         peer.expect204(peer.postEmpty(), "empty POST");
       }});
  out.push_back({"ACS-INF-02", "An Inform with RetryCount > 0 is accepted",
                 "T-INF-08, T-SESS-07 (Amd 6 §3.2.1.1)", Level::Mandatory, Side::Acs,
                 "strict-events", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   Envelope inform =
                       makeInform(peer.serial(), {"1 BOOT", "6 CONNECTION REQUEST", "M Reboot"});
                   std::get<cwmp::Inform>(inform.body).retry_count = 3;
                   peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform),
                                                            "Inform with RetryCount 3");
                   peer.expect204(peer.postEmpty(), "empty POST");
                 }});
}

// --- Robustness --------------------------------------------------------------------------

struct RobustCase {
  const char* id;
  const char* title;
  const char* rule;
  std::function<std::string(const std::string& serial)> body;
  bool allow_connection_drop;  // oversize bodies: the ACS may close without reading all
  const char* defect;
};

void addRobustnessCases(std::vector<Case>& out) {
  std::vector<RobustCase> table = {
      {"ACS-ROB-01", "Malformed XML (mismatched tags)", "Robustness: malformed XML (A.5 8002)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         return replaceAll(x, "</DeviceId>", "</DeviceID>");
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-02", "Truncated envelope", "Robustness: malformed XML",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         return x.substr(0, x.size() / 2);
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-03", "Body over 9 MB", "Robustness: oversize bodies (8004 / HTTP 413)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         std::size_t at = x.find("<ParameterValueStruct>");
         std::string pad;
         std::string item = "<ParameterValueStruct><Name>Device.X_00D0C9_Pad</Name><Value>" +
                            std::string(1000, 'p') + "</Value></ParameterValueStruct>";
         while (pad.size() < 9u * 1024 * 1024) pad += item;
         x.insert(at, pad);
         return x;
       },
       true, "no-body-limit"},
      {"ACS-ROB-04", "Billion laughs (nested entity expansion)",
       "Robustness: entity attacks (DTDs are forbidden in SOAP)",
       [](const std::string& s) {
         std::string dtd = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
         std::string prev = "lol";
         for (int i = 1; i <= 9; ++i) {
           std::string name = "lol" + std::to_string(i);
           dtd += "<!ENTITY " + name + " \"";
           for (int j = 0; j < 10; ++j) dtd += "&" + prev + ";";
           dtd += "\">";
           prev = name;
         }
         dtd += "]>";
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         x = replaceAll(x, "<Manufacturer>cwmp-lab</Manufacturer>",
                        "<Manufacturer>&" + prev + ";</Manufacturer>");
         return dtd + x;
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-05", "External entity (file:///etc/passwd)", "Robustness: entity attacks (XXE)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         x = replaceAll(x, "<Manufacturer>cwmp-lab</Manufacturer>",
                        "<Manufacturer>&xxe;</Manufacturer>");
         return "<!DOCTYPE e [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + x;
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-06", "Well-formed XML that is not a SOAP envelope", "Robustness: not SOAP (2.1)",
       [](const std::string&) { return std::string("<html><body>hello</body></html>"); }, false,
       "server-error-on-bad-input"},
      {"ACS-ROB-07", "Binary garbage", "Robustness: malformed input",
       [](const std::string&) {
         std::string x;
         for (int i = 0; i < 2048; ++i) x.push_back(static_cast<char>((i * 37 + 11) % 256));
         return x;
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-08", "Element nesting 20,000 deep", "Robustness: resource limits",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         std::string deep;
         for (int i = 0; i < 20000; ++i) deep += "<a>";
         for (int i = 0; i < 20000; ++i) deep += "</a>";
         return replaceAll(x, "<MaxEnvelopes>", deep + "<MaxEnvelopes>");
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-09", "Inform without DeviceId", "Robustness: missing required element (8003)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         std::size_t a = x.find("<DeviceId>");
         std::size_t b = x.find("</DeviceId>");
         return x.erase(a, b + 11 - a);
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-10", "Processing instruction inside the envelope",
       "Robustness: forbidden constructs",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         return replaceAll(x, "<MaxEnvelopes>", "<?evil instruction?><MaxEnvelopes>");
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-11", "Invalid UTF-8 in a string", "Robustness: malformed input",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         return replaceAll(x, "cwmp-lab", std::string("cwmp\xC3\x28lab"));
       },
       false, "server-error-on-bad-input"},
      {"ACS-ROB-12", "An over-long SerialNumber (over 64 characters)",
       "Robustness: schema limits (4.2)",
       [](const std::string& s) {
         std::string x = cwmp::encodeEnvelope(makeInform(s));
         return replaceAll(x, "<SerialNumber>" + s, "<SerialNumber>" + s + std::string(300, 'S'));
       },
       false, "server-error-on-bad-input"},
  };
  for (const auto& row : table) {
    out.push_back(
        {row.id,
         std::string("Robustness: ") + row.title + " gets a clean error and the ACS keeps serving",
         row.rule, Level::Mandatory, Side::Acs, row.defect, [row](CaseContext& ctx) {
           CpePeer peer(ctx, ctx.serial());
           std::string body = row.body(peer.serial());
           auto r = peer.postXml(row.title, body);
           bool clean = false;
           if (r.status >= 400 && r.status < 500) {
             clean = true;
           } else if (r.status == 200) {
             auto env = cwmp::decodeEnvelope(r.body);
             clean = env && std::holds_alternative<cwmp::Fault>(env->body);
           } else if (r.status == 0 && row.allow_connection_drop) {
             clean = true;  // refused before reading the whole body
           }
           ctx.require(clean, std::string("expected HTTP 4xx or a SOAP Fault for ") + row.title +
                                  ", got " + peer.describeResponse(r));
           ctx.require(r.body.find("root:") == std::string::npos,
                       "the response leaks the content of a local file");
           requireAcsStillServes(ctx, row.title);
         }});
  }
}

// --- RPCs the ACS issues (need a trigger) ---------------------------------------------------

struct RpcCase {
  const char* id;
  const char* method;
  const char* args;
  Level level;
  const char* rule;
  std::function<cwmp::Body(const cwmp::Body& request)> answer;
};

cwmp::Body answerFor(const cwmp::Body& request) {
  if (const auto* gpv = std::get_if<cwmp::GetParameterValues>(&request)) {
    cwmp::GetParameterValuesResponse r;
    for (const auto& name : gpv->parameter_names)
      r.parameter_list.push_back({name, "1.0.0", "xsd:string"});
    return r;
  }
  if (std::holds_alternative<cwmp::SetParameterValues>(request))
    return cwmp::SetParameterValuesResponse{};
  if (const auto* gpn = std::get_if<cwmp::GetParameterNames>(&request)) {
    cwmp::GetParameterNamesResponse r;
    r.parameter_list.push_back({gpn->parameter_path + "SoftwareVersion", false});
    return r;
  }
  if (const auto* gpa = std::get_if<cwmp::GetParameterAttributes>(&request)) {
    cwmp::GetParameterAttributesResponse r;
    for (const auto& name : gpa->parameter_names) r.parameter_list.push_back({name, 0, {}});
    return r;
  }
  if (std::holds_alternative<cwmp::SetParameterAttributes>(request))
    return cwmp::SetParameterAttributesResponse{};
  if (std::holds_alternative<cwmp::AddObject>(request)) return cwmp::AddObjectResponse{2, 0};
  if (std::holds_alternative<cwmp::DeleteObject>(request)) return cwmp::DeleteObjectResponse{0};
  if (std::holds_alternative<cwmp::Reboot>(request)) return cwmp::RebootResponse{};
  if (std::holds_alternative<cwmp::FactoryReset>(request)) return cwmp::FactoryResetResponse{};
  if (std::holds_alternative<cwmp::Download>(request)) return cwmp::DownloadResponse{};
  if (std::holds_alternative<cwmp::Upload>(request)) return cwmp::UploadResponse{};
  if (std::holds_alternative<cwmp::ScheduleInform>(request)) return cwmp::ScheduleInformResponse{};
  if (std::holds_alternative<cwmp::GetRPCMethods>(request)) {
    return cwmp::GetRPCMethodsResponse{{"GetRPCMethods", "GetParameterValues", "SetParameterValues",
                                        "GetParameterNames", "Reboot", "Download"}};
  }
  if (std::holds_alternative<cwmp::GetAllQueuedTransfers>(request))
    return cwmp::GetAllQueuedTransfersResponse{};
  if (std::holds_alternative<cwmp::ScheduleDownload>(request))
    return cwmp::ScheduleDownloadResponse{};
  if (std::holds_alternative<cwmp::CancelTransfer>(request)) return cwmp::CancelTransferResponse{};
  if (std::holds_alternative<cwmp::ChangeDUState>(request)) return cwmp::ChangeDUStateResponse{};
  return cwmp::makeFault(9000);
}

// Runs a session in which the ACS is expected to send `expected` after the empty POST.
void expectQueuedRpc(CaseContext& ctx, CpePeer& peer, const cwmp::Body& expected,
                     const std::string& label) {
  auto r = peer.postEmpty("empty POST (expecting " + label + ")");
  Envelope env = peer.expectEnvelope(r, "empty POST with " + label + " queued");
  if (cwmp::methodName(env.body) != cwmp::methodName(expected)) {
    ctx.fail("after the empty POST the ACS must send the queued " + label + ", it sent " +
             CpePeer::describeBody(env.body));
  }
  std::string got = cwmp::bodyToJson(env.body);
  std::string want = cwmp::bodyToJson(expected);
  ctx.require(got == want, label + " arrived with other arguments than queued: sent " + got +
                               ", queued " + want);
  ctx.require(env.header.id.has_value() && !env.header.id->empty(),
              label + " carries no cwmp:ID, so the CPE cannot tie its response to it");
  Envelope reply;
  reply.ns = env.ns;
  reply.header.id = env.header.id;
  reply.body = answerFor(env.body);
  peer.expect204(peer.postEnvelope(std::string(cwmp::methodName(reply.body)), reply),
                 "response to the last queued RPC");
}

void addRpcCases(std::vector<Case>& out) {
  std::vector<RpcCase> table = {
      {"ACS-RPC-GPV-01", "GetParameterValues",
       R"({"ParameterNames":["Device.DeviceInfo.SoftwareVersion","Device.DeviceInfo.UpTime"]})",
       Level::Mandatory, "RPC table: GetParameterValues REQUIRED for the ACS (A.3.2.2)", nullptr},
      {"ACS-RPC-SPV-01", "SetParameterValues",
       R"({"ParameterList":[{"Name":"Device.ManagementServer.PeriodicInformInterval","Value":"3600","Type":"xsd:unsignedInt"}],"ParameterKey":"conf-spv-1"})",
       Level::Mandatory, "RPC table: SetParameterValues REQUIRED for the ACS (A.3.2.1)", nullptr},
      {"ACS-RPC-GPN-01", "GetParameterNames",
       R"({"ParameterPath":"Device.DeviceInfo.","NextLevel":true})", Level::Mandatory,
       "RPC table: GetParameterNames REQUIRED for the ACS (A.3.2.3)", nullptr},
      {"ACS-RPC-DL-01", "Download",
       R"({"CommandKey":"conf-dl-1","FileType":"1 Firmware Upgrade Image","URL":"http://127.0.0.1:9/fw.bin","Username":"","Password":"","FileSize":1024,"TargetFileName":"fw.bin","DelaySeconds":0,"SuccessURL":"","FailureURL":""})",
       Level::Mandatory, "RPC table: Download REQUIRED for the ACS (A.3.2.8), T-XFER-01", nullptr},
      {"ACS-RPC-GPA-01", "GetParameterAttributes",
       R"({"ParameterNames":["Device.DeviceInfo.SoftwareVersion"]})", Level::Optional,
       "RPC table: GetParameterAttributes (A.3.2.5)", nullptr},
      {"ACS-RPC-SPA-01", "SetParameterAttributes",
       R"({"ParameterList":[{"Name":"Device.DeviceInfo.SoftwareVersion","NotificationChange":true,"Notification":2,"AccessListChange":false,"AccessList":[]}]})",
       Level::Optional, "RPC table: SetParameterAttributes (A.3.2.4)", nullptr},
      {"ACS-RPC-ADD-01", "AddObject",
       R"({"ObjectName":"Device.IP.Interface.","ParameterKey":"conf-add"})", Level::Optional,
       "RPC table: AddObject (A.3.2.6)", nullptr},
      {"ACS-RPC-DEL-01", "DeleteObject",
       R"({"ObjectName":"Device.IP.Interface.2.","ParameterKey":"conf-del"})", Level::Optional,
       "RPC table: DeleteObject (A.3.2.7)", nullptr},
      {"ACS-RPC-RB-01", "Reboot", R"({"CommandKey":"conf-reboot"})", Level::Optional,
       "RPC table: Reboot (A.3.2.9)", nullptr},
      {"ACS-RPC-FR-01", "FactoryReset", "{}", Level::Optional, "RPC table: FactoryReset (A.4.1.6)",
       nullptr},
      {"ACS-RPC-UL-01", "Upload",
       R"({"CommandKey":"conf-ul","FileType":"1 Vendor Configuration File","URL":"http://127.0.0.1:9/up","Username":"","Password":"","DelaySeconds":0})",
       Level::Optional, "RPC table: Upload (A.4.1.5)", nullptr},
      {"ACS-RPC-SI-01", "ScheduleInform", R"({"DelaySeconds":60,"CommandKey":"conf-si"})",
       Level::Optional, "RPC table: ScheduleInform (A.4.1.2)", nullptr},
      {"ACS-RPC-GRM-02", "GetRPCMethods", "{}", Level::Optional,
       "RPC table: GetRPCMethods issued by the ACS (A.3.1.1)", nullptr},
      {"ACS-RPC-GAQT-01", "GetAllQueuedTransfers", "{}", Level::Optional,
       "RPC table: GetAllQueuedTransfers, T-XFER-10", nullptr},
      {"ACS-RPC-SD-01", "ScheduleDownload",
       R"({"CommandKey":"conf-sd","FileType":"1 Firmware Upgrade Image","URL":"http://127.0.0.1:9/fw.bin","Username":"","Password":"","FileSize":0,"TargetFileName":"","TimeWindowList":[{"WindowStart":0,"WindowEnd":3600,"WindowMode":"1 At Any Time","UserMessage":"","MaxRetries":0}]})",
       Level::Optional, "RPC table: ScheduleDownload (A.4.1.8)", nullptr},
      {"ACS-RPC-CT-01", "CancelTransfer", R"({"CommandKey":"conf-dl-1"})", Level::Optional,
       "RPC table: CancelTransfer (A.4.1.9)", nullptr},
  };
  for (const auto& row : table) {
    std::string title = std::string("The ACS issues a queued ") + row.method +
                        " after the empty POST, with the queued arguments, then ends with 204";
    out.push_back({row.id, title, row.rule, row.level, Side::Acs, "drop-queued-rpcs",
                   [row](CaseContext& ctx) {
                     auto expected = cwmp::bodyFromJson(row.method, row.args);
                     if (!expected) {
                       ctx.fail(std::string("harness error: bad case arguments: ") +
                                expected.error().message);
                     }
                     CpePeer peer(ctx, ctx.serial());
                     peer.fullSession({"0 BOOTSTRAP", "1 BOOT"});  // the ACS knows the device
                     queueRpc(ctx, peer.deviceId(), row.method, row.args);
                     peer.inform({"6 CONNECTION REQUEST"});
                     expectQueuedRpc(ctx, peer, *expected, row.method);
                   }});
  }
  out.push_back(
      {"ACS-TASK-01", "Two queued RPCs arrive one per HTTP response, in order, then 204",
       "1.1.2, T-SESS-04 (Amd 6 §3.4.1: one envelope per message)", Level::Mandatory, Side::Acs,
       "no-204-after-response", [](CaseContext& ctx) {
         CpePeer peer(ctx, ctx.serial());
         peer.fullSession({"0 BOOTSTRAP", "1 BOOT"});
         const char* a = R"({"ParameterNames":["Device.DeviceInfo.SoftwareVersion"]})";
         const char* b = R"({"ParameterNames":["Device.DeviceInfo.HardwareVersion"]})";
         queueRpc(ctx, peer.deviceId(), "GetParameterValues", a);
         queueRpc(ctx, peer.deviceId(), "GetParameterValues", b);
         peer.inform({"6 CONNECTION REQUEST"});
         Envelope first = peer.expectEnvelope(peer.postEmpty(), "empty POST");
         ctx.require(cwmp::bodyToJson(first.body) == a,
                     "the first queued RPC must come first, got " + cwmp::bodyToJson(first.body));
         Envelope reply;
         reply.ns = first.ns;
         reply.header.id = first.header.id;
         reply.body = answerFor(first.body);
         Envelope second = peer.expectEnvelope(
             peer.postEnvelope("GetParameterValuesResponse 1", reply), "response to the first RPC");
         ctx.require(cwmp::bodyToJson(second.body) == b,
                     "the second queued RPC must follow the first response, got " +
                         CpePeer::describeBody(second.body));
         reply.header.id = second.header.id;
         reply.body = answerFor(second.body);
         peer.expect204(peer.postEnvelope("GetParameterValuesResponse 2", reply),
                        "response to the last queued RPC");
       }});
  out.push_back({"ACS-TASK-02", "A queued RPC is not sent in answer to a CPE request",
                 "T-SESS-04 (Amd 6 §3.7.1.4: ACS requests only after the CPE is done)",
                 Level::Mandatory, Side::Acs, "rpc-before-empty-post", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.fullSession({"0 BOOTSTRAP", "1 BOOT"});
                   const char* args = R"({"ParameterNames":["Device.DeviceInfo.SoftwareVersion"]})";
                   queueRpc(ctx, peer.deviceId(), "GetParameterValues", args);
                   peer.inform({"6 CONNECTION REQUEST"});
                   Envelope tc;
                   tc.header.id = "tc-1";
                   tc.body = cwmp::TransferComplete{};
                   peer.expectMessage<cwmp::TransferCompleteResponse>(
                       peer.postEnvelope("TransferComplete", tc),
                       "TransferComplete while an RPC is queued");
                   auto expected = cwmp::bodyFromJson("GetParameterValues", args);
                   expectQueuedRpc(ctx, peer, *expected, "GetParameterValues");
                 }});
  out.push_back({"ACS-TASK-03",
                 "A CPE fault response to a queued RPC is accepted and the session "
                 "ends cleanly",
                 "5.2 CPE faults (Amd 6 A.5.1: fault as response)", Level::Mandatory, Side::Acs,
                 "abort-on-cpe-fault", [](CaseContext& ctx) {
                   CpePeer peer(ctx, ctx.serial());
                   peer.fullSession({"0 BOOTSTRAP", "1 BOOT"});
                   queueRpc(ctx, peer.deviceId(), "GetParameterValues",
                            R"({"ParameterNames":["Device.NoSuchObject.Name"]})");
                   peer.inform({"6 CONNECTION REQUEST"});
                   Envelope rpc = peer.expectEnvelope(peer.postEmpty(), "empty POST");
                   ctx.require(std::holds_alternative<cwmp::GetParameterValues>(rpc.body),
                               "expected the queued GetParameterValues, got " +
                                   CpePeer::describeBody(rpc.body));
                   Envelope fault;
                   fault.ns = rpc.ns;
                   fault.header.id = rpc.header.id;
                   fault.body = cwmp::makeFault(9005);
                   auto r = peer.postXml("Fault 9005 in response", cwmp::encodeEnvelope(fault));
                   peer.expect204(r, "after the CPE's fault response");
                 }});
}

// --- Connection Request sent by the ACS (ACS side of 9.1) ----------------------------------

// Registers a device whose ConnectionRequestURL is `listener`, queues a GetParameterValues
// with a Connection Request, and returns what reached the listener (also added to the case's
// exchanges) once an accepted request arrived or the timeout passed.
std::vector<CrRequest> askForConnectionRequest(CaseContext& ctx, CpePeer& peer,
                                               CrListener& listener, const char* args) {
  Envelope inform = makeInform(peer.serial(), {"0 BOOTSTRAP", "1 BOOT"});
  auto& params = std::get<cwmp::Inform>(inform.body).parameter_list;
  for (auto& p : params) {
    if (p.name == "Device.ManagementServer.ConnectionRequestURL") p.value = listener.url();
  }
  params.push_back({"Device.ManagementServer.ConnectionRequestUsername", "cr-user", "xsd:string"});
  params.push_back({"Device.ManagementServer.ConnectionRequestPassword", "cr-pass", "xsd:string"});
  peer.expectMessage<cwmp::InformResponse>(peer.postEnvelope("Inform", inform), "Inform");
  peer.expect204(peer.postEmpty(), "empty POST");
  queueRpc(ctx, peer.deviceId(), "GetParameterValues", args, true);
  auto requests = listener.waitForAccepted(ctx.config().timeout * 2);
  for (const auto& r : requests) {
    Exchange ex;
    ex.note = "Connection Request received by the harness";
    ex.method = r.method;
    ex.target = r.uri;
    if (!r.authorization.empty()) ex.request_headers.emplace_back("Authorization", r.authorization);
    ex.status = r.accepted ? 200 : 401;
    ctx.exchanges().push_back(std::move(ex));
  }
  return requests;
}

void addConnectionRequestCases(std::vector<Case>& out) {
  static const char* kArgs = R"({"ParameterNames":["Device.DeviceInfo.SoftwareVersion"]})";
  out.push_back({"ACS-CR-01",
                 "The ACS sends a Connection Request as an HTTP GET to the "
                 "ConnectionRequestURL, and the queued RPC follows in the session",
                 "9.1 HTTP Connection Request (Amd 6 §3.2.2), ACS side of T-CR-03", Level::Optional,
                 Side::Acs, "no-connection-request", [](CaseContext& ctx) {
                   CrListener listener("", "");
                   CpePeer peer(ctx, ctx.serial());
                   auto requests = askForConnectionRequest(ctx, peer, listener, kArgs);
                   ctx.require(!requests.empty(),
                               "no Connection Request reached " + listener.url() + " within " +
                                   std::to_string((ctx.config().timeout * 2).count()) + " ms");
                   for (const auto& r : requests) {
                     ctx.require(r.method == "GET",
                                 "a Connection Request must be an HTTP GET, got " + r.method);
                   }
                   peer.inform({"6 CONNECTION REQUEST"});
                   expectQueuedRpc(ctx, peer, *cwmp::bodyFromJson("GetParameterValues", kArgs),
                                   "GetParameterValues");
                 }});
  out.push_back({"ACS-CR-02",
                 "The ACS answers the CPE's Digest challenge on a Connection Request "
                 "with the ConnectionRequestUsername/Password",
                 "9.1 (Amd 6 §3.2.2: Digest on Connection Requests), ACS side of T-CR-01",
                 Level::Optional, Side::Acs, "cr-no-digest", [](CaseContext& ctx) {
                   CrListener listener("cr-user", "cr-pass");
                   CpePeer peer(ctx, ctx.serial());
                   auto requests = askForConnectionRequest(ctx, peer, listener, kArgs);
                   ctx.require(!requests.empty(),
                               "no Connection Request reached " + listener.url());
                   bool accepted = false;
                   for (const auto& r : requests) accepted = accepted || r.accepted;
                   ctx.require(accepted,
                               "the Connection Request was challenged with HTTP Digest "
                               "but never retried with valid credentials (" +
                                   std::to_string(requests.size()) + " request(s))");
                   peer.inform({"6 CONNECTION REQUEST"});
                   expectQueuedRpc(ctx, peer, *cwmp::bodyFromJson("GetParameterValues", kArgs),
                                   "GetParameterValues");
                 }});
}

}  // namespace

std::vector<Case> acsCases() {
  std::vector<Case> out;
  addSessionCases(out);
  addSoapCases(out);
  addCpeRequestCases(out);
  addFaultCases(out);
  addHttpCases(out);
  addStyleCases(out);
  addEventCases(out);
  addRobustnessCases(out);
  addRpcCases(out);
  addConnectionRequestCases(out);
  return out;
}

}  // namespace conformance
