// conformance/cpe_peer.h: helpers for cases that play a CPE against the ACS under test.
//
// They build Informs with the codec, post envelopes through a recording HttpClient and
// check the ACS's answers, failing the case (CaseContext::fail) with a message that says
// what was expected and what arrived.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "case_model.h"
#include "http_client.h"

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace conformance {

inline constexpr std::string_view kOui = "00D0C9";
inline constexpr std::string_view kProductClass = "ConformanceCPE";

// The device id our ACS (and genieacs) derive from the DeviceId: OUI-ProductClass-Serial.
std::string deviceIdFor(const std::string& serial);

// An Inform of a TR-181 device with the given serial and events, ID "inform-1".
cwmp::Envelope makeInform(const std::string& serial, std::vector<std::string> events = {"1 BOOT"},
                          cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2);

class CpePeer {
 public:
  CpePeer(CaseContext& ctx, std::string serial);

  HttpClient& http() { return http_; }
  const std::string& serial() const { return serial_; }
  std::string deviceId() const { return deviceIdFor(serial_); }

  // Posts raw XML (SOAPAction "" as a CPE request carries it, T-HTTP-02).
  HttpResponse postXml(const std::string& note, const std::string& xml,
                       HttpRequestOptions options = {});
  HttpResponse postEnvelope(const std::string& note, const cwmp::Envelope& envelope,
                            const cwmp::EncodeOptions& encode = {});
  // The empty POST: no body, no Content-Type, no SOAPAction (T-HTTP-01).
  HttpResponse postEmpty(const std::string& note = "empty POST");

  // Requires HTTP 200 with a decodable SOAP envelope; returns it.
  cwmp::Envelope expectEnvelope(const HttpResponse& response, const std::string& what);
  // Requires HTTP 200 carrying message type T; returns it and the envelope.
  template <class T>
  T expectMessage(const HttpResponse& response, const std::string& what,
                  cwmp::Envelope* envelope_out = nullptr) {
    cwmp::Envelope env = expectEnvelope(response, what);
    const T* message = std::get_if<T>(&env.body);
    if (message == nullptr) {
      ctx_.fail(what + ": expected " + std::string(T::kMethod) + ", got " + describeBody(env.body));
    }
    T copy = *message;
    if (envelope_out != nullptr) *envelope_out = std::move(env);
    return copy;
  }
  // Requires HTTP 204 with an empty body.
  void expect204(const HttpResponse& response, const std::string& what);

  // Inform (1 BOOT) -> InformResponse; returns the InformResponse envelope.
  cwmp::Envelope inform(std::vector<std::string> events = {"1 BOOT"},
                        cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2);
  // Inform, empty POST, 204: a complete session with no work.
  void fullSession(std::vector<std::string> events = {"1 BOOT"});

  static std::string describeBody(const cwmp::Body& body);
  std::string describeResponse(const HttpResponse& response) const;

 private:
  CaseContext& ctx_;
  std::string serial_;
  HttpClient http_;
};

// Requires a complete session with a fresh device to succeed: the ACS still serves others
// after whatever the case did.
void requireAcsStillServes(CaseContext& ctx, const std::string& after);

// Queues an RPC through the configured trigger (skips the case when there is none).
void queueRpc(CaseContext& ctx, const std::string& device_id, const std::string& method,
              const std::string& args_json, bool connection_request = false);

}  // namespace conformance
