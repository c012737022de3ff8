#include "scenario/report.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace scenario {

bool RunReport::passed() const {
  return std::all_of(targets.begin(), targets.end(), [](const TargetResult& t) { return t.passed; });
}

namespace {

// --- JSON ---------------------------------------------------------------------------------------

std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          static const char* kHex = "0123456789abcdef";
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// JSON has no NaN or infinity: those become null.
std::string jsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

std::string jsonOptional(const std::optional<double>& value) {
  return value ? jsonNumber(*value) : "null";
}

std::string jsonPercentiles(const MeasuredPercentiles& p) {
  return "{\"p50_ms\":" + jsonOptional(p.p50_ms) + ",\"p95_ms\":" + jsonOptional(p.p95_ms) +
         ",\"p99_ms\":" + jsonOptional(p.p99_ms) + "}";
}

std::string jsonHistogram(const LatencyHistogram& h) {
  std::string out = "{\"count\":" + std::to_string(h.count()) +
                    ",\"sum_ms\":" + jsonNumber(h.sumMs()) + ",\"max_ms\":" + jsonNumber(h.maxMs());
  out += ",\"p50_ms\":" + jsonNumber(h.percentileMs(0.50));
  out += ",\"p95_ms\":" + jsonNumber(h.percentileMs(0.95));
  out += ",\"p99_ms\":" + jsonNumber(h.percentileMs(0.99));
  out += ",\"buckets\":[";
  const auto& bounds = h.upperBoundsMs();
  const auto& counts = h.counts();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"le_ms\":" + (i < bounds.size() ? jsonNumber(bounds[i]) : std::string("null")) +
           ",\"count\":" + std::to_string(counts[i]) + "}";
  }
  return out + "]}";
}

// --- XML/HTML -----------------------------------------------------------------------------------

std::string escapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0: drop all but tab and newlines.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

std::string num(double value) { return formatNumber(value); }

struct Series {
  std::string name;
  std::string colour;
  std::vector<std::pair<double, double>> points;
};

const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

// A line chart as inline SVG: x from the first to the last point, y from 0 to the maximum.
std::string lineChart(const std::string& title, const std::string& y_label,
                      const std::vector<Series>& series) {
  const double width = 640, height = 240, left = 56, right = 16, top = 28, bottom = 36;
  double x_min = 0, x_max = 0, y_max = 0;
  bool any = false;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (!any) x_min = x_max = x;
      any = true;
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  }
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << escapeXml(title) << "\">";
  svg << "<text x=\"" << left << "\" y=\"18\" class=\"t\">" << escapeXml(title) << "</text>";
  if (!any) {
    svg << "<text x=\"" << left << "\" y=\"" << height / 2 << "\">no data</text></svg>";
    return svg.str();
  }
  if (x_max <= x_min) x_max = x_min + 1;
  if (y_max <= 0) y_max = 1;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  auto sx = [&](double x) { return left + (x - x_min) / (x_max - x_min) * plot_w; };
  auto sy = [&](double y) { return top + plot_h - y / y_max * plot_h; };
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
      << plot_h << "\" fill=\"none\" stroke=\"#999\"/>";
  for (int i = 0; i <= 4; ++i) {
    const double y = y_max * i / 4.0;
    svg << "<line x1=\"" << left << "\" x2=\"" << left + plot_w << "\" y1=\"" << sy(y) << "\" y2=\""
        << sy(y) << "\" stroke=\"#eee\"/>";
    svg << "<text x=\"" << left - 4 << "\" y=\"" << sy(y) + 4 << "\" text-anchor=\"end\">" << num(y)
        << "</text>";
  }
  svg << "<text x=\"" << left << "\" y=\"" << height - 6 << "\">" << num(x_min) << " s</text>";
  svg << "<text x=\"" << left + plot_w << "\" y=\"" << height - 6 << "\" text-anchor=\"end\">"
      << num(x_max) << " s</text>";
  svg << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 6
      << "\" text-anchor=\"middle\">" << escapeXml(y_label) << " over time</text>";
  double legend_x = left + 8;
  for (const auto& s : series) {
    svg << "<polyline fill=\"none\" stroke=\"" << s.colour << "\" stroke-width=\"1.5\" points=\"";
    for (const auto& [x, y] : s.points) svg << sx(x) << ',' << sy(y) << ' ';
    svg << "\"/>";
    svg << "<rect x=\"" << legend_x << "\" y=\"" << top + 4 << "\" width=\"10\" height=\"10\" fill=\""
        << s.colour << "\"/><text x=\"" << legend_x + 14 << "\" y=\"" << top + 13 << "\">"
        << escapeXml(s.name) << "</text>";
    legend_x += 24 + 7.0 * static_cast<double>(s.name.size());
  }
  svg << "</svg>";
  return svg.str();
}

// The histogram's non-empty range of buckets as bars, percentiles marked as vertical lines.
std::string histogramChart(const std::string& title, const LatencyHistogram& h) {
  const double width = 640, height = 240, left = 56, right = 16, top = 28, bottom = 48;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << escapeXml(title) << "\">";
  svg << "<text x=\"" << left << "\" y=\"18\" class=\"t\">" << escapeXml(title) << "</text>";
  const auto& counts = h.counts();
  const auto& bounds = h.upperBoundsMs();
  std::size_t first = counts.size(), last = 0;
  std::uint64_t peak = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    first = std::min(first, i);
    last = std::max(last, i);
    peak = std::max(peak, counts[i]);
  }
  if (peak == 0) {
    svg << "<text x=\"" << left << "\" y=\"" << height / 2 << "\">no data</text></svg>";
    return svg.str();
  }
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  const double n = static_cast<double>(last - first + 1);
  const double bar_w = plot_w / n;
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plot_w << "\" height=\""
      << plot_h << "\" fill=\"none\" stroke=\"#999\"/>";
  for (std::size_t i = first; i <= last; ++i) {
    const double x = left + static_cast<double>(i - first) * bar_w;
    const double bar_h = static_cast<double>(counts[i]) / static_cast<double>(peak) * plot_h;
    const std::string label = i < bounds.size() ? "<=" + num(bounds[i]) : ">" + num(bounds.back());
    svg << "<rect x=\"" << x + 1 << "\" y=\"" << top + plot_h - bar_h << "\" width=\""
        << std::max(1.0, bar_w - 2) << "\" height=\"" << bar_h << "\" fill=\"#1f77b4\"><title>"
        << escapeXml(label) << " ms: " << counts[i] << "</title></rect>";
    svg << "<text x=\"" << x + bar_w / 2 << "\" y=\"" << top + plot_h + 14
        << "\" text-anchor=\"middle\" class=\"s\">" << escapeXml(label) << "</text>";
  }
  svg << "<text x=\"" << left - 4 << "\" y=\"" << top + 4 << "\" text-anchor=\"end\">" << peak
      << "</text>";
  // Percentile markers: placed in the bucket that holds them.
  const std::pair<const char*, double> marks[] = {{"p50", h.percentileMs(0.5)},
                                                  {"p95", h.percentileMs(0.95)},
                                                  {"p99", h.percentileMs(0.99)}};
  // The values go into one line next to the title: labels at the lines would overlap each
  // other and the bars whenever two percentiles share a bucket.
  std::string legend;
  for (const auto& [name, value] : marks) {
    const auto it = std::lower_bound(bounds.begin(), bounds.end(), value);
    const auto index = static_cast<std::size_t>(it - bounds.begin());
    const double x = left + (static_cast<double>(std::clamp(index, first, last) - first) + 0.5) * bar_w;
    svg << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top << "\" y2=\"" << top + plot_h
        << "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>";
    legend += std::string(legend.empty() ? "" : ", ") + name + " " + num(value) + " ms";
  }
  svg << "<text x=\"" << left + plot_w << "\" y=\"18\" text-anchor=\"end\" fill=\"#d62728\">"
      << legend << " (dashed)</text>";
  svg << "<text x=\"" << left + plot_w / 2 << "\" y=\"" << height - 6
      << "\" text-anchor=\"middle\">bucket upper bound (ms)</text></svg>";
  return svg.str();
}

std::string percentileRow(const std::string& label, const std::optional<double>& p50,
                          const std::optional<double>& p95, const std::optional<double>& p99) {
  auto cell = [](const std::optional<double>& v) {
    return "<td>" + (v ? num(*v) + " ms" : std::string("&ndash;")) + "</td>";
  };
  return "<tr><th>" + escapeXml(label) + "</th>" + cell(p50) + cell(p95) + cell(p99) + "</tr>";
}

}  // namespace

std::string renderJson(const RunReport& r) {
  std::string out = "{";
  out += "\"scenario\":" + jsonString(r.scenario);
  out += ",\"description\":" + jsonString(r.description);
  out += ",\"seed\":" + std::to_string(r.seed);
  out += ",\"started_at\":" + jsonString(r.started_at);
  out += ",\"duration_s\":" + jsonNumber(r.duration_s);
  out += ",\"machine\":" + jsonString(r.machine);
  out += ",\"acs\":" + jsonString(r.acs);
  out += ",\"devices\":" + std::to_string(r.devices);
  out += ",\"passed\":" + std::string(r.passed() ? "true" : "false");
  out += ",\"phases\":[";
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const auto& p = r.phases[i];
    if (i > 0) out += ',';
    out += "{\"kind\":" + jsonString(p.kind) + ",\"line\":" + std::to_string(p.line) +
           ",\"start_s\":" + jsonNumber(p.start_s) + ",\"end_s\":" + jsonNumber(p.end_s) +
           ",\"outcome\":" + jsonString(p.outcome) + "}";
  }
  out += "],\"simulator\":{";
  out += "\"sessions\":" + std::to_string(r.sessions);
  out += ",\"errors\":" + std::to_string(r.sim_errors);
  out += ",\"errors_by_kind\":{";
  bool first = true;
  for (const auto& [kind, count] : r.errors_by_kind) {
    if (!first) out += ',';
    first = false;
    out += jsonString(kind) + ":" + std::to_string(count);
  }
  out += "},\"session_time\":" + jsonHistogram(r.session_time);
  out += ",\"reply_time\":" + jsonHistogram(r.reply_time);
  out += "},\"acs_metrics\":{";
  out += "\"scraped\":" + std::string(r.acs_side.scraped ? "true" : "false");
  out += ",\"rss_mib\":" + jsonOptional(r.acs_side.rss_mib);
  out += ",\"sessions_total\":" + jsonOptional(r.acs_side.sessions_total);
  out += ",\"reply_time\":" + jsonPercentiles(r.acs_side.reply_time);
  out += ",\"samples\":{";
  first = true;
  for (const auto& [name, value] : r.acs_side.samples) {
    if (!first) out += ',';
    first = false;
    out += jsonString(name) + ":" + jsonNumber(value);
  }
  out += "}},\"series\":[";
  for (std::size_t i = 0; i < r.series.size(); ++i) {
    const auto& p = r.series[i];
    if (i > 0) out += ',';
    out += "{\"t_s\":" + jsonNumber(p.t_s) + ",\"sim_sessions_per_s\":" + jsonNumber(p.sim_sessions_per_s) +
           ",\"acs_sessions_per_s\":" + jsonOptional(p.acs_sessions_per_s) +
           ",\"devices_online\":" + std::to_string(p.devices_online) +
           ",\"errors\":" + std::to_string(p.errors) + ",\"tasks_by_state\":{";
    bool first_state = true;
    for (const auto& [state, count] : p.tasks_by_state) {
      if (!first_state) out += ',';
      first_state = false;
      out += jsonString(state) + ":" + std::to_string(count);
    }
    out += "}}";
  }
  out += "],\"targets\":[";
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const auto& t = r.targets[i];
    if (i > 0) out += ',';
    out += "{\"name\":" + jsonString(t.name) + ",\"passed\":" + (t.passed ? "true" : "false") +
           ",\"wanted\":" + jsonString(t.wanted) + ",\"wanted_value\":" + jsonNumber(t.wanted_value) +
           ",\"measured\":" + jsonString(t.measured) +
           ",\"measured_value\":" + jsonOptional(t.measured_value) + "}";
  }
  out += "]}\n";
  return out;
}

std::string renderJunit(const RunReport& r) {
  std::size_t failures = 0;
  for (const auto& t : r.targets) failures += t.passed ? 0 : 1;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << r.targets.size() << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"" << escapeXml(r.scenario) << "\" tests=\"" << r.targets.size()
      << "\" failures=\"" << failures << "\" errors=\"0\" time=\"" << num(r.duration_s)
      << "\" timestamp=\"" << escapeXml(r.started_at) << "\">\n";
  for (const auto& t : r.targets) {
    out << "    <testcase classname=\"scenario." << escapeXml(r.scenario) << "\" name=\""
        << escapeXml(t.name) << "\" time=\"0\">";
    if (!t.passed) {
      out << "\n      <failure message=\"" << escapeXml(t.describe()) << "\" type=\"target\">"
          << escapeXml(t.describe()) << "</failure>\n    ";
    } else {
      out << "<system-out>" << escapeXml(t.describe()) << "</system-out>";
    }
    out << "</testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

std::string renderHtml(const RunReport& r) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<title>" << escapeXml(r.scenario) << " &mdash; scenario report</title><style>"
    << "body{font:14px/1.4 sans-serif;margin:24px;color:#222;max-width:980px}"
    << "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;"
    << "text-align:left}.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}"
    << "svg{display:block;margin:8px 0 16px;font:11px sans-serif}svg .t{font:bold 13px sans-serif}"
    << "svg .s{font-size:9px}"
    << "</style></head><body>\n";
  h << "<h1>" << escapeXml(r.scenario) << ": <span class=\"" << (r.passed() ? "pass\">PASSED" : "fail\">FAILED")
    << "</span></h1>\n";
  if (!r.description.empty()) h << "<p>" << escapeXml(r.description) << "</p>\n";
  h << "<table><tr><th>started</th><td>" << escapeXml(r.started_at) << "</td></tr><tr><th>duration</th><td>"
    << num(r.duration_s) << " s</td></tr><tr><th>devices</th><td>" << r.devices
    << "</td></tr><tr><th>seed</th><td>" << r.seed << "</td></tr><tr><th>ACS</th><td>"
    << escapeXml(r.acs) << "</td></tr><tr><th>machine</th><td>" << escapeXml(r.machine)
    << "</td></tr></table>\n";

  h << "<h2>Targets</h2>\n<table><tr><th>target</th><th>wanted</th><th>measured</th><th>result</th></tr>";
  for (const auto& t : r.targets) {
    h << "<tr><td>" << escapeXml(t.name) << "</td><td>" << escapeXml(t.wanted) << "</td><td>"
      << escapeXml(t.measured) << "</td><td class=\"" << (t.passed ? "pass\">pass" : "fail\">FAIL")
      << "</td></tr>";
  }
  if (r.targets.empty()) h << "<tr><td colspan=\"4\">no targets</td></tr>";
  h << "</table>\n";

  h << "<h2>Phases</h2>\n<table><tr><th>phase</th><th>line</th><th>start</th><th>end</th><th>outcome</th></tr>";
  for (const auto& p : r.phases) {
    h << "<tr><td>" << escapeXml(p.kind) << "</td><td>" << p.line << "</td><td>" << num(p.start_s)
      << " s</td><td>" << num(p.end_s) << " s</td><td>" << escapeXml(p.outcome) << "</td></tr>";
  }
  h << "</table>\n";

  h << "<h2>Latency</h2>\n<p>Simulator side: what the devices measured. ACS side: the ACS's own "
       "/metrics.</p>\n<table><tr><th></th><th>p50</th><th>p95</th><th>p99</th></tr>";
  auto pct = [](const LatencyHistogram& l, double q) -> std::optional<double> {
    if (l.count() == 0) return std::nullopt;
    return l.percentileMs(q);
  };
  h << percentileRow("session time (simulator)", pct(r.session_time, 0.5), pct(r.session_time, 0.95),
                     pct(r.session_time, 0.99));
  h << percentileRow("reply time (simulator)", pct(r.reply_time, 0.5), pct(r.reply_time, 0.95),
                     pct(r.reply_time, 0.99));
  h << percentileRow("reply time (ACS /metrics)", r.acs_side.reply_time.p50_ms, r.acs_side.reply_time.p95_ms,
                     r.acs_side.reply_time.p99_ms);
  h << "</table>\n";
  h << histogramChart("Session time histogram (simulator side)", r.session_time) << "\n";

  std::vector<Series> rate;
  rate.push_back({"simulator", kColours[0], {}});
  Series acs_rate{"ACS /metrics", kColours[1], {}};
  for (const auto& p : r.series) {
    rate[0].points.emplace_back(p.t_s, p.sim_sessions_per_s);
    if (p.acs_sessions_per_s) acs_rate.points.emplace_back(p.t_s, *p.acs_sessions_per_s);
  }
  if (!acs_rate.points.empty()) rate.push_back(std::move(acs_rate));
  h << "<h2>Throughput</h2>\n" << lineChart("Sessions per second", "sessions/s", rate) << "\n";

  std::set<std::string> states;
  for (const auto& p : r.series) {
    for (const auto& [state, count] : p.tasks_by_state) states.insert(state);
  }
  std::vector<Series> tasks;
  std::size_t colour = 0;
  for (const auto& state : states) {
    Series s{state, kColours[colour++ % std::size(kColours)], {}};
    for (const auto& p : r.series) {
      const auto it = p.tasks_by_state.find(state);
      s.points.emplace_back(p.t_s, it == p.tasks_by_state.end() ? 0.0 : static_cast<double>(it->second));
    }
    tasks.push_back(std::move(s));
  }
  h << "<h2>Tasks</h2>\n" << lineChart("Tasks by state", "tasks", tasks) << "\n";

  Series errors{"errors (cumulative)", kColours[1], {}};
  Series online{"devices online", kColours[2], {}};
  for (const auto& p : r.series) {
    errors.points.emplace_back(p.t_s, static_cast<double>(p.errors));
    online.points.emplace_back(p.t_s, static_cast<double>(p.devices_online));
  }
  h << "<h2>Errors</h2>\n" << lineChart("Simulator errors", "errors", {errors}) << "\n";
  h << "<table><tr><th>error</th><th>count</th></tr>";
  for (const auto& [kind, count] : r.errors_by_kind) {
    h << "<tr><td>" << escapeXml(kind) << "</td><td>" << count << "</td></tr>";
  }
  if (r.errors_by_kind.empty()) h << "<tr><td colspan=\"2\">none</td></tr>";
  h << "</table>\n";
  h << "<h2>Devices</h2>\n" << lineChart("Devices online", "devices", {online}) << "\n";

  h << "<h2>ACS /metrics</h2>\n";
  if (!r.acs_side.scraped) {
    h << "<p>not scraped</p>\n";
  } else {
    h << "<table><tr><th>RSS</th><td>"
      << (r.acs_side.rss_mib ? num(*r.acs_side.rss_mib) + " MiB" : std::string("&ndash;"))
      << "</td></tr><tr><th>sessions</th><td>"
      << (r.acs_side.sessions_total ? num(*r.acs_side.sessions_total) : std::string("&ndash;"))
      << "</td></tr></table>\n<details><summary>all " << r.acs_side.samples.size()
      << " series</summary><table>";
    for (const auto& [name, value] : r.acs_side.samples) {
      h << "<tr><td>" << escapeXml(name) << "</td><td>" << num(value) << "</td></tr>";
    }
    h << "</table></details>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

std::filesystem::path reportDirectory(const std::filesystem::path& base, const std::string& scenario,
                                      std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return base / (scenario + "-" + stamp);
}

std::string writeReport(const RunReport& report, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir.string() + ": " + ec.message();
  const std::pair<const char*, std::string> files[] = {
      {"report.json", renderJson(report)},
      {"junit.xml", renderJunit(report)},
      {"report.html", renderHtml(report)}};
  for (const auto& [name, content] : files) {
    const auto path = dir / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return "cannot write " + path.string();
  }
  return {};
}

}  // namespace scenario
