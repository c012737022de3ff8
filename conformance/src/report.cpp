#include "report.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "cwmp/json.h"

namespace conformance {
namespace {

// Replaces bytes that are not well-formed UTF-8 with U+FFFD, so reports stay valid XML/JSON
// even when the wire carried garbage.
std::string validUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xE  ? 3
                      : (b >> 3) == 0x1E ? 4
                                         : 0;
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len == 2 && b < 0xC2) ok = false;  // overlong
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string xmlEscape(std::string_view raw) {
  std::string valid = validUtf8(raw);
  std::string_view text = valid;
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto byte = static_cast<unsigned char>(ch);
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (byte < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
          out += "?";  // not representable in XML 1.0
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

std::string jsonString(std::string_view raw) {
  std::string out;
  cwmp::appendJsonString(out, raw);
  return out;
}

// Keeps Markdown table cells on one line.
std::string cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n') {
      out += ' ';
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string printable(const std::string& body) {
  std::string out;
  for (char ch : body) {
    auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(byte));
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

int RunReport::count(Outcome outcome) const {
  int n = 0;
  for (const auto& r : results) n += r.outcome == outcome ? 1 : 0;
  return n;
}

int RunReport::mandatoryFailures() const {
  int n = 0;
  for (const auto& r : results) {
    n += (r.outcome == Outcome::Fail && r.c->level == Level::Mandatory) ? 1 : 0;
  }
  return n;
}

std::string formatExchanges(const std::vector<Exchange>& exchanges) {
  std::ostringstream os;
  int n = 0;
  for (const auto& ex : exchanges) {
    os << "--- exchange " << ++n << ": " << ex.note << "\n";
    os << ">>> " << ex.method << " " << ex.target << "\n";
    for (const auto& [k, v] : ex.request_headers) os << ">>> " << k << ": " << v << "\n";
    if (!ex.request_body.empty()) os << printable(ex.request_body) << "\n";
    if (ex.status == 0) {
      os << "<<< no response: " << ex.error << "\n";
      continue;
    }
    os << "<<< HTTP " << ex.status << " " << ex.reason << "\n";
    for (const auto& [k, v] : ex.response_headers) os << "<<< " << k << ": " << v << "\n";
    if (!ex.response_body.empty()) os << printable(ex.response_body) << "\n";
  }
  return os.str();
}

std::string junitXml(const RunReport& report) {
  std::ostringstream os;
  double total = 0;
  for (const auto& r : report.results) total += r.seconds;
  std::string suite = std::string("conformance-") + std::string(sideName(report.side));
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  os << "<testsuites>\n<testsuite name=\"" << suite << "\" tests=\"" << report.results.size()
     << "\" failures=\"" << report.count(Outcome::Fail) << "\" skipped=\""
     << report.count(Outcome::Skip) << "\" errors=\"0\" time=\"" << total << "\" timestamp=\""
     << xmlEscape(report.started) << "\">\n";
  os << "<properties><property name=\"target\" value=\"" << xmlEscape(report.target)
     << "\"/><property name=\"trigger\" value=\"" << xmlEscape(report.trigger)
     << "\"/></properties>\n";
  for (const auto& r : report.results) {
    os << "<testcase classname=\"" << suite << "." << levelName(r.c->level) << "\" name=\""
       << xmlEscape(r.c->id + " " + r.c->title) << "\" time=\"" << r.seconds << "\">\n";
    if (r.outcome == Outcome::Fail) {
      os << "<failure message=\"" << xmlEscape(r.message) << "\" type=\"" << xmlEscape(r.c->rule)
         << "\">" << xmlEscape(r.message) << "\n\n"
         << xmlEscape(formatExchanges(r.exchanges)) << "</failure>\n";
    } else if (r.outcome == Outcome::Skip) {
      os << "<skipped message=\"" << xmlEscape(r.message) << "\"/>\n";
    }
    os << "<system-out>" << xmlEscape("rule: " + r.c->rule) << "</system-out>\n";
    os << "</testcase>\n";
  }
  os << "</testsuite>\n</testsuites>\n";
  return os.str();
}

std::string jsonReport(const RunReport& report) {
  std::ostringstream os;
  os << "{\"side\":" << jsonString(sideName(report.side))
     << ",\"target\":" << jsonString(report.target) << ",\"trigger\":" << jsonString(report.trigger)
     << ",\"started\":" << jsonString(report.started)
     << ",\"summary\":{\"total\":" << report.results.size()
     << ",\"pass\":" << report.count(Outcome::Pass) << ",\"fail\":" << report.count(Outcome::Fail)
     << ",\"skip\":" << report.count(Outcome::Skip)
     << ",\"mandatory_failures\":" << report.mandatoryFailures() << "},\"cases\":[";
  bool first = true;
  for (const auto& r : report.results) {
    if (!first) os << ",";
    first = false;
    os << "\n{\"id\":" << jsonString(r.c->id) << ",\"title\":" << jsonString(r.c->title)
       << ",\"rule\":" << jsonString(r.c->rule)
       << ",\"level\":" << jsonString(levelName(r.c->level))
       << ",\"side\":" << jsonString(sideName(r.c->side))
       << ",\"outcome\":" << jsonString(outcomeName(r.outcome))
       << ",\"message\":" << jsonString(r.message) << ",\"seconds\":" << r.seconds
       << ",\"exchanges\":[";
    bool first_ex = true;
    for (const auto& ex : r.exchanges) {
      if (!first_ex) os << ",";
      first_ex = false;
      os << "{\"note\":" << jsonString(ex.note) << ",\"method\":" << jsonString(ex.method)
         << ",\"url\":" << jsonString(ex.target) << ",\"request_headers\":{";
      bool fh = true;
      for (const auto& [k, v] : ex.request_headers) {
        os << (fh ? "" : ",") << jsonString(k) << ":" << jsonString(v);
        fh = false;
      }
      os << "},\"request_body\":" << jsonString(ex.request_body) << ",\"status\":" << ex.status
         << ",\"response_headers\":{";
      fh = true;
      for (const auto& [k, v] : ex.response_headers) {
        os << (fh ? "" : ",") << jsonString(k) << ":" << jsonString(v);
        fh = false;
      }
      os << "},\"response_body\":" << jsonString(ex.response_body)
         << ",\"error\":" << jsonString(ex.error) << "}";
    }
    os << "]}";
  }
  os << "\n]}\n";
  return os.str();
}

std::string markdownReport(const RunReport& report) {
  std::ostringstream os;
  os << "# Conformance run (" << sideName(report.side) << " mode)\n\n";
  os << "- Target: `" << report.target << "`\n";
  if (report.side == Side::Acs) {
    os << "- Trigger: "
       << (report.trigger.empty() ? "none (cases needing one are skipped)" : report.trigger)
       << "\n";
  } else {
    os << "- The harness played the ACS at the target URL.\n";
  }
  os << "- Started: " << report.started << "\n";
  os << "- Cases: " << report.results.size() << ", passed " << report.count(Outcome::Pass)
     << ", failed " << report.count(Outcome::Fail) << ", skipped " << report.count(Outcome::Skip)
     << "\n";
  os << "- Verdict: "
     << (report.mandatoryFailures() == 0
             ? "every mandatory case that ran passed"
             : std::to_string(report.mandatoryFailures()) + " mandatory case(s) failed")
     << "\n\n";
  os << "## Coverage by checklist group\n\n| Group | Cases | Pass | Fail | Skip "
        "|\n|---|---|---|---|---|\n";
  for (const char* group : {"T-HTTP", "T-SOAP", "T-SESS", "T-EVT", "T-INF", "T-CR", "T-NOT",
                            "T-XFER", "RPC table", "fault", "Robustness", "13."}) {
    std::string ids;
    int counts[3] = {0, 0, 0};
    for (const auto& r : report.results) {
      bool match = r.c->rule.find(group) != std::string::npos ||
                   (std::string_view(group) == "fault" &&
                    (r.c->rule.find("fault") != std::string::npos || r.c->rule.find("5.") == 0));
      if (!match) continue;
      ids += (ids.empty() ? "" : ", ") + r.c->id;
      ++counts[static_cast<int>(r.outcome)];
    }
    if (ids.empty()) ids = "(none)";
    os << "| " << group << " | " << ids << " | " << counts[0] << " | " << counts[1] << " | "
       << counts[2] << " |\n";
  }
  os << "\n## Coverage (rule -> cases -> result)\n\n| Rule | Case | Level | Result "
        "|\n|---|---|---|---|\n";
  std::multimap<std::string, const CaseResult*> by_rule;
  for (const auto& r : report.results) by_rule.emplace(r.c->rule, &r);
  for (const auto& [rule, r] : by_rule) {
    os << "| " << cell(rule) << " | " << r->c->id << " " << cell(r->c->title) << " | "
       << levelName(r->c->level) << " | **" << outcomeName(r->outcome) << "** |\n";
  }
  bool any = false;
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::Pass) continue;
    if (!any) os << "\n## Failures and skips\n";
    any = true;
    os << "\n### " << r.c->id << " (" << outcomeName(r.outcome) << ")\n\n" << r.message << "\n";
    if (r.outcome == Outcome::Fail) {
      os << "\n```\n" << formatExchanges(r.exchanges) << "```\n";
    }
  }
  return os.str();
}

std::string markdownCatalogue(const std::vector<Case>& cases) {
  std::ostringstream os;
  os << "| Id | Side | Level | Rule | Title |\n|---|---|---|---|---|\n";
  for (const auto& c : cases) {
    os << "| " << c.id << " | " << sideName(c.side) << " | " << levelName(c.level) << " | "
       << cell(c.rule) << " | " << cell(c.title) << " |\n";
  }
  return os.str();
}

}  // namespace conformance
