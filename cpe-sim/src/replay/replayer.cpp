#include "replay/replayer.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "cwmp/codec.h"
#include "cwmp/json.h"
#include "transport/blocking_http.h"
#include "transport/cwmp_http_client.h"
#include "transport/url.h"

namespace cpesim {
namespace {

bool isBlank(const std::string& body) { return body.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s.size() > 120 ? s.substr(0, 117) + "..." : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Flattens a JSON value into path -> scalar text ("ParameterList[0].Name" -> "\"x\"").
void flatten(const Poco::Dynamic::Var& value, const std::string& path,
             std::map<std::string, std::string>& out) {
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto object = value.extract<Poco::JSON::Object::Ptr>();
    for (const auto& key : object->getNames()) {
      flatten(object->get(key), path.empty() ? key : path + "." + key, out);
    }
    if (object->size() == 0 && !path.empty()) out[path] = "{}";
  } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto array = value.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) {
      flatten(array->get(static_cast<unsigned>(i)), path + "[" + std::to_string(i) + "]", out);
    }
    out[path + ".length"] = std::to_string(array->size());
  } else if (value.isEmpty()) {
    out[path] = "null";
  } else if (value.isString()) {
    out[path] = quote(value.convert<std::string>());
  } else {
    out[path] = value.convert<std::string>();
  }
}

bool ignored(const std::string& path, const std::vector<std::string>& ignore) {
  for (const std::string& name : ignore) {
    if (path == name) return true;
    if (path.size() > name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
        path[path.size() - name.size() - 1] == '.') {
      return true;
    }
    if (path == name + ".length" || path.rfind(name + "[", 0) == 0 || path.rfind(name + ".", 0) == 0) {
      return true;
    }
  }
  return false;
}

std::map<std::string, std::string> flattenBody(const cwmp::Body& body) {
  std::map<std::string, std::string> out;
  try {
    Poco::JSON::Parser parser;
    flatten(parser.parse(cwmp::bodyToJson(body)), "", out);
  } catch (const Poco::Exception& e) {
    out["(json)"] = e.displayText();
  }
  return out;
}

// The cwmp:ID element of an envelope's text: [start, end) of its content.
std::optional<std::pair<std::size_t, std::size_t>> findId(const std::string& xml) {
  static const std::regex id(R"(<([A-Za-z_][\w.\-]*:)?ID(\s[^>]*)?>([^<]*)</([A-Za-z_][\w.\-]*:)?ID\s*>)");
  std::smatch m;
  if (!std::regex_search(xml, m, id)) return std::nullopt;
  return std::make_pair(static_cast<std::size_t>(m.position(3)),
                        static_cast<std::size_t>(m.position(3) + m.length(3)));
}

std::string methodOf(const std::string& body) {
  if (isBlank(body)) return "(empty POST)";
  auto decoded = cwmp::decodeEnvelope(body);
  if (!decoded) return "(undecodable)";
  return std::string(cwmp::methodName(decoded->body));
}

}  // namespace

std::string describeReply(int status, const std::string& body) {
  std::string out = std::to_string(status) + " ";
  if (isBlank(body)) return out + "(empty)";
  auto decoded = cwmp::decodeEnvelope(body);
  if (!decoded) return out + "(undecodable: " + decoded.error().message + ")";
  std::string method(cwmp::methodName(decoded->body));
  if (const auto* fault = std::get_if<cwmp::Fault>(&decoded->body)) {
    method += " " + std::to_string(fault->fault_code);
  }
  return out + (method.empty() ? "(empty Body)" : method);
}

std::vector<std::string> compareReplies(int expected_status, const std::string& expected_body,
                                        int actual_status, const std::string& actual_body,
                                        const std::vector<std::string>& ignore) {
  std::vector<std::string> diffs;
  if (expected_status != actual_status) {
    diffs.push_back("HTTP status: expected " + std::to_string(expected_status) + ", got " +
                    std::to_string(actual_status));
  }
  const bool expected_blank = isBlank(expected_body);
  const bool actual_blank = isBlank(actual_body);
  if (expected_blank && actual_blank) return diffs;
  if (expected_blank != actual_blank) {
    diffs.push_back(expected_blank ? "body: expected none, got " + describeReply(actual_status, actual_body)
                                   : "body: expected " + describeReply(expected_status, expected_body) +
                                         ", got none");
    return diffs;
  }
  auto expected = cwmp::decodeEnvelope(expected_body);
  auto actual = cwmp::decodeEnvelope(actual_body);
  if (!expected || !actual) {
    if (!actual && expected) diffs.push_back("body: the ACS's reply does not decode: " + actual.error().message);
    else if (expected_body != actual_body) diffs.push_back("body: differs (undecodable recording, compared as text)");
    return diffs;
  }
  const std::string_view expected_method = cwmp::methodName(expected->body);
  const std::string_view actual_method = cwmp::methodName(actual->body);
  if (expected_method != actual_method) {
    diffs.push_back("method: expected " + std::string(expected_method) + ", got " + std::string(actual_method));
    return diffs;
  }
  if (expected->ns != actual->ns) {
    diffs.push_back("namespace: expected " + std::string(cwmp::namespaceUri(expected->ns)) + ", got " +
                    std::string(cwmp::namespaceUri(actual->ns)));
  }
  if (expected->header.hold_requests != actual->header.hold_requests) {
    diffs.push_back("header HoldRequests differs");
  }
  std::map<std::string, std::string> a = flattenBody(expected->body);
  std::map<std::string, std::string> b = flattenBody(actual->body);
  constexpr std::size_t kMaxDiffs = 25;
  std::size_t hidden = 0;
  auto add = [&](std::string line) {
    if (diffs.size() < kMaxDiffs) diffs.push_back(std::move(line)); else ++hidden;
  };
  for (const auto& [path, value] : a) {
    if (ignored(path, ignore)) continue;
    auto it = b.find(path);
    if (it == b.end()) {
      add(path + ": expected " + value + ", missing");
    } else if (it->second != value) {
      add(path + ": expected " + value + ", got " + it->second);
    }
  }
  for (const auto& [path, value] : b) {
    if (ignored(path, ignore) || a.count(path)) continue;
    add(path + ": not expected, got " + value);
  }
  if (hidden > 0) diffs.push_back("... and " + std::to_string(hidden) + " more");
  return diffs;
}

ReplayReport replay(const Capture& capture, const ReplayOptions& options) {
  ReplayReport report;
  ParsedUrl url = parseHttpUrl(options.acs_url);
  if (!url) {
    ExchangeReport r;
    r.differences.push_back("--acs-url: " + url.error);
    report.exchanges.push_back(std::move(r));
    report.differences = 1;
    return report;
  }
  std::string tls_error;
  const std::unique_ptr<TlsContext> tls = TlsContext::create(options.tls, tls_error);
  if (!tls) {
    ExchangeReport r;
    r.differences.push_back((options.tls.ca_file.empty() ? "TLS: " : "--ca-file: ") + tls_error);
    report.exchanges.push_back(std::move(r));
    report.differences = 1;
    return report;
  }
  for (std::size_t s = 0; s < capture.sessions.size(); ++s) {
    const CapturedSession& session = capture.sessions[s];
    HttpClientConfig config;
    config.username = options.username;
    config.password = options.password;
    config.cnonce_seed = s + 1;
    CwmpHttpClient client(*url, config);
    BlockingHttpConnection connection(options.timeout, tls.get());
    std::optional<std::string> acs_request_id;  // cwmp:ID of the ACS's latest request
    bool ended = false;  // the ACS ended the session (204 / empty reply) or it broke
    for (std::size_t e = 0; e < session.exchanges.size() && !ended; ++e) {
      const CapturedExchange& recorded = session.exchanges[e];
      ExchangeReport r;
      r.session = s + 1;
      r.exchange = e + 1;
      std::string body = recorded.cpe_body;
      r.sent = methodOf(body);
      // Responses echo the ID of the request they answer, which the ACS chose afresh.
      if (!isBlank(body) && acs_request_id) {
        auto decoded = cwmp::decodeEnvelope(body);
        if (decoded && cwmp::isResponse(decoded->body)) {
          if (auto span = findId(body)) {
            body.replace(span->first, span->second - span->first, *acs_request_id);
          } else {
            decoded->header.id = acs_request_id;
            body = cwmp::encodeEnvelope(*decoded);
          }
        }
      }
      client.post(body, std::string());
      const HttpOutcome& outcome = connection.run(client);
      r.expected = recorded.reply_recorded ? describeReply(recorded.acs_status, recorded.acs_body)
                                           : "(not recorded)";
      if (!outcome.ok) {
        r.actual = "(no reply)";
        r.differences.push_back("no reply from the ACS: " + outcome.error);
        ended = true;
      } else {
        r.actual = describeReply(outcome.status, outcome.body);
        if (recorded.reply_recorded) {
          if (recorded.acs_body_truncated) {
            if (outcome.status != recorded.acs_status) {
              r.differences.push_back("HTTP status: expected " + std::to_string(recorded.acs_status) +
                                      ", got " + std::to_string(outcome.status));
            }
            if (methodOf(recorded.acs_body) != "(undecodable)" &&
                methodOf(recorded.acs_body) != methodOf(outcome.body)) {
              r.differences.push_back("method differs (recording truncated; arguments not compared)");
            }
          } else {
            r.differences = compareReplies(recorded.acs_status, recorded.acs_body, outcome.status,
                                           outcome.body, options.ignore);
          }
        }
        acs_request_id.reset();
        if (!isBlank(outcome.body)) {
          auto decoded = cwmp::decodeEnvelope(outcome.body);
          if (decoded && !cwmp::isResponse(decoded->body)) acs_request_id = decoded->header.id;
        }
        const bool acs_ended = (outcome.status == 204 || isBlank(outcome.body)) ||
                               (outcome.status != 200);
        if (acs_ended && e + 1 < session.exchanges.size()) {
          r.differences.push_back("the ACS ended the session here; the recording goes on for " +
                                  std::to_string(session.exchanges.size() - e - 1) + " more exchange(s)");
          ended = true;
        }
        if (!acs_ended && e + 1 == session.exchanges.size() && !recorded.reply_recorded) {
          // Recording stopped mid-session: nothing to say about what follows.
        } else if (!acs_ended && e + 1 == session.exchanges.size()) {
          bool recorded_ended = recorded.acs_status == 204 || isBlank(recorded.acs_body);
          if (recorded_ended) {
            r.differences.push_back("the recording ends the session here; the ACS continued with " +
                                    r.actual);
          }
        }
      }
      if (!r.differences.empty()) ++report.differences;
      report.exchanges.push_back(std::move(r));
    }
    connection.close();
  }
  return report;
}

std::string ReplayReport::text(bool verbose) const {
  std::ostringstream out;
  std::size_t last_session = 0;
  for (const ExchangeReport& r : exchanges) {
    if (!verbose && r.differences.empty()) continue;
    if (r.session != last_session) {
      out << "session " << r.session << "\n";
      last_session = r.session;
    }
    out << "  #" << r.exchange << " " << r.sent << " -> ";
    if (r.differences.empty()) {
      out << r.actual << ": as recorded\n";
      continue;
    }
    out << "expected " << r.expected << ", got " << r.actual << "\n";
    for (const std::string& d : r.differences) out << "      " << d << "\n";
  }
  out << "replay: " << exchanges.size() << " exchange(s) played, "
      << (differences == 0 ? std::string("the ACS answered as recorded")
                           : std::to_string(differences) + " differ")
      << "\n";
  return out.str();
}

}  // namespace cpesim
