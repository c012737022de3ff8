#include "api/dashboard_api.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "api/api_json.h"
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace acs::api {
namespace {

constexpr std::int64_t kMaxMinutes = 1440;
constexpr std::int64_t kAllowedSteps[] = {60, 300, 900, 3600};
constexpr std::size_t kMaxFileNameBytes = 255;
constexpr std::size_t kMaxFileTypeBytes = 64;
constexpr std::string_view kDefaultFileType = "1 Firmware Upgrade Image";

std::int64_t ms(store::TimePoint t) { return t.time_since_epoch().count(); }
store::TimePoint tp(std::int64_t v) { return store::TimePoint(std::chrono::milliseconds(v)); }

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Valid UTF-8 without control characters.
bool isPrintableUtf8(std::string_view text) {
  if (!isValidUtf8(text)) return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

std::optional<std::int64_t> parseNonNegative(std::string_view text) {
  if (!allDigits(text)) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

// --- Time series --------------------------------------------------------------------------------

ApiResult<TimeseriesQuery> parseTimeseriesQuery(const QueryParams& params) {
  QueryReader reader(params);
  TimeseriesQuery query;
  auto minutes = reader.integer("minutes", 1, kMaxMinutes);
  if (!minutes.ok()) return minutes.error();
  if (*minutes) query.minutes = **minutes;
  auto step = reader.integer("step", 1, 86'400);
  if (!step.ok()) return step.error();
  if (*step) {
    if (std::find(std::begin(kAllowedSteps), std::end(kAllowedSteps), **step) ==
        std::end(kAllowedSteps)) {
      return ApiError::badRequest(
          "invalid_parameter",
          "step must be one of 60, 300, 900, 3600 (seconds), got " + std::to_string(**step));
    }
    query.step = std::chrono::seconds(**step);
  }
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return query;
}

TimeWindow timeseriesWindow(store::TimePoint now, const TimeseriesQuery& query) {
  const std::int64_t step_ms = query.step.count() * 1000;
  const std::int64_t end = (floorDiv(ms(now), step_ms) + 1) * step_ms;
  const std::int64_t span_ms = query.minutes * 60'000;
  const std::int64_t buckets = (span_ms + step_ms - 1) / step_ms;
  return {tp(end - buckets * step_ms), tp(end)};
}

void writeTimeseries(JsonWriter& w, const TimeWindow& window, std::chrono::seconds step,
                     const std::vector<store::ActivityBucket>& points) {
  w.beginObject();
  w.key("step_seconds").value(static_cast<std::int64_t>(step.count()));
  w.key("start").value(formatTime(window.start));
  w.key("end").value(formatTime(window.end));
  w.key("points").beginArray();
  for (const store::ActivityBucket& point : points) {
    w.beginObject();
    w.key("t").value(formatTime(point.start));
    w.key("informs").value(point.informs);
    w.key("sessions").value(point.sessions);
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

// --- Breakdown ----------------------------------------------------------------------------------

ApiResult<store::BreakdownQuery> parseBreakdownQuery(const QueryParams& params,
                                                     store::TimePoint now, double online_multiple) {
  QueryReader reader(params);
  store::BreakdownQuery query;
  query.now = now;
  query.online_multiple = online_multiple;
  auto field = reader.text("field");
  if (!field.ok()) return field.error();
  auto limit = reader.integer("limit", 1, store::kMaxBreakdownLimit);
  if (!limit.ok()) return limit.error();
  auto online = reader.boolean("online");
  if (!online.ok()) return online.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  const auto& fields = store::deviceBreakdownFields();
  if (!*field) {
    return ApiError::badRequest("invalid_parameter",
                                "field is required (one of product_class, "
                                "software_version, oui, manufacturer, "
                                "hardware_version)");
  }
  if (std::find(fields.begin(), fields.end(), **field) == fields.end()) {
    return ApiError::badRequest("invalid_parameter",
                                "field '" + **field +
                                    "' is not one of product_class, software_version, oui, "
                                    "manufacturer, hardware_version");
  }
  query.field = **field;
  if (*limit) query.limit = **limit;
  query.online = *online;
  return query;
}

void writeBreakdown(JsonWriter& w, std::string_view field, const store::Breakdown& breakdown) {
  w.beginObject();
  w.key("field").value(field);
  w.key("total").value(breakdown.total);
  w.key("items").beginArray();
  for (const store::BreakdownItem& item : breakdown.items) {
    w.beginObject();
    w.key("value").value(item.value);
    w.key("count").value(item.count);
    w.key("online").value(item.online);
    w.endObject();
  }
  w.endArray();
  w.key("other").value(breakdown.other);
  w.endObject();
}

// --- Parameter tree -----------------------------------------------------------------------------

ApiResult<std::string> parseParameterTreeQuery(const QueryParams& params) {
  QueryReader reader(params);
  auto prefix = reader.text("prefix");
  if (!prefix.ok()) return prefix.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  std::string value = prefix->value_or("");
  if (!value.empty() && value.back() != '.') {
    return ApiError::badRequest("invalid_parameter",
                                "prefix must name an object and end with '.', got '" + value + "'");
  }
  return value;
}

bool parameterNameLess(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const std::size_t da = a.find('.');
    const std::size_t db = b.find('.');
    const std::string_view sa = a.substr(0, da);
    const std::string_view sb = b.substr(0, db);
    if (sa != sb) {
      if (allDigits(sa) && allDigits(sb)) {
        // Numeric order: fewer digits (after leading zeros) first, then digit by digit.
        const std::string_view ta = sa.substr(std::min(sa.find_first_not_of('0'), sa.size()));
        const std::string_view tb = sb.substr(std::min(sb.find_first_not_of('0'), sb.size()));
        if (ta.size() != tb.size()) return ta.size() < tb.size();
        if (ta != tb) return ta < tb;
        return sa < sb;  // same value, different zero padding
      }
      return sa < sb;
    }
    // Same segment: an object ("x.") and a parameter ("x") with one name sort object last.
    if (da == std::string_view::npos || db == std::string_view::npos) {
      return da == std::string_view::npos && db != std::string_view::npos;
    }
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
  return a.empty() && !b.empty();
}

std::vector<TreeItem> parameterTree(std::string_view prefix,
                                    const std::vector<store::Parameter>& parameters) {
  struct ObjectInfo {
    std::set<std::string_view> children;
    std::optional<bool> writable;
  };
  std::map<std::string_view, ObjectInfo> objects;
  std::vector<TreeItem> items;
  for (const store::Parameter& parameter : parameters) {
    const std::string_view name = parameter.name;
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const std::string_view rest = name.substr(prefix.size());
    const std::size_t dot = rest.find('.');
    if (dot == std::string_view::npos) {
      TreeItem item;
      item.name = parameter.name;
      item.parameter = &parameter;
      items.push_back(std::move(item));
      continue;
    }
    const std::string_view object = name.substr(0, prefix.size() + dot + 1);
    ObjectInfo& info = objects[object];
    const std::string_view below = rest.substr(dot + 1);
    if (below.empty()) {
      info.writable = parameter.writable;  // the object's own row
      continue;
    }
    const std::size_t next = below.find('.');
    info.children.insert(below.substr(0, next == std::string_view::npos ? below.size() : next + 1));
  }
  for (auto& [name, info] : objects) {
    TreeItem item;
    item.name = std::string(name);
    item.object = true;
    item.child_count = static_cast<std::int64_t>(info.children.size());
    item.writable = info.writable;
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(),
            [](const TreeItem& x, const TreeItem& y) { return parameterNameLess(x.name, y.name); });
  return items;
}

void writeParameterTree(JsonWriter& w, std::string_view device_id, std::string_view prefix,
                        const std::vector<TreeItem>& items) {
  w.beginObject();
  w.key("device_id").value(device_id);
  w.key("prefix").value(prefix);
  w.key("items").beginArray();
  for (const TreeItem& item : items) {
    if (item.object) {
      w.beginObject();
      w.key("name").value(item.name);
      w.key("object").value(true);
      w.key("child_count").value(item.child_count);
      w.key("writable");
      if (item.writable) {
        w.value(*item.writable);
      } else {
        w.null();
      }
      w.endObject();
    } else {
      // The parameter's usual shape plus "object": false.
      JsonWriter one;
      writeParameter(one, *item.parameter);
      std::string text = one.take();
      text.insert(1, "\"object\":false,");
      w.raw(text);
    }
  }
  w.endArray();
  w.key("total").value(static_cast<std::int64_t>(items.size()));
  w.endObject();
}

// --- Files --------------------------------------------------------------------------------------

ApiResult<std::string> parseFilePutQuery(const QueryParams& params) {
  QueryReader reader(params);
  auto file_type = reader.text("file_type");
  if (!file_type.ok()) return file_type.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  if (!*file_type) return std::string(kDefaultFileType);
  if (file_type->value().empty() || file_type->value().size() > kMaxFileTypeBytes ||
      !isPrintableUtf8(**file_type)) {
    return ApiError::badRequest("invalid_parameter",
                                "file_type must be 1.." + std::to_string(kMaxFileTypeBytes) +
                                    " bytes of printable text, e.g. '1 Firmware Upgrade Image'");
  }
  return **file_type;
}

std::optional<ApiError> checkFileName(std::string_view name) {
  const auto bad = [&](const std::string& why) {
    return ApiError::badRequest("invalid_file_name", "invalid file name: " + why);
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > kMaxFileNameBytes) {
    return bad("longer than " + std::to_string(kMaxFileNameBytes) + " bytes");
  }
  if (name == "." || name == "..") return bad("'.' and '..' are not file names");
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    return bad("it contains '/' or '\\'");
  }
  if (!isPrintableUtf8(name)) return bad("it is not printable UTF-8 text");
  return std::nullopt;
}

std::string sha256Hex(std::string_view content) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(content.data(), static_cast<unsigned>(content.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string fileUrl(std::string_view host, std::string_view name) {
  return "http://" + std::string(host) + "/files/" + percentEncode(name);
}

void writeStoredFile(JsonWriter& w, const store::StoredFile& file, std::string_view url) {
  w.beginObject();
  w.key("name").value(file.name);
  w.key("size").value(file.size);
  w.key("file_type").value(file.file_type);
  w.key("url").value(url);
  w.key("uploaded_at").value(formatTime(file.uploaded_at));
  w.key("sha256").value(file.sha256);
  w.endObject();
}

RangeRequest parseRange(std::string_view header, std::int64_t size) {
  RangeRequest none;
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return none;
  std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return none;  // several ranges: whole file
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return none;
  const std::string_view first = spec.substr(0, dash);
  const std::string_view last = spec.substr(dash + 1);
  RangeRequest out;
  if (first.empty()) {
    auto suffix = parseNonNegative(last);
    if (!suffix) return none;
    if (*suffix == 0 || size == 0) return {RangeKind::Unsatisfiable, {}};
    const std::int64_t length = std::min(*suffix, size);
    return {RangeKind::Satisfiable, {size - length, length}};
  }
  auto from = parseNonNegative(first);
  if (!from) return none;
  std::int64_t to = size - 1;
  if (!last.empty()) {
    auto end = parseNonNegative(last);
    if (!end || *end < *from) return none;
    to = std::min(*end, size - 1);
  }
  if (*from >= size) return {RangeKind::Unsatisfiable, {}};
  out.kind = RangeKind::Satisfiable;
  out.range = {*from, to - *from + 1};
  return out;
}

}  // namespace acs::api
