#include "cpe_peer.h"

namespace conformance {

std::string deviceIdFor(const std::string& serial) {
  return std::string(kOui) + "-" + std::string(kProductClass) + "-" + serial;
}

cwmp::Envelope makeInform(const std::string& serial, std::vector<std::string> events,
                          cwmp::CwmpNamespace ns) {
  cwmp::Envelope env;
  env.ns = ns;
  env.header.id = "inform-1";
  cwmp::Inform inform;
  inform.device_id = {.manufacturer = "cwmp-lab",
                      .oui = std::string(kOui),
                      .product_class = std::string(kProductClass),
                      .serial_number = serial};
  for (auto& code : events) inform.event.push_back({.event_code = code, .command_key = ""});
  inform.max_envelopes = 1;
  inform.current_time = "2026-01-01T00:00:00Z";
  inform.retry_count = 0;
  auto p = [](std::string name, std::string value, std::string type) {
    return cwmp::ParameterValueStruct{std::move(name), std::move(value), std::move(type)};
  };
  inform.parameter_list = {
      p("Device.RootDataModelVersion", "2.12", "xsd:string"),
      p("Device.DeviceInfo.HardwareVersion", "HW1", "xsd:string"),
      p("Device.DeviceInfo.SoftwareVersion", "1.0.0", "xsd:string"),
      p("Device.DeviceInfo.ProvisioningCode", "", "xsd:string"),
      p("Device.ManagementServer.ParameterKey", "", "xsd:string"),
      p("Device.ManagementServer.ConnectionRequestURL", "http://127.0.0.1:9/cr/" + serial,
        "xsd:string"),
      p("Device.ManagementServer.AliasBasedAddressing", "false", "xsd:boolean"),
  };
  env.body = std::move(inform);
  return env;
}

CpePeer::CpePeer(CaseContext& ctx, std::string serial)
    : ctx_(ctx),
      serial_(std::move(serial)),
      http_(ctx.config().acs_url, ctx.exchanges(), ctx.config().timeout, clientTls(ctx.config())) {
  if (!ctx.config().cpe_username.empty()) {
    http_.setCredentials(ctx.config().cpe_username, ctx.config().cpe_password);
  }
}

HttpResponse CpePeer::postXml(const std::string& note, const std::string& xml,
                              HttpRequestOptions options) {
  if (!options.soap_action) options.soap_action = "";
  return http_.send(note, xml, options);
}

HttpResponse CpePeer::postEnvelope(const std::string& note, const cwmp::Envelope& envelope,
                                   const cwmp::EncodeOptions& encode) {
  return postXml(note, cwmp::encodeEnvelope(envelope, encode));
}

HttpResponse CpePeer::postEmpty(const std::string& note) {
  HttpRequestOptions options;
  options.content_type = "";
  return http_.send(note, "", options);
}

std::string CpePeer::describeBody(const cwmp::Body& body) {
  if (const auto* fault = std::get_if<cwmp::Fault>(&body)) {
    return "Fault " + std::to_string(fault->fault_code) + " (" + fault->fault_string + ")";
  }
  std::string_view name = cwmp::methodName(body);
  return name.empty() ? std::string("an empty SOAP Body") : std::string(name);
}

std::string CpePeer::describeResponse(const HttpResponse& response) const {
  if (response.status == 0) return "no response (" + response.error + ")";
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) {
    auto env = cwmp::decodeEnvelope(response.body);
    text += env ? " carrying " + describeBody(env->body)
                : " with a " + std::to_string(response.body.size()) + "-byte non-SOAP body";
  }
  return text;
}

cwmp::Envelope CpePeer::expectEnvelope(const HttpResponse& response, const std::string& what) {
  if (response.status != 200) {
    ctx_.fail(what + ": expected HTTP 200 with a SOAP envelope, got " + describeResponse(response));
  }
  auto env = cwmp::decodeEnvelope(response.body);
  if (!env) {
    ctx_.fail(what + ": the HTTP 200 body is not a CWMP envelope: " + env.error().message);
  }
  return std::move(*env);
}

void CpePeer::expect204(const HttpResponse& response, const std::string& what) {
  if (response.status != 204) {
    ctx_.fail(what + ": expected HTTP 204 No Content ending the session, got " +
              describeResponse(response));
  }
  if (!response.body.empty()) {
    ctx_.fail(what + ": HTTP 204 carries a " + std::to_string(response.body.size()) +
              "-byte body; it must be empty");
  }
}

cwmp::Envelope CpePeer::inform(std::vector<std::string> events, cwmp::CwmpNamespace ns) {
  cwmp::Envelope env;
  expectMessage<cwmp::InformResponse>(
      postEnvelope("Inform", makeInform(serial_, std::move(events), ns)), "Inform", &env);
  return env;
}

void CpePeer::fullSession(std::vector<std::string> events) {
  inform(std::move(events));
  expect204(postEmpty(), "empty POST with nothing queued");
}

void requireAcsStillServes(CaseContext& ctx, const std::string& after) {
  CpePeer peer(ctx, ctx.serial("next"));
  cwmp::Envelope env;
  HttpResponse r =
      peer.postEnvelope("Inform of another device " + after, makeInform(peer.serial()));
  if (r.status != 200) {
    ctx.fail("after " + after + " the ACS no longer serves a normal session: the next Inform got " +
             peer.describeResponse(r));
  }
  peer.expectMessage<cwmp::InformResponse>(r, "Inform after " + after);
  peer.expect204(peer.postEmpty(), "empty POST after " + after);
}

void queueRpc(CaseContext& ctx, const std::string& device_id, const std::string& method,
              const std::string& args_json, bool connection_request) {
  if (!ctx.config().trigger) {
    ctx.skip("needs the ACS to issue " + method +
             ": configure --trigger-api or --trigger-cmd to run it");
  }
  std::string error = ctx.config().trigger->queue(device_id, method, args_json, connection_request);
  if (!error.empty()) {
    ctx.fail("the trigger (" + ctx.config().trigger->describe() + ") could not queue " + method +
             " for " + device_id + ": " + error);
  }
}

}  // namespace conformance
