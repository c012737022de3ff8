#include "replay/capture.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "cwmp/value.h"

namespace cpesim {
namespace {

cwmp::Error invalid(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = std::move(message);
  return e;
}

std::string_view trimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

struct Record {
  std::int64_t seq = 0;
  bool in = true;
  int status = 0;
  std::string body;
  bool truncated = false;
};

cwmp::Result<Capture> parseJson(std::string_view text, std::string_view source) {
  Capture capture;
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(std::string(text));
    auto object = root.extract<Poco::JSON::Object::Ptr>();
    if (object.isNull()) return invalid(std::string(source) + ": not a JSON object");
    std::string format = object->optValue<std::string>("format", "");
    if (format != "cwmp-lab-capture/1") {
      return invalid(std::string(source) + ": format '" + format +
                     "' is not a capture this simulator reads (expected cwmp-lab-capture/1)");
    }
    capture.device_id = object->optValue<std::string>("device_id", "");
    Poco::JSON::Array::Ptr sessions = object->getArray("sessions");
    if (sessions.isNull()) return invalid(std::string(source) + ": no \"sessions\" array");
    for (std::size_t s = 0; s < sessions->size(); ++s) {
      Poco::JSON::Object::Ptr session = sessions->getObject(static_cast<unsigned>(s));
      const std::string where = std::string(source) + ": sessions[" + std::to_string(s) + "]";
      if (session.isNull()) return invalid(where + ": not an object");
      Poco::JSON::Array::Ptr exchanges = session->getArray("exchanges");
      if (exchanges.isNull()) return invalid(where + ": no \"exchanges\" array");
      std::vector<Record> records;
      for (std::size_t e = 0; e < exchanges->size(); ++e) {
        Poco::JSON::Object::Ptr x = exchanges->getObject(static_cast<unsigned>(e));
        const std::string at = where + ".exchanges[" + std::to_string(e) + "]";
        if (x.isNull()) return invalid(at + ": not an object");
        Record r;
        r.seq = x->optValue<std::int64_t>("seq", static_cast<std::int64_t>(e));
        std::string direction = x->optValue<std::string>("direction", "");
        if (direction != "in" && direction != "out") {
          return invalid(at + ": direction must be \"in\" or \"out\"");
        }
        r.in = direction == "in";
        r.status = x->optValue<int>("http_status", 0);
        r.truncated = x->optValue<bool>("truncated", false);
        std::string encoding = x->optValue<std::string>("encoding", "utf-8");
        std::string body = x->optValue<std::string>("body", "");
        if (encoding == "base64") {
          auto decoded = cwmp::decodeBase64(body);
          if (!decoded) return invalid(at + ": body is not valid base64");
          r.body = std::move(*decoded);
        } else if (encoding == "utf-8") {
          r.body = std::move(body);
        } else {
          return invalid(at + ": unknown encoding '" + encoding + "'");
        }
        if (r.in && r.truncated) {
          return invalid(at + ": the capture truncated this CPE message, so it cannot be "
                              "replayed (raise the ACS's capture size limit and capture again)");
        }
        records.push_back(std::move(r));
      }
      std::stable_sort(records.begin(), records.end(),
                       [](const Record& a, const Record& b) { return a.seq < b.seq; });
      CapturedSession out;
      out.name = session->optValue<std::string>("session_id", "session " + std::to_string(s + 1));
      for (Record& r : records) {
        if (r.in) {
          CapturedExchange exchange;
          exchange.cpe_body = std::move(r.body);
          out.exchanges.push_back(std::move(exchange));
        } else {
          if (out.exchanges.empty() || out.exchanges.back().reply_recorded) {
            return invalid(where + ": an ACS reply (seq " + std::to_string(r.seq) +
                           ") follows no CPE message");
          }
          CapturedExchange& exchange = out.exchanges.back();
          exchange.reply_recorded = true;
          exchange.acs_status = r.status;
          exchange.acs_body = std::move(r.body);
          exchange.acs_body_truncated = r.truncated;
        }
      }
      if (!out.exchanges.empty()) capture.sessions.push_back(std::move(out));
    }
  } catch (const Poco::Exception& e) {
    return invalid(std::string(source) + ": " + e.displayText());
  } catch (const std::exception& e) {
    return invalid(std::string(source) + ": " + e.what());
  }
  if (capture.sessions.empty()) return invalid(std::string(source) + ": the capture holds no session");
  return capture;
}

cwmp::Result<Capture> parseEnvelopes(std::string_view text, std::string_view source) {
  Capture capture;
  enum class Target { None, Cpe, Acs } target = Target::None;
  std::string body;
  std::size_t line_number = 0;

  auto current = [&]() -> CapturedSession& {
    if (capture.sessions.empty()) capture.sessions.push_back(CapturedSession{"session 1", {}});
    return capture.sessions.back();
  };
  auto flush = [&]() -> std::optional<cwmp::Error> {
    if (!body.empty() && body.back() == '\n') body.pop_back();
    if (!body.empty() && body.back() == '\r') body.pop_back();
    if (target == Target::Cpe) {
      CapturedExchange exchange;
      exchange.cpe_body = std::move(body);
      current().exchanges.push_back(std::move(exchange));
    } else if (target == Target::Acs) {
      // The marker already checked that this reply follows a CPE message.
      current().exchanges.back().acs_body = std::move(body);
    }
    body.clear();
    return std::nullopt;
  };

  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view raw = text.substr(pos, next - pos);
    std::string_view line = trimLine(raw.substr(0, raw.find('\n')));
    ++line_number;
    pos = next;
    if (line.substr(0, 4) == ">>> " || line == ">>>" || line.substr(0, 4) == "<<< " ||
        line.substr(0, 4) == "=== ") {
      if (auto e = flush()) return *e;
      if (line.substr(0, 4) == "=== ") {
        std::string_view rest = line.substr(4);
        if (rest.substr(0, 7) != "session" || (rest.size() > 7 && rest[7] != ' ')) {
          return invalid(std::string(source) + ":" + std::to_string(line_number) +
                         ": expected '=== session <name>'");
        }
        std::string name(rest.size() > 8 ? rest.substr(8) : std::string_view());
        if (name.empty()) name = "session " + std::to_string(capture.sessions.size() + 1);
        if (!capture.sessions.empty() && capture.sessions.back().exchanges.empty()) {
          capture.sessions.back().name = name;
        } else {
          capture.sessions.push_back(CapturedSession{name, {}});
        }
        target = Target::None;
      } else if (line[0] == '>') {
        if (trimLine(line.substr(3)) != " cpe" && trimLine(line.substr(3)) != "") {
          return invalid(std::string(source) + ":" + std::to_string(line_number) +
                         ": expected '>>> cpe'");
        }
        target = Target::Cpe;
      } else {
        std::string_view rest = line.substr(4);
        if (rest.substr(0, 3) != "acs") {
          return invalid(std::string(source) + ":" + std::to_string(line_number) +
                         ": expected '<<< acs [status]'");
        }
        rest.remove_prefix(3);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        int status = 200;
        if (!rest.empty()) {
          auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), status);
          if (ec != std::errc() || end != rest.data() + rest.size() || status < 100 || status > 599) {
            return invalid(std::string(source) + ":" + std::to_string(line_number) + ": '" +
                           std::string(rest) + "' is not an HTTP status");
          }
        }
        CapturedSession& session = current();
        if (session.exchanges.empty() || session.exchanges.back().reply_recorded) {
          return invalid(std::string(source) + ":" + std::to_string(line_number) +
                         ": an ACS reply must follow a '>>> cpe' message");
        }
        session.exchanges.back().reply_recorded = true;
        session.exchanges.back().acs_status = status;
        target = Target::Acs;
      }
      continue;
    }
    if (target == Target::None) {
      if (!line.empty() && line.front() != '#') {
        return invalid(std::string(source) + ":" + std::to_string(line_number) +
                       ": text before the first '>>> cpe' marker");
      }
      continue;
    }
    body.append(raw);
  }
  if (auto e = flush()) return *e;
  std::erase_if(capture.sessions, [](const CapturedSession& s) { return s.exchanges.empty(); });
  if (capture.sessions.empty()) {
    return invalid(std::string(source) + ": no '>>> cpe' message found");
  }
  return capture;
}

}  // namespace

cwmp::Result<Capture> parseCapture(std::string_view text, std::string_view source) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') return parseJson(text, source);
  return parseEnvelopes(text, source);
}

cwmp::Result<Capture> loadCapture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid("cannot read capture '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parseCapture(buffer.str(), path);
}

}  // namespace cpesim
