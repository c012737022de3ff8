#include "cpe_harness.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "http_client.h"
#include "lab/server_shutdown.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "cwmp/codec.h"

namespace conformance {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string hostForUrl(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty() ? std::string("127.0.0.1") : host;
}

// How long a handler thread waits for the case thread's answer before giving up with 204.
constexpr std::chrono::minutes kAnswerLimit{10};

}  // namespace

std::optional<std::string> CpePost::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

// --- AcsEndpoint ---------------------------------------------------------------------------

struct AcsEndpoint::Impl {
  struct Answer {
    bool ready = false;
    int status = 204;
    std::string body;
  };
  std::mutex mutex;
  std::condition_variable arrived;       // a POST was queued
  std::condition_variable answered;      // an answer was given
  std::deque<CpePost> queue;             // not yet taken
  std::map<std::uint64_t, Answer> open;  // every POST not yet answered (queued or taken)
  std::uint64_t next_id = 1;
  bool stopping = false;
  std::string host;
  std::uint16_t port = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

namespace {

class AcsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit AcsHandler(AcsEndpoint::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    CpePost post;
    post.uri = request.getURI();
    for (const auto& [k, v] : request) post.headers.emplace_back(k, v);
    Poco::StreamCopier::copyToString(request.stream(), post.body);
    AcsEndpoint::Impl::Answer answer;
    {
      std::unique_lock lock(impl_.mutex);
      if (request.getMethod() != "POST" || impl_.stopping) {
        lock.unlock();
        response.setStatusAndReason(request.getMethod() != "POST"
                                        ? Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED
                                        : Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
        response.setContentLength(0);
        response.send();
        return;
      }
      post.id = impl_.next_id++;
      const std::uint64_t id = post.id;
      impl_.open[id] = {};
      impl_.queue.push_back(std::move(post));
      impl_.arrived.notify_all();
      impl_.answered.wait_for(lock, kAnswerLimit,
                              [&] { return impl_.open[id].ready || impl_.stopping; });
      answer = std::move(impl_.open[id]);
      impl_.open.erase(id);
      std::erase_if(impl_.queue, [&](const CpePost& p) { return p.id == id; });
    }
    if (!answer.ready) answer.status = 204;
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    if (!answer.body.empty()) {
      response.setContentType("text/xml; charset=utf-8");
      response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
      response.send() << answer.body;
    } else {
      response.setContentLength(0);
      response.send();
    }
  }

 private:
  AcsEndpoint::Impl& impl_;
};

template <class Handler, class Impl>
class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);
  }

 private:
  Impl& impl_;
};

}  // namespace

AcsEndpoint::AcsEndpoint(const std::string& host, std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, port));
  impl_->host = host;
  impl_->port = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(true);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory<AcsHandler, Impl>(*impl_),
                                                          socket, params);
  impl_->server->start();
}

AcsEndpoint::~AcsEndpoint() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->answered.notify_all();
  }
  lab::stopAndDrain(*impl_->server, true);
}

std::uint16_t AcsEndpoint::port() const { return impl_->port; }

std::string AcsEndpoint::url() const {
  return "http://" + hostForUrl(impl_->host) + ":" + std::to_string(impl_->port) + "/cwmp";
}

std::optional<CpePost> AcsEndpoint::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  if (!impl_->arrived.wait_for(lock, timeout, [&] { return !impl_->queue.empty(); })) {
    return std::nullopt;
  }
  CpePost post = std::move(impl_->queue.front());
  impl_->queue.pop_front();
  return post;
}

bool AcsEndpoint::waitForPost(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return !impl_->queue.empty(); });
}

void AcsEndpoint::answer(std::uint64_t id, int status, std::string body) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->open.find(id);
  if (it == impl_->open.end()) return;  // the handler gave up already
  it->second.ready = true;
  it->second.status = status;
  it->second.body = std::move(body);
  impl_->answered.notify_all();
}

void AcsEndpoint::answerAllWith204() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [id, a] : impl_->open) {
    if (!a.ready) {
      a.ready = true;
      a.status = 204;
      a.body.clear();
    }
  }
  impl_->queue.clear();
  impl_->answered.notify_all();
}

// --- FileServer ----------------------------------------------------------------------------

struct FileServer::Impl {
  mutable std::mutex mutex;
  std::map<std::string, std::string> files;
  std::map<std::string, int> requests;
  std::uint16_t port = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

namespace {

class FileHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FileHandler(FileServer::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string ignored;
    Poco::StreamCopier::copyToString(request.stream(), ignored);
    const std::string path = request.getURI();
    std::optional<std::string> content;
    {
      std::lock_guard lock(impl_.mutex);
      if (path.rfind("/files/", 0) == 0) {
        const std::string name = path.substr(7);
        ++impl_.requests[name];
        auto it = impl_.files.find(name);
        if (it != impl_.files.end() && request.getMethod() == "GET") content = it->second;
      }
    }
    if (!content) {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      response.setContentLength(0);
      response.send();
      return;
    }
    response.setContentType("application/octet-stream");
    response.setContentLength(static_cast<std::streamsize>(content->size()));
    response.send() << *content;
  }

 private:
  FileServer::Impl& impl_;
};

}  // namespace

FileServer::FileServer(const std::string& host) : impl_(std::make_unique<Impl>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, 0));
  impl_->port = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory<FileHandler, Impl>(*impl_),
                                                          socket, params);
  impl_->server->start();
}

FileServer::~FileServer() { lab::stopAndDrain(*impl_->server, true); }

std::uint16_t FileServer::port() const { return impl_->port; }

void FileServer::put(const std::string& name, std::string content) {
  std::lock_guard lock(impl_->mutex);
  impl_->files[name] = std::move(content);
}

int FileServer::requests(const std::string& name) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->requests.find(name);
  return it == impl_->requests.end() ? 0 : it->second;
}

std::string CpeTarget::fileUrl(const std::string& name) const {
  // The host the CPE used to reach our ACS endpoint reaches the file server too.
  std::string host = host_seen.empty() ? std::string("127.0.0.1") : host_seen;
  if (host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.find(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  return "http://" + host + ":" + std::to_string(files->port()) + "/files/" + name;
}

// --- AcsSession ----------------------------------------------------------------------------

namespace {

CpeTarget& targetOf(const CaseContext& ctx) {
  if (!ctx.config().cpe || !ctx.config().cpe->acs || !ctx.config().cpe->files) {
    ctx.skip("a CPE-mode case needs the harness's ACS endpoint (conformance cpe --listen)");
  }
  return *ctx.config().cpe;
}

}  // namespace

AcsSession::AcsSession(CaseContext& ctx) : ctx_(ctx), target_(targetOf(ctx)) {}

AcsSession::~AcsSession() {
  if (!current_) return;
  // Recorded too, so a failing case's report shows the POST it stopped at.
  try {
    reply204("204: the case ended here");
  } catch (...) {
    target_.acs->answer(current_->id, 204, "");
  }
}

std::chrono::milliseconds AcsSession::timeout() const { return ctx_.config().timeout; }

std::string AcsSession::describe(const cwmp::Body& body) {
  if (const auto* f = std::get_if<cwmp::Fault>(&body)) {
    std::string text = "fault " + std::to_string(f->fault_code);
    if (!f->fault_string.empty()) text += " (" + f->fault_string + ")";
    return text;
  }
  std::string_view m = cwmp::methodName(body);
  return m.empty() ? std::string("an empty SOAP body") : std::string(m);
}

bool AcsSession::hasEvent(const cwmp::Inform& inform, const std::string& code,
                          const std::optional<std::string>& command_key) {
  for (const auto& e : inform.event) {
    if (e.event_code == code && (!command_key || e.command_key == *command_key)) return true;
  }
  return false;
}

std::string AcsSession::events(const cwmp::Inform& inform) {
  std::string out;
  for (const auto& e : inform.event) {
    if (!out.empty()) out += ", ";
    out += "'" + e.event_code + "'";
    if (!e.command_key.empty()) out += " (CommandKey '" + e.command_key + "')";
  }
  return out.empty() ? std::string("no events") : out;
}

std::string AcsSession::unique(const std::string& prefix) {
  return prefix + "-" + ctx_.config().run_tag + "-" + std::to_string(++target_.sequence);
}

CpePost AcsSession::receive(const std::string& what, std::chrono::milliseconds timeout) {
  if (current_) reply204("204 to a POST the case left unanswered");
  std::optional<CpePost> post = target_.acs->next(timeout);
  if (!post) {
    ctx_.fail("waited " + std::to_string(timeout.count()) + " ms for " + what +
              " from the CPE; nothing arrived");
  }
  if (auto host = post->header("Host")) target_.host_seen = *host;
  current_ = *post;
  return *post;
}

cwmp::Envelope AcsSession::decode(const CpePost& post, const std::string& what) {
  if (post.body.empty()) ctx_.fail(what + ": expected a SOAP envelope, the CPE sent an empty POST");
  auto env = cwmp::decodeEnvelope(post.body);
  if (!env) ctx_.fail(what + ": the CPE's POST does not decode: " + env.error().message);
  return std::move(*env);
}

void AcsSession::replyRaw(const std::string& note, const std::string& xml) {
  if (!current_) ctx_.fail("harness: nothing to answer for " + note);
  Exchange ex;
  ex.note = note;
  ex.method = "POST (from the CPE)";
  ex.target = current_->uri;
  ex.request_headers = current_->headers;
  ex.request_body = current_->body.substr(0, kMaxRecordedBody);
  ex.status = xml.empty() ? 204 : 200;
  ex.reason = xml.empty() ? "No Content" : "OK";
  if (!xml.empty()) ex.response_headers.emplace_back("Content-Type", "text/xml; charset=utf-8");
  ex.response_body = xml.substr(0, kMaxRecordedBody);
  ctx_.exchanges().push_back(std::move(ex));
  target_.acs->answer(current_->id, xml.empty() ? 204 : 200, xml);
  current_.reset();
}

void AcsSession::reply(const std::string& note, const cwmp::Envelope& envelope) {
  replyRaw(note, cwmp::encodeEnvelope(envelope));
}

void AcsSession::reply204(const std::string& note) { replyRaw(note, ""); }

void AcsSession::connectionRequest(const std::string& note) {
  if (target_.cr_url.empty()) {
    ctx_.fail(
        "no Connection Request URL: the CPE reported none in its Inform and --cr-url "
        "was not given");
  }
  HttpClient client(target_.cr_url, ctx_.exchanges(), timeout());
  if (!target_.cr_username.empty()) client.setCredentials(target_.cr_username, target_.cr_password);
  HttpRequestOptions get;
  get.method = "GET";
  get.content_type = "";
  HttpResponse r = client.send(note, "", get);
  if (r.status == 401 && target_.cr_username.empty()) {
    // The device is right to ask; the harness was not told its credentials.
    ctx_.skip("the CPE wants Connection Request credentials: give --cr-user and --cr-password");
  }
  if (r.status != 200 && r.status != 204) {
    ctx_.fail(note + ": the Connection Request to " + target_.cr_url + " got " +
              (r.status == 0 ? "no answer (" + r.error + ")" : "HTTP " + std::to_string(r.status)));
  }
}

cwmp::Envelope AcsSession::awaitInform(const std::string& why, bool connection_request,
                                       std::chrono::milliseconds timeout) {
  bool requested = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::optional<CpePost> queued = target_.acs->next(std::chrono::milliseconds(0));
    // Without a Connection Request URL yet (none given, no Inform seen), the device's own
    // session (its boot) is awaited.
    if (!queued && connection_request && !requested && !target_.cr_url.empty()) {
      connectionRequest("Connection Request (" + why + ")");
      requested = true;
    }
    CpePost post;
    if (queued) {
      post = *queued;
      if (auto host = post.header("Host")) target_.host_seen = *host;
      current_ = post;
    } else {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      post = receive("an Inform (" + why + ")", std::max(left, std::chrono::milliseconds(1)));
    }
    auto env = post.body.empty() ? cwmp::Result<cwmp::Envelope>(cwmp::Envelope{})
                                 : cwmp::decodeEnvelope(post.body);
    const cwmp::Inform* inform = env ? std::get_if<cwmp::Inform>(&env->body) : nullptr;
    if (inform == nullptr) {
      reply204("204 to a POST left over from an earlier session");
      continue;
    }
    if (!target_.device_serial.empty() &&
        inform->device_id.serial_number != target_.device_serial) {
      cwmp::Envelope fault;
      fault.ns = env->ns;
      fault.header.id = env->header.id;
      fault.body = cwmp::makeFault(8005, "the harness tests another device");
      reply("8005 to an Inform of device " + inform->device_id.serial_number, fault);
      continue;
    }
    ns_ = env->ns;
    for (const auto& p : inform->parameter_list) {
      if (target_.root.empty() && p.name.find('.') != std::string::npos) {
        target_.root = p.name.substr(0, p.name.find('.') + 1);
      }
      if (p.name.ends_with(".ManagementServer.ConnectionRequestURL") && !p.value.empty() &&
          !target_.cr_url_given) {
        target_.cr_url = p.value;
      }
    }
    return std::move(*env);
  }
}

OpenedSession AcsSession::open(const std::string& why) { return openAfter(why, true, timeout()); }

OpenedSession AcsSession::openAfter(const std::string& why, bool connection_request,
                                    std::chrono::milliseconds timeout) {
  OpenedSession out;
  cwmp::Envelope env = awaitInform(why, connection_request, timeout);
  out.inform = std::get<cwmp::Inform>(env.body);
  cwmp::Envelope response;
  response.ns = env.ns;
  response.header.id = env.header.id;
  response.body = cwmp::InformResponse{};
  reply("InformResponse", response);
  for (;;) {
    CpePost post = receive("the CPE's empty POST (or its own requests)", this->timeout());
    if (post.body.empty()) return out;
    cwmp::Envelope request = decode(post, "the CPE's request after the InformResponse");
    cwmp::Envelope answer;
    answer.ns = request.ns;
    answer.header.id = request.header.id;
    if (const auto* tc = std::get_if<cwmp::TransferComplete>(&request.body)) {
      out.transfer_completes.push_back(*tc);
      answer.body = cwmp::TransferCompleteResponse{};
    } else if (std::holds_alternative<cwmp::GetRPCMethods>(request.body)) {
      answer.body = cwmp::GetRPCMethodsResponse{};
    } else {
      ctx_.fail(
          "after the InformResponse the CPE must send its own requests or the empty POST "
          "(0-byte body); it sent " +
          describe(request.body));
    }
    reply("response to the CPE's " + describe(request.body), answer);
  }
}

cwmp::Envelope AcsSession::call(const std::string& note, cwmp::Body request) {
  if (current_ == std::nullopt) ctx_.fail("harness: no open POST to carry " + note);
  cwmp::Envelope env;
  env.ns = ns_;
  const std::string id = "acs-" + std::to_string(next_id_++);
  env.header.id = id;
  env.body = std::move(request);
  reply(note, env);
  CpePost post = receive("the response to " + note, timeout());
  return decode(post, "the response to " + note);
}

cwmp::Fault AcsSession::callExpectFault(const std::string& note, cwmp::Body request) {
  cwmp::Envelope env = call(note, std::move(request));
  const auto* fault = std::get_if<cwmp::Fault>(&env.body);
  if (fault == nullptr)
    ctx_.fail(note + ": expected a fault, the CPE answered " + describe(env.body));
  return *fault;
}

void AcsSession::close() {
  if (current_) reply204("204: end of the session");
}

std::string AcsSession::value(const std::string& name) {
  cwmp::GetParameterValues gpv;
  gpv.parameter_names = {name};
  auto r = callExpect<cwmp::GetParameterValuesResponse>("GetParameterValues " + name, gpv);
  for (const auto& p : r.parameter_list) {
    if (p.name == name) return p.value;
  }
  ctx_.fail("GetParameterValues " + name + " did not return that parameter");
}

std::string AcsSession::parameterKey() { return value(full("ManagementServer.ParameterKey")); }

}  // namespace conformance
