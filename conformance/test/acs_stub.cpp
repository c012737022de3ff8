#include "acs_stub.h"
#include "lab/server_shutdown.h"

#include <deque>
#include <map>
#include <mutex>
#include <sstream>

#include "http_client.h"
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "cwmp/codec.h"
#include "cwmp/json.h"

namespace conformance::test {

const std::set<std::string>& stubDefects() {
  static const std::set<std::string> defects = {
      "max-envelopes-2",            // InformResponse MaxEnvelopes 2
      "accept-any-first",           // no Inform-first rule
      "empty-200-instead-of-204",   // ends sessions with an empty HTTP 200
      "accept-second-inform",       // a second Inform in a session is answered
      "no-lease",                   // concurrent sessions of one device allowed
      "no-session-cookie",          // no cookie: sessions cannot survive a new connection
      "lease-not-released",         // the device stays locked after its session ends
      "hold-then-400",              // HoldRequests=true, then the empty POST gets 400
      "wrong-namespace",            // answers in another cwmp namespace
      "drop-id",                    // no cwmp:ID on responses
      "ignore-supported-versions",  // no version negotiation
      "refuse-cpe-requests",        // CPE requests other than Inform get fault 8000
      "unknown-method-400",         // unknown methods get HTTP 400 instead of fault 8000
      "fault-on-500",               // faults travel with HTTP 500
      "end-session-after-fault",    // the session is forgotten after a fault
      "content-type-plain",         // SOAP responses as text/plain
      "require-empty-soapaction",   // requests need an empty SOAPAction header
      "auth-not-enforced",          // credentials configured but never checked
      "strict-parser",              // only byte-exact canonical envelopes are accepted
      "require-cwmp-id",            // Informs without a cwmp:ID header are refused
      "strict-events",              // only 1 BOOT / 6 CONNECTION REQUEST, <= 16 parameters
      "server-error-on-bad-input",  // undecodable input gets HTTP 500
      "no-body-limit",              // bodies of any size are read and parsed
      "drop-queued-rpcs",           // queued RPCs are never sent
      "no-204-after-response",      // after the last response: empty HTTP 200, not 204
      "rpc-before-empty-post",      // queued RPCs answer CPE requests
      "abort-on-cpe-fault",         // a CPE fault response gets HTTP 400
      "no-connection-request",      // connection_request tasks never send the GET
      "cr-no-digest",               // Connection Requests ignore the CPE's Digest challenge
  };
  return defects;
}

namespace {

constexpr std::size_t kMaxBody = 4 * 1024 * 1024;
constexpr const char* kCookie = "stubsession";

std::string md5Hex(const std::string& text) {
  Poco::MD5Engine md5;
  md5.update(text);
  return Poco::DigestEngine::digestToHex(md5.digest());
}

std::string authParam(const std::string& header, const std::string& key) {
  std::size_t pos = header.find(key + "=");
  while (pos != std::string::npos && pos > 0 && header[pos - 1] != ' ' && header[pos - 1] != ',') {
    pos = header.find(key + "=", pos + 1);
  }
  if (pos == std::string::npos) return {};
  std::size_t start = pos + key.size() + 1;
  if (start < header.size() && header[start] == '"') {
    std::size_t end = header.find('"', start + 1);
    return header.substr(start + 1, end - start - 1);
  }
  std::size_t end = header.find(',', start);
  return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

struct CrTarget {
  std::string url, username, password;
};

struct Session {
  std::string device;
  cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2;
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "text/xml; charset=utf-8";
  std::string set_cookie;
  std::string www_authenticate;
};

}  // namespace

struct AcsStub::Impl {
  StubOptions options;
  std::mutex mutex;
  std::map<std::string, Session> sessions;  // cookie -> session
  std::set<std::string> leased;             // devices in a session
  std::map<std::string, std::deque<cwmp::Body>> tasks;
  std::map<std::string, CrTarget> cr_targets;
  unsigned next_id = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::uint16_t port = 0;

  bool has(const char* defect) const { return options.defects.count(defect) != 0; }

  Reply envelope(const Session* s, cwmp::CwmpNamespace ns, std::optional<std::string> id,
                 cwmp::Body body) {
    cwmp::Envelope env;
    env.ns = ns;
    (void)s;
    if (!has("drop-id")) env.header.id = std::move(id);
    bool fault = std::holds_alternative<cwmp::Fault>(body);
    env.body = std::move(body);
    Reply r;
    r.body = cwmp::encodeEnvelope(env);
    if (fault && has("fault-on-500")) r.status = 500;
    if (has("content-type-plain")) r.content_type = "text/plain";
    return r;
  }

  Reply endOrNext(const std::string& cookie, Session& s, bool after_response) {
    auto& queue = tasks[s.device];
    if (!queue.empty() && !has("drop-queued-rpcs")) {
      cwmp::Body rpc = queue.front();
      queue.pop_front();
      return envelope(&s, s.ns, "acs-rpc-" + std::to_string(++next_id), std::move(rpc));
    }
    if (!has("lease-not-released")) leased.erase(s.device);
    sessions.erase(cookie);
    Reply r;
    r.content_type.clear();
    bool empty_200 =
        has("empty-200-instead-of-204") || (after_response && has("no-204-after-response"));
    r.status = empty_200 ? 200 : 204;
    return r;
  }

  Reply badRequest(const std::string& why) {
    Reply r;
    r.status = 400;
    r.content_type = "text/plain";
    r.body = why;
    return r;
  }

  std::optional<Reply> checkAuth(const Poco::Net::HTTPServerRequest& request,
                                 const std::string& method) {
    if (options.username.empty() || has("auth-not-enforced")) return std::nullopt;
    const std::string realm = "stub";
    std::string auth = request.get("Authorization", "");
    if (auth.rfind("Digest ", 0) == 0) {
      std::string nonce = authParam(auth, "nonce");
      std::string ha1 = md5Hex(authParam(auth, "username") + ":" + realm + ":" + options.password);
      std::string ha2 = md5Hex(method + ":" + authParam(auth, "uri"));
      std::string expected =
          md5Hex(ha1 + ":" + nonce + ":" + authParam(auth, "nc") + ":" + authParam(auth, "cnonce") +
                 ":" + authParam(auth, "qop") + ":" + ha2);
      if (authParam(auth, "username") == options.username &&
          authParam(auth, "response") == expected && nonce == "stub-nonce") {
        return std::nullopt;
      }
    }
    Reply r;
    r.status = 401;
    r.content_type = "text/plain";
    r.www_authenticate =
        "Digest realm=\"" + realm + "\", qop=\"auth\", nonce=\"stub-nonce\", algorithm=MD5";
    return r;
  }

  Reply handleCwmp(const Poco::Net::HTTPServerRequest& request, const std::string& body,
                   bool oversize) {
    std::lock_guard lock(mutex);
    if (auto challenge = checkAuth(request, request.getMethod())) return *challenge;
    if (oversize) {
      Reply r;
      r.status = 413;
      r.content_type = "text/plain";
      r.body = "body over the limit";
      return r;
    }
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    std::string cookie = cookies.get(kCookie, "");
    auto found = sessions.find(cookie);
    Session* session = found == sessions.end() ? nullptr : &found->second;

    if (body.empty()) {
      if (session != nullptr) {
        if (has("hold-then-400")) return badRequest("empty POST refused");
        return endOrNext(cookie, *session, false);
      }
      if (has("accept-any-first")) {
        Reply r;
        r.status = 204;
        r.content_type.clear();
        return r;
      }
      return badRequest("no session: start with an Inform");
    }
    if (has("require-empty-soapaction") &&
        (!request.has("SOAPAction") || !request.get("SOAPAction").empty())) {
      return badRequest("SOAPAction must be present and empty");
    }
    cwmp::DecodeOptions decode_options;
    if (has("no-body-limit")) decode_options.max_bytes = std::size_t{64} << 20;
    auto decoded = cwmp::decodeEnvelope(body, decode_options);
    if (!decoded) {
      if (has("server-error-on-bad-input")) {
        Reply r;
        r.status = 500;
        r.content_type = "text/plain";
        r.body = "internal error";
        return r;
      }
      if (decoded.error().code == cwmp::ErrorCode::UnknownMethod) {
        if (has("unknown-method-400")) return badRequest("unknown method");
        // Recover the ID the way a tolerant ACS does: read the cwmp:ID element text.
        std::optional<std::string> id;
        std::size_t at = body.find(":ID");
        if (at != std::string::npos) {
          std::size_t start = body.find('>', at);
          std::size_t end = body.find('<', start);
          if (start != std::string::npos && end != std::string::npos) {
            id = body.substr(start + 1, end - start - 1);
          }
        }
        Reply r = envelope(session, session ? session->ns : cwmp::CwmpNamespace::V1_2, id,
                           cwmp::makeFault(8000));
        if (session != nullptr && has("end-session-after-fault")) {
          leased.erase(session->device);
          sessions.erase(cookie);
        }
        return r;
      }
      return badRequest("cannot decode: " + decoded.error().message);
    }
    cwmp::Envelope& in = *decoded;

    if (const auto* inform = std::get_if<cwmp::Inform>(&in.body)) {
      if (session != nullptr && !has("accept-second-inform")) {
        return badRequest("a session has one Inform");
      }
      if (has("strict-parser") && cwmp::encodeEnvelope(in) != body) {
        return badRequest("envelope not in the canonical form");
      }
      if (has("require-cwmp-id") && !in.header.id) return badRequest("no cwmp:ID");
      if (has("strict-events")) {
        for (const auto& e : inform->event) {
          if (e.event_code != "1 BOOT" && e.event_code != "6 CONNECTION REQUEST") {
            return badRequest("unsupported event " + e.event_code);
          }
        }
        if (inform->parameter_list.size() > 16 || inform->retry_count != 0) {
          return badRequest("Inform too large");
        }
      }
      cwmp::Envelope out;
      out.ns = in.ns;
      if (has("wrong-namespace")) {
        out.ns = static_cast<cwmp::CwmpNamespace>((static_cast<int>(in.ns) + 1) % 5);
      }
      if (in.header.supported_cwmp_versions && !has("ignore-supported-versions")) {
        std::string best;
        for (const auto& v : cwmp::parseCwmpVersions(*in.header.supported_cwmp_versions)) {
          if (v >= "1.0" && v <= "1.4" && v > best) best = v;
        }
        if (best.empty()) {
          return envelope(nullptr, in.ns, in.header.id, cwmp::makeFault(8006));
        }
        out.header.use_cwmp_version = best;
      }
      std::string device = inform->device_id.oui + "-" + inform->device_id.product_class + "-" +
                           inform->device_id.serial_number;
      if (leased.count(device) != 0 && !has("no-lease") && session == nullptr) {
        return envelope(nullptr, in.ns, in.header.id, cwmp::makeFault(8005, "device in session"));
      }
      leased.insert(device);
      for (const auto& p : inform->parameter_list) {
        auto ends = [&p](std::string_view suffix) {
          return p.name.size() >= suffix.size() &&
                 p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends(".ConnectionRequestURL")) cr_targets[device].url = p.value;
        if (ends(".ConnectionRequestUsername")) cr_targets[device].username = p.value;
        if (ends(".ConnectionRequestPassword")) cr_targets[device].password = p.value;
      }
      std::string new_cookie = "s" + std::to_string(++next_id);
      sessions[new_cookie] = Session{device, in.ns};
      if (!has("drop-id")) out.header.id = in.header.id;
      if (has("hold-then-400")) out.header.hold_requests = true;
      cwmp::InformResponse response;
      response.max_envelopes = has("max-envelopes-2") ? 2 : 1;
      out.body = response;
      Reply r;
      r.body = cwmp::encodeEnvelope(out);
      if (has("content-type-plain")) r.content_type = "text/plain";
      if (!has("no-session-cookie")) r.set_cookie = new_cookie;
      return r;
    }

    if (session == nullptr && !has("accept-any-first")) {
      return badRequest("no session: start with an Inform");
    }
    Session scratch;
    Session& s = session != nullptr ? *session : scratch;
    if (has("strict-parser") && cwmp::encodeEnvelope(in) != body) {
      return badRequest("envelope not in the canonical form");
    }
    if (std::holds_alternative<cwmp::Fault>(in.body)) {
      if (has("abort-on-cpe-fault")) return badRequest("the CPE faulted");
      return endOrNext(cookie, s, true);
    }
    if (cwmp::isResponse(in.body)) return endOrNext(cookie, s, true);
    if (has("rpc-before-empty-post") && !tasks[s.device].empty()) {
      cwmp::Body rpc = tasks[s.device].front();
      tasks[s.device].pop_front();
      return envelope(&s, s.ns, "acs-rpc-" + std::to_string(++next_id), std::move(rpc));
    }
    if (has("refuse-cpe-requests")) return envelope(&s, in.ns, in.header.id, cwmp::makeFault(8000));
    cwmp::Body answer;
    if (std::holds_alternative<cwmp::TransferComplete>(in.body)) {
      answer = cwmp::TransferCompleteResponse{};
    } else if (std::holds_alternative<cwmp::AutonomousTransferComplete>(in.body)) {
      answer = cwmp::AutonomousTransferCompleteResponse{};
    } else if (std::holds_alternative<cwmp::GetRPCMethods>(in.body)) {
      answer = cwmp::GetRPCMethodsResponse{
          {"Inform", "GetRPCMethods", "TransferComplete", "AutonomousTransferComplete"}};
    } else if (std::holds_alternative<cwmp::DUStateChangeComplete>(in.body)) {
      answer = cwmp::DUStateChangeCompleteResponse{};
    } else if (std::holds_alternative<cwmp::AutonomousDUStateChangeComplete>(in.body)) {
      answer = cwmp::AutonomousDUStateChangeCompleteResponse{};
    } else if (std::holds_alternative<cwmp::RequestDownload>(in.body)) {
      answer = cwmp::RequestDownloadResponse{};
    } else if (std::holds_alternative<cwmp::Kicked>(in.body)) {
      answer = cwmp::KickedResponse{"http://lan.example/next"};
    } else {
      answer = cwmp::makeFault(8000);
    }
    return envelope(&s, in.ns, in.header.id, std::move(answer));
  }

  Reply handleTask(const std::string& device, const std::string& body) {
    try {
      Poco::JSON::Parser parser;
      auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
      std::string type = object->getValue<std::string>("task_type");
      std::ostringstream params;
      if (object->has("parameters")) {
        object->getObject("parameters")->stringify(params);
      } else {
        params << "{}";
      }
      auto rpc = cwmp::bodyFromJson(type, params.str());
      if (!rpc) return badRequest(rpc.error().message);
      bool connection_request =
          object->has("connection_request") && object->getValue<bool>("connection_request");
      CrTarget target;
      {
        std::lock_guard lock(mutex);
        tasks[device].push_back(std::move(*rpc));
        target = cr_targets[device];
      }
      if (connection_request && !has("no-connection-request") && !target.url.empty()) {
        std::vector<Exchange> log;
        HttpClient client(target.url, log, std::chrono::milliseconds(3000));
        if (!has("cr-no-digest")) client.setCredentials(target.username, target.password);
        HttpRequestOptions get;
        get.method = "GET";
        get.content_type.clear();
        client.send("Connection Request", "", get);
      }
      Reply r;
      r.status = 201;
      r.content_type = "application/json";
      r.body = "{}";
      return r;
    } catch (const Poco::Exception& e) {
      return badRequest(e.displayText());
    }
  }
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(AcsStub::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    Reply reply;
    const std::string& uri = request.getURI();
    bool oversize = request.hasContentLength() && request.getContentLength64() > 0 &&
                    static_cast<std::size_t>(request.getContentLength64()) > kMaxBody &&
                    !impl_.has("no-body-limit");
    std::string body;
    if (!oversize) Poco::StreamCopier::copyToString(request.stream(), body);
    if (request.getMethod() != "POST") {
      reply = impl_.badRequest("POST only");
    } else if (uri == "/cwmp") {
      reply = impl_.handleCwmp(request, body, oversize);
    } else if (uri.rfind("/api/devices/", 0) == 0 && uri.size() > 19 &&
               uri.substr(uri.size() - 6) == "/tasks") {
      reply = impl_.handleTask(uri.substr(13, uri.size() - 13 - 6), body);
    } else {
      reply.status = 404;
      reply.content_type = "text/plain";
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    if (!reply.set_cookie.empty()) {
      Poco::Net::HTTPCookie cookie(kCookie, reply.set_cookie);
      cookie.setPath("/");
      response.addCookie(cookie);
    }
    if (!reply.www_authenticate.empty()) response.set("WWW-Authenticate", reply.www_authenticate);
    if (oversize) response.setKeepAlive(false);
    if (reply.status == 204) {
      response.setContentLength(0);
      response.send();
      return;
    }
    if (!reply.content_type.empty()) response.setContentType(reply.content_type);
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    response.send() << reply.body;
  }

 private:
  AcsStub::Impl& impl_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(AcsStub::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);
  }

 private:
  AcsStub::Impl& impl_;
};

}  // namespace

AcsStub::AcsStub(StubOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  impl_->port = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setKeepAlive(true);
  params->setMaxThreads(8);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl_), socket, params);
  impl_->server->start();
}

AcsStub::~AcsStub() { lab::stopAndDrain(*impl_->server, true); }

std::uint16_t AcsStub::port() const { return impl_->port; }
std::string AcsStub::cwmpUrl() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/cwmp";
}
std::string AcsStub::apiUrl() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/api";
}

}  // namespace conformance::test
