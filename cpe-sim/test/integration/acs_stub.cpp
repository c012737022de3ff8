#include "test/integration/acs_stub.h"

#include <regex>
#include <sstream>

#include "lab/server_shutdown.h"
#include <Poco/Base64Decoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include "cwmp/codec.h"

namespace cpesim::testing {
namespace {

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string md5(const std::string& text) {
  Poco::MD5Engine engine;
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// key="value" or key=value pairs of an Authorization: Digest header (the stub's own parser,
// independent of the simulator's).
std::map<std::string, std::string> digestParams(const std::string& header) {
  std::map<std::string, std::string> out;
  static const std::regex pair(R"re((\w+)=(?:"([^"]*)"|([^,\s]*)))re");
  for (auto it = std::sregex_iterator(header.begin(), header.end(), pair);
       it != std::sregex_iterator(); ++it) {
    out[Poco::toLower((*it)[1].str())] = (*it)[2].matched ? (*it)[2].str() : (*it)[3].str();
  }
  return out;
}

class StubHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit StubHandler(AcsStub& stub) : stub_(stub) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    RecordedRequest r;
    r.at = std::chrono::steady_clock::now();
    r.method = request.getMethod();
    r.uri = request.getURI();
    for (const auto& [name, value] : request) r.headers.emplace_back(name, value);
    r.client_port = request.clientAddress().port();
    std::ostringstream body;
    Poco::StreamCopier::copyStream(request.stream(), body);
    r.body = body.str();
    AcsStub::Reply reply = stub_.handle(std::move(r));
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    for (const auto& [name, value] : reply.headers) response.add(name, value);
    if (!reply.body.empty()) response.setContentType("text/xml; charset=\"utf-8\"");
    response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    response.send() << reply.body;
  }

 private:
  AcsStub& stub_;
};

class StubFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit StubFactory(AcsStub& stub) : stub_(stub) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new StubHandler(stub_);
  }

 private:
  AcsStub& stub_;
};

}  // namespace

bool RecordedRequest::hasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (Poco::icompare(k, std::string(name)) == 0) return true;
  }
  return false;
}

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (Poco::icompare(k, std::string(name)) == 0) return v;
  }
  return {};
}

std::string_view RecordedRequest::methodName() const {
  return envelope ? cwmp::methodName(envelope->body) : std::string_view();
}

const cwmp::Inform* RecordedRequest::inform() const {
  return envelope ? std::get_if<cwmp::Inform>(&envelope->body) : nullptr;
}

bool RecordedRequest::hasEvent(std::string_view code, std::string_view command_key) const {
  const cwmp::Inform* i = inform();
  if (i == nullptr) return false;
  for (const cwmp::EventStruct& e : i->event) {
    if (e.event_code == code && (command_key.empty() || e.command_key == command_key)) return true;
  }
  return false;
}

AcsStub::AcsStub() : AcsStub(Options{}) {}

AcsStub::AcsStub(Options options) : options_(std::move(options)) {
  inform_faults_left_ = options_.inform_faults;
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(10, 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(newHandlerFactory(), socket, params);
  server_->start();
}

AcsStub::~AcsStub() { lab::stopAndDrain(*server_, true); }

std::string AcsStub::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/acs"; }

void AcsStub::queue(const std::string& serial, cwmp::Body request) {
  std::lock_guard<std::mutex> lock(mutex_);
  queued_[serial].push_back(std::move(request));
}

std::vector<RecordedRequest> AcsStub::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<RecordedRequest> AcsStub::informs(const std::string& serial) const {
  std::vector<RecordedRequest> out;
  for (RecordedRequest& r : requests()) {
    if (r.inform() != nullptr && (serial.empty() || r.serial == serial))
      out.push_back(std::move(r));
  }
  return out;
}

bool AcsStub::waitFor(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
                      std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done(requests_); });
}

bool AcsStub::waitForInforms(std::size_t count, std::chrono::milliseconds timeout) const {
  return waitFor(
      [count](const std::vector<RecordedRequest>& all) {
        std::size_t n = 0;
        for (const RecordedRequest& r : all) n += r.inform() != nullptr ? 1u : 0u;
        return n >= count;
      },
      timeout);
}

bool AcsStub::authorized(const RecordedRequest& request, std::string& challenge) {
  const std::string header = request.header("Authorization");
  if (options_.auth == Auth::Basic) {
    challenge = "Basic realm=\"" + options_.realm + "\"";
    if (header.rfind("Basic ", 0) != 0) return false;
    std::istringstream in(header.substr(6));
    Poco::Base64Decoder decoder(in);
    std::string decoded((std::istreambuf_iterator<char>(decoder)),
                        std::istreambuf_iterator<char>());
    return decoded == options_.username + ":" + options_.password;
  }
  const std::string nonce = "stub-nonce-" + std::to_string(++nonce_counter_);
  challenge = "Digest realm=\"" + options_.realm + "\", qop=\"auth\", nonce=\"" + nonce +
              "\", algorithm=MD5, opaque=\"stub\"";
  if (header.rfind("Digest ", 0) != 0) return false;
  auto p = digestParams(header.substr(7));
  if (p["username"] != options_.username || p["realm"] != options_.realm || p["qop"] != "auth" ||
      p["uri"] != request.uri) {
    return false;
  }
  const std::string ha1 = md5(options_.username + ":" + options_.realm + ":" + options_.password);
  const std::string ha2 = md5(request.method + ":" + p["uri"]);
  return p["response"] ==
         md5(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2);
}

AcsStub::Reply AcsStub::handle(RecordedRequest request) {
  Reply reply;
  std::unique_lock<std::mutex> lock(mutex_);
  auto record = [&](int status) {
    request.reply_status = status;
    requests_.push_back(std::move(request));
    changed_.notify_all();
  };
  if (!blank(request.body)) {
    cwmp::Result<cwmp::Envelope> decoded = cwmp::decodeEnvelope(request.body);
    if (decoded)
      request.envelope = std::move(*decoded);
    else
      request.decode_error = decoded.error().message;
  }
  if (options_.auth != Auth::None) {
    std::string challenge;
    if (!authorized(request, challenge)) {
      reply.status = 401;
      reply.headers.emplace_back("WWW-Authenticate", challenge);
      record(401);
      return reply;
    }
  }
  if (options_.redirect_first_post && request.uri == "/acs") {
    reply.status = 307;
    reply.headers.emplace_back("Location", "/acs2");
    record(307);
    return reply;
  }
  // The session from the cookie.
  std::uint64_t session = 0;
  const std::string cookie = request.header("Cookie");
  if (auto at = cookie.find("session="); at != std::string::npos) {
    session = std::strtoull(cookie.c_str() + at + 8, nullptr, 10);
  }
  if (const cwmp::Inform* inform = request.inform()) {
    request.serial = inform->device_id.serial_number;
    cwmp::Envelope out;
    out.ns = request.envelope->ns;
    out.header.id = request.envelope->header.id;
    if (inform_faults_left_ > 0) {
      --inform_faults_left_;
      out.body = cwmp::makeFault(options_.inform_fault);
      reply.body = cwmp::encodeEnvelope(out);
      record(200);
      return reply;
    }
    session = next_session_++;
    sessions_[session] = request.serial;
    session_ns_[session] = out.ns;
    request.session = session;
    out.body = cwmp::InformResponse{};
    reply.body = cwmp::encodeEnvelope(out);
    reply.headers.emplace_back("Set-Cookie", "session=" + std::to_string(session) + "; Path=/acs");
    record(200);
    return reply;
  }
  auto known = sessions_.find(session);
  if (known == sessions_.end()) {
    reply.status = 400;  // no session: a CPE must start with an Inform and echo the cookie
    record(400);
    return reply;
  }
  request.serial = known->second;
  request.session = session;
  cwmp::Envelope out;
  out.ns = session_ns_[session];
  if (request.envelope && std::holds_alternative<cwmp::TransferComplete>(request.envelope->body)) {
    out.header.id = request.envelope->header.id;
    out.body = cwmp::TransferCompleteResponse{};
    reply.body = cwmp::encodeEnvelope(out);
    record(200);
    return reply;
  }
  if (request.envelope && !cwmp::isResponse(request.envelope->body)) {
    out.header.id = request.envelope->header.id;
    out.body = cwmp::makeFault(8000);
    reply.body = cwmp::encodeEnvelope(out);
    record(200);
    return reply;
  }
  // An empty POST or a response: the next queued request, or the end of the session.
  auto& queue = queued_[known->second];
  if (queue.empty()) {
    reply.status = 204;
    record(204);
    return reply;
  }
  out.header.id = "stub-" + std::to_string(next_id_++);
  out.body = std::move(queue.front());
  queue.pop_front();
  reply.body = cwmp::encodeEnvelope(out);
  record(200);
  return reply;
}

Poco::Net::HTTPRequestHandlerFactory* AcsStub::newHandlerFactory() {
  return new StubFactory(*this);
}

std::string informXml(const std::string& serial, const std::string& event, const std::string& id) {
  cwmp::Envelope e;
  e.header.id = id;
  cwmp::Inform inform;
  inform.device_id = {"cwmp-lab", "00D09E", "TestBox", serial};
  inform.event = {{event, ""}};
  e.body = inform;
  return cwmp::encodeEnvelope(e);
}

}  // namespace cpesim::testing
