#include "trigger.h"

#include <ostream>

#include "http_client.h"
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include "cwmp/json.h"

namespace conformance {
namespace {

std::string jsonString(const std::string& text) {
  std::string out;
  cwmp::appendJsonString(out, text);
  return out;
}

class ApiTrigger : public Trigger {
 public:
  ApiTrigger(std::string url, std::string key, lab::ClientTls tls)
      : url_(std::move(url)), key_(std::move(key)), tls_(std::move(tls)) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
    parsed_ = parseUrl(url_);
  }
  std::string queue(const std::string& device_id, const std::string& method,
                    const std::string& args_json, bool connection_request) override {
    try {
      auto session_ptr = lab::openClientSession(parsed_.scheme, parsed_.host, parsed_.port, tls_);
      Poco::Net::HTTPClientSession& session = *session_ptr;
      session.setTimeout(Poco::Timespan(10, 0));
      std::string path = parsed_.path;
      while (!path.empty() && path.back() == '/') path.pop_back();
      path += "/devices/" + device_id + "/tasks";
      Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
      std::string body = "{\"task_type\":" + jsonString(method) + ",\"parameters\":" + args_json +
                         ",\"connection_request\":" + (connection_request ? "true" : "false") + "}";
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      if (!key_.empty()) request.set("X-API-Key", key_);
      session.sendRequest(request) << body;
      Poco::Net::HTTPResponse response;
      std::string text;
      Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
      int status = static_cast<int>(response.getStatus());
      if (status < 200 || status > 299) {
        return "POST " + path + " answered HTTP " + std::to_string(status) + ": " + text;
      }
      return "";
    } catch (const Poco::Exception& e) {
      return "POST to " + url_ + " failed: " + e.displayText();
    }
  }
  std::string describe() const override { return "REST API " + url_; }

 private:
  std::string url_;
  std::string key_;
  lab::ClientTls tls_;
  ParsedUrl parsed_;
};

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

class CommandTrigger : public Trigger {
 public:
  explicit CommandTrigger(std::string command) : command_(std::move(command)) {}
  std::string queue(const std::string& device_id, const std::string& method,
                    const std::string& args_json, bool connection_request) override {
    std::string cr = connection_request ? "1" : "0";
    std::string cmd = replaceAll(command_, "{device}", device_id);
    cmd = replaceAll(cmd, "{rpc}", method);
    cmd = replaceAll(cmd, "{args}", args_json);
    cmd = replaceAll(cmd, "{cr}", cr);
    try {
      Poco::Process::Env env;
      env["CONFORMANCE_DEVICE"] = device_id;
      env["CONFORMANCE_RPC"] = method;
      env["CONFORMANCE_ARGS"] = args_json;
      env["CONFORMANCE_CR"] = cr;
      Poco::Pipe out;
      Poco::ProcessHandle handle =
          Poco::Process::launch("/bin/sh", {"-c", cmd + " 2>&1"}, "", nullptr, &out, nullptr, env);
      Poco::PipeInputStream is(out);
      std::string text;
      Poco::StreamCopier::copyToString(is, text);
      int rc = handle.wait();
      if (rc != 0) return "command exited with " + std::to_string(rc) + ": " + text;
      return "";
    } catch (const Poco::Exception& e) {
      return "could not run the trigger command: " + e.displayText();
    }
  }
  std::string describe() const override { return "command '" + command_ + "'"; }

 private:
  std::string command_;
};

}  // namespace

std::shared_ptr<Trigger> makeApiTrigger(std::string api_url, std::string api_key,
                                        lab::ClientTls tls) {
  return std::make_shared<ApiTrigger>(std::move(api_url), std::move(api_key), std::move(tls));
}

std::shared_ptr<Trigger> makeCommandTrigger(std::string command) {
  return std::make_shared<CommandTrigger>(std::move(command));
}

}  // namespace conformance
