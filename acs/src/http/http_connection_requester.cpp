#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "acs/src/http/connection_request.h"
#include "acs/src/store/store.h"

namespace acs {

namespace {

struct Credentials {
  std::string username;
  std::string password;
};

// ConnectionRequestUsername/Password as the ACS last knew them (from the Inform, a GPV, or
// the SetParameterValues that set them: CPEs read passwords back as "").
Credentials credentialsOf(store::Store& store, const store::Device& device,
                          const HttpConnectionRequesterOptions& options) {
  Credentials c{options.default_username, options.default_password};
  for (const char* root : {"Device.", "InternetGatewayDevice."}) {
    auto params =
        store.getParameters(device.id, std::string(root) + "ManagementServer.ConnectionRequest");
    if (!params.ok()) continue;
    for (const auto& p : *params) {
      const std::string suffix = p.name.substr(p.name.rfind('.') + 1);
      if (suffix == "ConnectionRequestUsername" && !p.value.empty()) c.username = p.value;
      if (suffix == "ConnectionRequestPassword" && !p.value.empty()) c.password = p.value;
    }
  }
  return c;
}

void drain(std::istream& in) {
  Poco::NullOutputStream null;
  Poco::StreamCopier::copyStream(in, null);
}

}  // namespace

HttpConnectionRequester::HttpConnectionRequester(store::Store& store,
                                                 HttpConnectionRequesterOptions options)
    : store_(store), options_(std::move(options)) {}

ConnectionRequestOutcome HttpConnectionRequester::request(const store::Device& device) {
  ConnectionRequestOutcome out;
  if (device.connection_request_url.empty()) {
    out.message = "the device has not reported a ConnectionRequestURL";
    return out;
  }
  Poco::URI uri;
  try {
    uri = Poco::URI(device.connection_request_url);
  } catch (const Poco::Exception& e) {
    out.message =
        "invalid ConnectionRequestURL '" + device.connection_request_url + "': " + e.displayText();
    return out;
  }
  // TR-069 3.2.2 (checklist 9.1.2): connection requests are plain HTTP.
  if (uri.getScheme() != "http" || uri.getHost().empty()) {
    out.message = "unsupported ConnectionRequestURL '" + device.connection_request_url +
                  "' (an http:// URL is required)";
    return out;
  }
  const Credentials creds = credentialsOf(store_, device, options_);
  const std::string path = uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery();
  const long timeout_ms = static_cast<long>(options_.timeout.count());
  try {
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(timeout_ms / 1000, (timeout_ms % 1000) * 1000));
    Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, path,
                               Poco::Net::HTTPMessage::HTTP_1_1);
    get.setContentLength(0);
    session.sendRequest(get);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    drain(body);
    if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED) {
      const std::string challenge = response.get("WWW-Authenticate", "");
      const bool digest = Poco::Net::HTTPCredentials::isDigestCredentials(challenge);
      const bool basic = Poco::Net::HTTPCredentials::isBasicCredentials(challenge);
      if (!digest && !(basic && options_.allow_basic)) {
        out.http_status = 401;
        out.message = basic ? "the CPE asks for Basic authentication, which is not enabled for "
                              "connection requests (Digest is required)"
                            : "the CPE sent an unsupported authentication challenge";
        return out;
      }
      if (creds.username.empty()) {
        out.http_status = 401;
        out.message = "the CPE requires authentication but no ConnectionRequestUsername is known";
        return out;
      }
      Poco::Net::HTTPCredentials credentials(creds.username, creds.password);
      Poco::Net::HTTPRequest retry(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
      retry.setContentLength(0);
      credentials.authenticate(retry, response);
      if (!response.getKeepAlive()) session.reset();
      session.sendRequest(retry);
      Poco::Net::HTTPResponse second;
      drain(session.receiveResponse(second));
      response.setStatusAndReason(second.getStatus(), second.getReason());
    }
    out.http_status = static_cast<int>(response.getStatus());
    out.ok = out.http_status == 200 || out.http_status == 204;
    if (out.ok) {
      out.message = "connection request accepted (HTTP " + std::to_string(out.http_status) + ")";
    } else if (out.http_status == 401) {
      out.message = "the CPE rejected the connection request credentials (HTTP 401)";
    } else if (out.http_status == 503) {
      // genieacs reads 503 as "device offline"; TR-069 9.1.8: busy or rate-limited.
      out.message = "the CPE is busy or rate-limits connection requests (HTTP 503)";
    } else {
      out.message =
          "unexpected answer HTTP " + std::to_string(out.http_status) + " " + response.getReason();
    }
  } catch (const Poco::Net::ConnectionRefusedException&) {
    out.message = "device offline: connection refused";
  } catch (const Poco::TimeoutException&) {
    out.message = "device offline: no answer within " + std::to_string(timeout_ms) + " ms";
  } catch (const Poco::Net::NetException& e) {
    out.message = "device offline: " + e.displayText();
  } catch (const Poco::Exception& e) {
    out.message = "connection request failed: " + e.displayText();
  }
  return out;
}

}  // namespace acs
