#include "api/api_router.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <istream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "api/api_json.h"
#include "api/api_requests.h"
#include "api/dashboard_api.h"
#include "api/json_writer.h"
#include "api/openapi.h"
#include "core/process_metrics.h"
#include "core/store_errors.h"
#include <Poco/DeflatingStream.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/String.h>

namespace acs::api {

bool acceptsGzip(std::string_view accept_encoding) {
  // RFC 9110 12.5.3: "gzip" (or "x-gzip") or "*" with a non-zero q; an explicit gzip;q=0
  // refuses it even when "*" is accepted.
  std::optional<bool> gzip;
  bool any = false;
  std::size_t start = 0;
  while (start < accept_encoding.size()) {
    std::size_t comma = accept_encoding.find(',', start);
    if (comma == std::string_view::npos) comma = accept_encoding.size();
    std::string_view item = accept_encoding.substr(start, comma - start);
    start = comma + 1;
    std::string_view coding = item.substr(0, item.find(';'));
    auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
    while (!coding.empty() && isSpace(coding.front())) coding.remove_prefix(1);
    while (!coding.empty() && isSpace(coding.back())) coding.remove_suffix(1);
    std::string name;
    for (char c : coding) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool allowed = true;
    if (std::size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string params;
      for (char c : item.substr(semi + 1)) {
        if (!isSpace(c)) params += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (params.rfind("q=", 0) == 0) {
        // q=0, q=0.0, q=0.000: refused; anything else above zero: allowed.
        std::string_view q = std::string_view(params).substr(2);
        allowed = q.find_first_not_of("0.") != std::string_view::npos;
      }
    }
    if (name == "gzip" || name == "x-gzip") {
      gzip = allowed;
    } else if (name == "*") {
      any = allowed;
    }
  }
  return gzip.value_or(any);
}

namespace {

// Replies with a body at least this long are gzip-compressed for clients that accept it;
// below it the gzip header and the CPU time outweigh the bytes saved.
constexpr std::size_t kGzipMinBytes = 1024;

// /api/* and /metrics replies may be compressed; /files/* (firmware served to CPEs, which
// seldom decode gzip and often are compressed already) never are.
bool compressiblePath(std::string_view path) {
  return path == "/metrics" || path == "/api" || path.starts_with("/api/");
}

std::string gzipped(std::string_view body) {
  std::ostringstream out;
  Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
  deflate.write(body.data(), static_cast<std::streamsize>(body.size()));
  deflate.close();
  return std::move(out).str();
}

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::string_view kAllowedRequestHeaders = "Authorization, X-API-Key, Content-Type";
// Downloads larger than this are streamed in pieces of this size (see ApiResponse).
constexpr std::size_t kFileStreamPieceBytes = 1024 * 1024;

// Compares in time that depends only on the lengths, never on where the first difference is,
// so an attacker cannot find the API key byte by byte from response times.
bool constantTimeEquals(std::string_view a, std::string_view b) {
  const std::size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0U : 1U;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0U;
    const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0U;
    diff |= x ^ y;
  }
  return diff == 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool isBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// "application/json" with any parameters ("; charset=utf-8").
bool isJsonContentType(std::string_view content_type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), kJson);
}

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// Matches `path` against a pattern such as "/api/devices/{id}/tags/{tag}"; on success fills
// `captures` with the percent-decoded values of the {placeholders}.
bool matchPattern(std::string_view pattern, const std::vector<std::string_view>& path,
                  std::vector<std::string>& captures) {
  const std::vector<std::string_view> parts = splitPath(pattern);
  if (parts.size() != path.size()) return false;
  std::vector<std::string> found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].empty() && parts[i].front() == '{') {
      if (path[i].empty()) return false;
      auto decoded = percentDecode(path[i], false);
      if (!decoded) return false;
      found.push_back(std::move(*decoded));
    } else if (parts[i] != path[i]) {
      return false;
    }
  }
  captures = std::move(found);
  return true;
}

ApiResponse jsonResponse(int status, std::string body) {
  ApiResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// One page of a listing: {"items": [...], "total", ["total_exact",] "limit", "offset"}.
// `with_total_exact`: the listing's store may stop counting (store::Page::total_exact).
template <class T, class WriteItem>
ApiResponse pageResponse(const store::Page<T>& page, std::int64_t limit, std::int64_t offset,
                         WriteItem write_item, bool with_total_exact = false) {
  JsonWriter w;
  w.beginObject().key("items").beginArray();
  for (const T& item : page.items) write_item(w, item);
  w.endArray();
  w.key("total").value(page.total);
  if (with_total_exact) w.key("total_exact").value(page.total_exact);
  w.key("limit").value(limit);
  w.key("offset").value(offset);
  w.endObject();
  return jsonResponse(200, w.take());
}

ApiResponse noContent() {
  ApiResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

ApiResponse errorResponse(const ApiError& error) {
  ApiResponse response = jsonResponse(error.status, errorBody(error));
  if (error.status == 503) response.headers.emplace_back("Retry-After", "1");
  if (error.status == 401)
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"acs\"");
  return response;
}

std::string devicePath(const std::string& id) { return "device '" + id + "'"; }

}  // namespace

// --- The routes ---------------------------------------------------------------------------------

class ApiRouter::Impl {
 public:
  explicit Impl(ApiDeps deps)
      : deps_(deps), max_file_bytes_(fileLimit(deps)), log_(Poco::Logger::get("acs.api")) {}

  ApiResponse dispatch(const ApiRequest& request);
  // Answers `request` with `error` without routing it (a body too large to read), after the
  // same authentication a routed request gets.
  ApiResponse dispatchError(const ApiRequest& request, const ApiError& error);
  std::uint64_t maxBodyBytes() const { return deps_.config.max_body_bytes; }
  std::uint64_t maxFileBytes() const { return max_file_bytes_; }
  // PUT /api/files/{name}: the body is the file (raw bytes, its own size limit).
  static bool isFileUpload(std::string_view method, std::string_view path) {
    return method == "PUT" && path.starts_with("/api/files/");
  }

 private:
  struct Call {
    const ApiRequest& request;
    std::vector<std::string> params;  // decoded {placeholders} in pattern order
    QueryParams query;
  };
  using Handler = ApiResult<ApiResponse> (Impl::*)(const Call&);
  struct Route {
    RouteSpec spec;
    Handler handler;
    bool open;              // served without an API key even when auth is enabled
    bool raw_body = false;  // the body is not JSON (file uploads)
  };

 public:
  static const std::array<Route, 31> kRoutes;
  static const std::array<RouteSpec, 31> kSpecs;

 private:
  // Handlers, one per route.
  ApiResult<ApiResponse> health(const Call& call);
  ApiResult<ApiResponse> openApi(const Call& call);
  ApiResult<ApiResponse> metrics(const Call& call);
  ApiResult<ApiResponse> stats(const Call& call);
  ApiResult<ApiResponse> listDevices(const Call& call);
  ApiResult<ApiResponse> getDevice(const Call& call);
  ApiResult<ApiResponse> deleteDevice(const Call& call);
  ApiResult<ApiResponse> getParameters(const Call& call);
  ApiResult<ApiResponse> createTask(const Call& call);
  ApiResult<ApiResponse> listDeviceTasks(const Call& call);
  ApiResult<ApiResponse> reboot(const Call& call);
  ApiResult<ApiResponse> factoryReset(const Call& call);
  ApiResult<ApiResponse> connectionRequest(const Call& call);
  ApiResult<ApiResponse> listSessions(const Call& call);
  ApiResult<ApiResponse> listFaults(const Call& call);
  ApiResult<ApiResponse> addTag(const Call& call);
  ApiResult<ApiResponse> removeTag(const Call& call);
  ApiResult<ApiResponse> setCapture(const Call& call);
  ApiResult<ApiResponse> listCaptures(const Call& call);
  ApiResult<ApiResponse> listTasks(const Call& call);
  ApiResult<ApiResponse> getTask(const Call& call);
  ApiResult<ApiResponse> cancelTask(const Call& call);
  // Dashboard (issue 7).
  ApiResult<ApiResponse> timeseries(const Call& call);
  ApiResult<ApiResponse> breakdown(const Call& call);
  ApiResult<ApiResponse> parameterTree(const Call& call);
  ApiResult<ApiResponse> listFiles(const Call& call);
  ApiResult<ApiResponse> getFileInfo(const Call& call);
  ApiResult<ApiResponse> putFile(const Call& call);
  ApiResult<ApiResponse> deleteFile(const Call& call);
  ApiResult<ApiResponse> serveFile(const Call& call);
  ApiResult<ApiResponse> headFile(const Call& call);
  ApiResult<ApiResponse> sendFile(const Call& call, bool head);
  std::string urlOf(const ApiRequest& request, std::string_view name) const;
  static std::uint64_t fileLimit(const ApiDeps& deps);

  // Shared steps.
  ApiResult<ApiResponse> createTaskFor(const Call& call, const TaskCreateOptions& options);
  ApiResult<store::Device> requireDevice(const std::string& id);
  ConnectionRequestOutcome requestConnection(const store::Device& device);
  ApiError storeFailure(const store::StoreError& error);
  std::optional<ApiError> authenticate(const ApiRequest& request) const;
  bool originAllowed(std::string_view origin) const;
  void addCorsHeaders(const ApiRequest& request, ApiResponse& response) const;
  ApiResponse preflight(const ApiRequest& request, const std::vector<std::string_view>& path);
  ApiResponse route(const ApiRequest& request);

  ApiDeps deps_;
  std::uint64_t max_file_bytes_;
  Poco::Logger& log_;
};

// Order matters only for readability: patterns never overlap (literal segments differ).
const std::array<ApiRouter::Impl::Route, 31> ApiRouter::Impl::kRoutes = {{
    {{"GET", "/api/health"}, &Impl::health, true},
    {{"GET", "/api/openapi.json"}, &Impl::openApi, true},
    {{"GET", "/metrics"}, &Impl::metrics, false},
    {{"GET", "/api/stats"}, &Impl::stats, false},
    {{"GET", "/api/devices"}, &Impl::listDevices, false},
    {{"GET", "/api/devices/{id}"}, &Impl::getDevice, false},
    {{"DELETE", "/api/devices/{id}"}, &Impl::deleteDevice, false},
    {{"GET", "/api/devices/{id}/parameters"}, &Impl::getParameters, false},
    {{"POST", "/api/devices/{id}/tasks"}, &Impl::createTask, false},
    {{"GET", "/api/devices/{id}/tasks"}, &Impl::listDeviceTasks, false},
    {{"POST", "/api/devices/{id}/reboot"}, &Impl::reboot, false},
    {{"POST", "/api/devices/{id}/factory-reset"}, &Impl::factoryReset, false},
    {{"POST", "/api/devices/{id}/connection-request"}, &Impl::connectionRequest, false},
    {{"GET", "/api/devices/{id}/sessions"}, &Impl::listSessions, false},
    {{"GET", "/api/devices/{id}/faults"}, &Impl::listFaults, false},
    {{"PUT", "/api/devices/{id}/tags/{tag}"}, &Impl::addTag, false},
    {{"DELETE", "/api/devices/{id}/tags/{tag}"}, &Impl::removeTag, false},
    {{"PUT", "/api/devices/{id}/capture"}, &Impl::setCapture, false},
    {{"GET", "/api/devices/{id}/captures"}, &Impl::listCaptures, false},
    {{"GET", "/api/tasks"}, &Impl::listTasks, false},
    {{"GET", "/api/tasks/{task_id}"}, &Impl::getTask, false},
    {{"DELETE", "/api/tasks/{task_id}"}, &Impl::cancelTask, false},
    // Dashboard (issue 7, acs/web/API-NEEDS.md).
    {{"GET", "/api/stats/timeseries"}, &Impl::timeseries, false},
    {{"GET", "/api/stats/breakdown"}, &Impl::breakdown, false},
    {{"GET", "/api/devices/{id}/parameter-tree"}, &Impl::parameterTree, false},
    {{"GET", "/api/files"}, &Impl::listFiles, false},
    {{"GET", "/api/files/{name}"}, &Impl::getFileInfo, false},
    {{"PUT", "/api/files/{name}"}, &Impl::putFile, false, true},
    {{"DELETE", "/api/files/{name}"}, &Impl::deleteFile, false},
    // CPEs cannot send an API key: stored files are served without one.
    {{"GET", "/files/{name}"}, &Impl::serveFile, true},
    {{"HEAD", "/files/{name}"}, &Impl::headFile, true},
}};

const std::array<RouteSpec, 31> ApiRouter::Impl::kSpecs = [] {
  std::array<RouteSpec, 31> specs{};
  for (std::size_t i = 0; i < kRoutes.size(); ++i) specs[i] = kRoutes[i].spec;
  return specs;
}();

// --- Cross-cutting: auth, CORS, errors ----------------------------------------------------------

std::optional<ApiError> ApiRouter::Impl::authenticate(const ApiRequest& request) const {
  if (!deps_.config.enable_auth) return std::nullopt;
  std::optional<std::string_view> presented;
  std::string_view authorization = trim(request.authorization);
  if (!authorization.empty()) {
    const std::size_t space = authorization.find(' ');
    if (space != std::string_view::npos && iequals(authorization.substr(0, space), "Bearer")) {
      presented = trim(authorization.substr(space + 1));
    }
  }
  if (!presented && !request.api_key.empty()) presented = trim(request.api_key);
  if (!presented) {
    return ApiError{401, "unauthorized",
                    "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"};
  }
  // An empty configured key never matches (the config loader already refuses that setup).
  if (deps_.config.api_key.empty() || !constantTimeEquals(*presented, deps_.config.api_key)) {
    return ApiError{401, "unauthorized", "invalid API key"};
  }
  return std::nullopt;
}

bool ApiRouter::Impl::originAllowed(std::string_view origin) const {
  if (origin.empty()) return false;
  const auto& origins = deps_.config.cors_origins;
  return std::find(origins.begin(), origins.end(), origin) != origins.end();
}

void ApiRouter::Impl::addCorsHeaders(const ApiRequest& request, ApiResponse& response) const {
  if (!originAllowed(request.origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", request.origin);
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Access-Control-Expose-Headers", "Location, Retry-After");
}

ApiError ApiRouter::Impl::storeFailure(const store::StoreError& error) {
  deps_.metrics.storeError(storeErrorKind(error.code));
  switch (error.code) {
    case store::StoreErrc::NotFound:
      return ApiError::notFound(error.message);
    case store::StoreErrc::Conflict:
      return ApiError::conflict(error.message);
    case store::StoreErrc::Invalid:
      return ApiError::badRequest("invalid_request", error.message);
    case store::StoreErrc::Busy:
      return ApiError{503, "store_busy", "the store is busy, retry later: " + error.message};
    case store::StoreErrc::Unavailable:
      return ApiError{503, "store_unavailable", "the store is unavailable: " + error.message};
  }
  return ApiError::internal(error.message);
}

ApiResponse ApiRouter::Impl::preflight(const ApiRequest& request,
                                       const std::vector<std::string_view>& path) {
  std::string allow;
  std::vector<std::string> captures;
  for (const Route& candidate : kRoutes) {
    if (!matchPattern(candidate.spec.pattern, path, captures)) continue;
    if (!allow.empty()) allow += ", ";
    allow += candidate.spec.method;
  }
  if (allow.empty()) return errorResponse(ApiError::notFound("no such API path: " + request.path));
  allow += ", OPTIONS";
  if (!request.origin.empty() && !originAllowed(request.origin)) {
    return errorResponse(
        ApiError{403, "origin_not_allowed", "origin '" + request.origin + "' is not allowed"});
  }
  ApiResponse response = noContent();
  response.headers.emplace_back("Allow", allow);
  if (!request.origin.empty()) {
    response.headers.emplace_back("Access-Control-Allow-Origin", request.origin);
    response.headers.emplace_back("Vary", "Origin");
    response.headers.emplace_back("Access-Control-Allow-Methods", allow);
    response.headers.emplace_back("Access-Control-Allow-Headers",
                                  std::string(kAllowedRequestHeaders));
    response.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  return response;
}

ApiResponse ApiRouter::Impl::route(const ApiRequest& request) {
  const std::vector<std::string_view> path = splitPath(request.path);
  if (request.method == "OPTIONS") return preflight(request, path);

  const Route* match = nullptr;
  std::vector<std::string> params;
  std::string allow;
  for (const Route& candidate : kRoutes) {
    std::vector<std::string> captures;
    if (!matchPattern(candidate.spec.pattern, path, captures)) continue;
    if (!allow.empty()) allow += ", ";
    allow += candidate.spec.method;
    if (candidate.spec.method == request.method) {
      match = &candidate;
      params = std::move(captures);
    }
  }
  // Unknown paths need a key too, so an anonymous client learns nothing about the API.
  if (match == nullptr || !match->open) {
    if (auto denied = authenticate(request)) return errorResponse(*denied);
  }
  if (allow.empty()) return errorResponse(ApiError::notFound("no such API path: " + request.path));
  if (match == nullptr) {
    ApiResponse response = errorResponse(ApiError{
        405, "method_not_allowed",
        request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")"});
    response.headers.emplace_back("Allow", allow + ", OPTIONS");
    return response;
  }
  if ((request.method == "POST" || request.method == "PUT") && !match->raw_body &&
      !isBlank(request.body) && !isJsonContentType(request.content_type)) {
    return errorResponse(
        ApiError{415, "unsupported_media_type",
                 "request bodies must be application/json, got '" + request.content_type + "'"});
  }
  auto query = parseQueryString(request.query);
  if (!query.ok()) return errorResponse(query.error());

  Call call{request, std::move(params), std::move(*query)};
  ApiResult<ApiResponse> result = (this->*(match->handler))(call);
  if (!result.ok()) return errorResponse(result.error());
  return std::move(*result);
}

ApiResponse ApiRouter::Impl::dispatch(const ApiRequest& request) {
  ApiResponse response;
  try {
    response = route(request);
  } catch (const std::exception& e) {
    // Handlers do not throw by design; this is the last line so a bug costs one 500, not the
    // connection thread.
    log_.error(request.method + " " + request.path + ": unexpected error: " + e.what());
    response = errorResponse(ApiError::internal("unexpected server error"));
  }
  if (response.status >= 500) {
    log_.warning(request.method + " " + request.path + " -> " + std::to_string(response.status) +
                 " " + response.body);
  }
  addCorsHeaders(request, response);
  deps_.metrics.apiRequest(response.status);
  return response;
}

ApiResponse ApiRouter::Impl::dispatchError(const ApiRequest& request, const ApiError& error) {
  ApiResponse response;
  if (auto denied = authenticate(request)) {
    const std::vector<std::string_view> path = splitPath(request.path);
    std::vector<std::string> captures;
    const bool open = std::any_of(kRoutes.begin(), kRoutes.end(), [&](const Route& candidate) {
      return candidate.open && candidate.spec.method == request.method &&
             matchPattern(candidate.spec.pattern, path, captures);
    });
    response = errorResponse(open ? error : *denied);
  } else {
    response = errorResponse(error);
  }
  addCorsHeaders(request, response);
  deps_.metrics.apiRequest(response.status);
  return response;
}

// --- Handlers -----------------------------------------------------------------------------------

ApiResult<store::Device> ApiRouter::Impl::requireDevice(const std::string& id) {
  auto device = deps_.store.getDevice(id, store::nowMs());
  if (!device.ok()) return storeFailure(device.error());
  if (!device->has_value()) return ApiError::notFound("unknown " + devicePath(id));
  return std::move(**device);
}

ApiResult<ApiResponse> ApiRouter::Impl::health(const Call&) {
  store::Status status = deps_.store.health();
  JsonWriter w;
  w.beginObject();
  w.key("status").value(status.ok() ? "ok" : "unavailable");
  w.key("store").value(deps_.store.backendName());
  if (!status.ok()) {
    deps_.metrics.storeError(storeErrorKind(status.error().code));
    w.key("error").beginObject();
    w.key("code").value("store_unavailable");
    w.key("message").value(status.error().message);
    w.endObject();
  }
  w.endObject();
  ApiResponse response = jsonResponse(status.ok() ? 200 : 503, w.take());
  if (!status.ok()) response.headers.emplace_back("Retry-After", "1");
  return response;
}

ApiResult<ApiResponse> ApiRouter::Impl::openApi(const Call&) {
  return jsonResponse(200, std::string(openApiDocument()));
}

ApiResult<ApiResponse> ApiRouter::Impl::metrics(const Call& call) {
  if (!call.query.empty()) {
    return ApiError::badRequest("unknown_parameter",
                                "unknown query parameter '" + call.query.front().first + "'");
  }
  std::string text = deps_.metrics.renderPrometheus();
  auto stats = deps_.store.stats(store::nowMs(), deps_.config.online_multiple);
  if (!stats.ok()) {
    // A scrape still succeeds: acs_store_up 0 tells the monitoring what is wrong.
    deps_.metrics.storeError(storeErrorKind(stats.error().code));
    log_.warning("metrics: store stats failed: " + stats.error().message);
  }
  text += renderStoreGauges(stats.ok() ? &*stats : nullptr);
  renderProcessMetrics(sampleProcess(), text);
  ApiResponse response = jsonResponse(200, std::move(text));
  response.content_type = std::string(kPrometheus);
  return response;
}

ApiResult<ApiResponse> ApiRouter::Impl::stats(const Call& call) {
  if (!call.query.empty()) {
    return ApiError::badRequest("unknown_parameter",
                                "unknown query parameter '" + call.query.front().first + "'");
  }
  const store::TimePoint now = store::nowMs();
  auto stats = deps_.store.stats(now, deps_.config.online_multiple);
  if (!stats.ok()) return storeFailure(stats.error());
  auto seen = deps_.store.countDevicesSeen(now - std::chrono::hours(1), now);
  if (!seen.ok()) return storeFailure(seen.error());
  JsonWriter w;
  w.beginObject();
  w.key("devices_total").value(stats->devices_total);
  w.key("devices_online").value(stats->devices_online);
  w.key("devices_seen_last_hour").value(*seen);
  w.key("tasks_by_state").beginObject();
  for (const auto& [state, count] : stats->tasks_by_state) w.key(state).value(count);
  w.endObject();
  w.key("sessions_last_hour").value(stats->sessions_last_hour);
  w.key("faults_last_24h").value(stats->faults_last_24h);
  w.key("active_sessions").value(deps_.metrics.activeSessions());
  w.key("store_backend").value(deps_.store.backendName());
  w.endObject();
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::listDevices(const Call& call) {
  auto query = parseDeviceListQuery(call.query, store::nowMs(), deps_.config.online_multiple);
  if (!query.ok()) return query.error();
  auto page = deps_.store.listDevices(*query);
  if (!page.ok()) return storeFailure(page.error());
  return pageResponse(*page, query->limit, query->offset, writeDevice, true);
}

ApiResult<ApiResponse> ApiRouter::Impl::getDevice(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  JsonWriter w;
  writeDevice(w, *device);
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::deleteDevice(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  auto deleted = deps_.store.deleteDevice(call.params[0]);
  if (!deleted.ok()) return storeFailure(deleted.error());
  if (!*deleted) return ApiError::notFound("unknown " + devicePath(call.params[0]));
  return noContent();
}

ApiResult<ApiResponse> ApiRouter::Impl::getParameters(const Call& call) {
  auto prefix = parseParameterQuery(call.query);
  if (!prefix.ok()) return prefix.error();
  auto parameters = deps_.store.getParameters(call.params[0], *prefix);
  if (!parameters.ok()) return storeFailure(parameters.error());
  JsonWriter w;
  w.beginObject();
  w.key("device_id").value(call.params[0]);
  w.key("prefix").value(*prefix);
  w.key("items").beginArray();
  for (const store::Parameter& parameter : *parameters) writeParameter(w, parameter);
  w.endArray();
  w.key("total").value(static_cast<std::int64_t>(parameters->size()));
  w.endObject();
  return jsonResponse(200, w.take());
}

ConnectionRequestOutcome ApiRouter::Impl::requestConnection(const store::Device& device) {
  ConnectionRequestOutcome outcome;
  if (device.connection_request_url.empty()) {
    outcome.message = "device has no ConnectionRequestURL (it has not reported one in an Inform)";
  } else {
    outcome = deps_.connection_requester.request(device);
  }
  deps_.metrics.connectionRequest(outcome.ok);
  return outcome;
}

ApiResult<ApiResponse> ApiRouter::Impl::createTaskFor(const Call& call,
                                                      const TaskCreateOptions& options) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  auto request = parseTaskCreateRequest(call.request.body, options);
  if (!request.ok()) return request.error();
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();

  const store::TimePoint now = store::nowMs();
  store::Task input = request->toTask(device->id, now);
  if (input.max_attempts == 0) input.max_attempts = deps_.config.default_max_attempts;
  auto task = deps_.store.createTask(input, now);
  if (!task.ok()) return storeFailure(task.error());

  std::optional<ConnectionRequestOutcome> outcome;
  if (request->connection_request) {
    outcome = requestConnection(*device);
    task->connection_request_result =
        (outcome->ok ? "ok: " : "failed: ") + outcome->message +
        (outcome->http_status != 0 ? " (HTTP " + std::to_string(outcome->http_status) + ")" : "");
    // The task is queued whatever happened: the device will pick it up at its next Inform.
    store::Status recorded =
        deps_.store.setConnectionRequestResult(task->id, task->connection_request_result);
    if (!recorded.ok()) {
      deps_.metrics.storeError(storeErrorKind(recorded.error().code));
      log_.warning("task " + std::to_string(task->id) +
                   ": recording the connection request result failed: " + recorded.error().message);
    }
  }

  JsonWriter w;
  writeTask(w, *task);
  std::string body = w.take();
  if (outcome) {
    // The task object plus the outcome of the connection request made for it.
    JsonWriter cr;
    writeConnectionRequestOutcome(cr, *outcome);
    body.pop_back();  // the task object's closing brace
    body += ",\"connection_request\":" + cr.take() + "}";
  }
  ApiResponse response = jsonResponse(201, std::move(body));
  response.headers.emplace_back("Location", "/api/tasks/" + std::to_string(task->id));
  return response;
}

ApiResult<ApiResponse> ApiRouter::Impl::createTask(const Call& call) {
  return createTaskFor(call, TaskCreateOptions{});
}

ApiResult<ApiResponse> ApiRouter::Impl::reboot(const Call& call) {
  return createTaskFor(
      call, TaskCreateOptions{.fixed_type = "Reboot", .default_connection_request = true});
}

ApiResult<ApiResponse> ApiRouter::Impl::factoryReset(const Call& call) {
  return createTaskFor(
      call, TaskCreateOptions{.fixed_type = "FactoryReset", .default_connection_request = true});
}

ApiResult<ApiResponse> ApiRouter::Impl::listDeviceTasks(const Call& call) {
  auto query = parseTaskListQuery(call.query, false);
  if (!query.ok()) return query.error();
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  query->device_id = device->id;
  auto page = deps_.store.listTasks(*query);
  if (!page.ok()) return storeFailure(page.error());
  return pageResponse(*page, query->limit, query->offset, writeTask);
}

ApiResult<ApiResponse> ApiRouter::Impl::listTasks(const Call& call) {
  auto query = parseTaskListQuery(call.query, true);
  if (!query.ok()) return query.error();
  auto page = deps_.store.listTasks(*query);
  if (!page.ok()) return storeFailure(page.error());
  return pageResponse(*page, query->limit, query->offset, writeTask);
}

ApiResult<ApiResponse> ApiRouter::Impl::connectionRequest(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (auto bad = checkEmptyBody(call.request.body)) return *bad;
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  if (device->connection_request_url.empty()) {
    return ApiError{409, "no_connection_request_url",
                    devicePath(device->id) + " has not reported a ConnectionRequestURL"};
  }
  const ConnectionRequestOutcome outcome = requestConnection(*device);
  JsonWriter w;
  w.beginObject();
  if (!outcome.ok) {
    w.key("error").beginObject();
    w.key("code").value("connection_request_failed");
    w.key("message").value("connection request to " + devicePath(device->id) +
                           " failed: " + outcome.message);
    w.endObject();
  }
  w.key("device_id").value(device->id);
  w.key("connection_request");
  writeConnectionRequestOutcome(w, outcome);
  w.endObject();
  // 502: the ACS worked, the device (the upstream of this request) did not answer as asked.
  return jsonResponse(outcome.ok ? 200 : 502, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::listSessions(const Call& call) {
  auto page_params = parsePageQuery(call.query);
  if (!page_params.ok()) return page_params.error();
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  auto page = deps_.store.listSessions(device->id, page_params->limit, page_params->offset);
  if (!page.ok()) return storeFailure(page.error());
  return pageResponse(*page, page_params->limit, page_params->offset, writeSession);
}

ApiResult<ApiResponse> ApiRouter::Impl::listFaults(const Call& call) {
  auto page_params = parsePageQuery(call.query);
  if (!page_params.ok()) return page_params.error();
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  auto page = deps_.store.listFaults(device->id, page_params->limit, page_params->offset);
  if (!page.ok()) return storeFailure(page.error());
  return pageResponse(*page, page_params->limit, page_params->offset, writeFault);
}

ApiResult<ApiResponse> ApiRouter::Impl::addTag(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (auto bad = checkEmptyBody(call.request.body)) return *bad;
  if (auto bad = checkTag(call.params[1])) return *bad;
  store::Status added = deps_.store.addTag(call.params[0], call.params[1]);
  if (!added.ok()) return storeFailure(added.error());
  return noContent();
}

ApiResult<ApiResponse> ApiRouter::Impl::removeTag(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (auto bad = checkTag(call.params[1])) return *bad;
  auto removed = deps_.store.removeTag(call.params[0], call.params[1]);
  if (!removed.ok()) return storeFailure(removed.error());
  if (!*removed) {
    return ApiError::notFound(devicePath(call.params[0]) + " has no tag '" + call.params[1] + "'");
  }
  return noContent();
}

ApiResult<ApiResponse> ApiRouter::Impl::setCapture(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  auto enabled = parseCaptureRequest(call.request.body);
  if (!enabled.ok()) return enabled.error();
  store::Status set = deps_.store.setCapture(call.params[0], *enabled);
  if (!set.ok()) return storeFailure(set.error());
  JsonWriter w;
  w.beginObject();
  w.key("device_id").value(call.params[0]);
  w.key("capture_enabled").value(*enabled);
  w.endObject();
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::listCaptures(const Call& call) {
  auto session = parseCaptureQuery(call.query);
  if (!session.ok()) return session.error();
  auto device = requireDevice(call.params[0]);
  if (!device.ok()) return device.error();
  auto captures = deps_.store.listCaptures(device->id, *session);
  if (!captures.ok()) return storeFailure(captures.error());
  JsonWriter w;
  writeCaptures(w, device->id, *captures);
  return jsonResponse(200, w.take());
}

namespace {
std::optional<std::int64_t> parseTaskId(const std::string& text) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}
}  // namespace

ApiResult<ApiResponse> ApiRouter::Impl::getTask(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  const auto id = parseTaskId(call.params[0]);
  if (!id) return ApiError::notFound("unknown task '" + call.params[0] + "'");
  auto task = deps_.store.getTask(*id);
  if (!task.ok()) return storeFailure(task.error());
  if (!task->has_value()) return ApiError::notFound("unknown task " + call.params[0]);
  JsonWriter w;
  writeTask(w, **task);
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::cancelTask(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  const auto id = parseTaskId(call.params[0]);
  if (!id) return ApiError::notFound("unknown task '" + call.params[0] + "'");
  auto task = deps_.store.getTask(*id);
  if (!task.ok()) return storeFailure(task.error());
  if (!task->has_value()) return ApiError::notFound("unknown task " + call.params[0]);
  auto state = deps_.store.cancelTask(*id, store::nowMs());
  if (!state.ok()) {
    if (state.error().code == store::StoreErrc::Conflict) {
      return ApiError{409, "task_not_cancellable",
                      "task " + call.params[0] + " is " +
                          std::string(store::taskStateName((*task)->state)) +
                          "; only pending tasks can be cancelled"};
    }
    return storeFailure(state.error());
  }
  auto after = deps_.store.getTask(*id);
  if (!after.ok()) return storeFailure(after.error());
  if (!after->has_value()) return ApiError::notFound("unknown task " + call.params[0]);
  JsonWriter w;
  writeTask(w, **after);
  return jsonResponse(200, w.take());
}

// --- Dashboard (issue 7) -----------------------------------------------------------------------

std::uint64_t ApiRouter::Impl::fileLimit(const ApiDeps& deps) {
  return deps.max_file_bytes > 0 ? deps.max_file_bytes : kDefaultMaxFileBytes;
}

ApiResult<ApiResponse> ApiRouter::Impl::timeseries(const Call& call) {
  auto query = parseTimeseriesQuery(call.query);
  if (!query.ok()) return query.error();
  const TimeWindow window = timeseriesWindow(store::nowMs(), *query);
  auto points = deps_.store.activitySeries(window.start, window.end, query->step);
  if (!points.ok()) return storeFailure(points.error());
  JsonWriter w;
  writeTimeseries(w, window, query->step, *points);
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::breakdown(const Call& call) {
  auto query = parseBreakdownQuery(call.query, store::nowMs(), deps_.config.online_multiple);
  if (!query.ok()) return query.error();
  auto result = deps_.store.deviceBreakdown(*query);
  if (!result.ok()) return storeFailure(result.error());
  JsonWriter w;
  writeBreakdown(w, query->field, *result);
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::parameterTree(const Call& call) {
  auto prefix = parseParameterTreeQuery(call.query);
  if (!prefix.ok()) return prefix.error();
  // The stored subtree, grouped here into one level (see parameterTree()).
  auto parameters = deps_.store.getParameters(call.params[0], *prefix);
  if (!parameters.ok()) return storeFailure(parameters.error());
  const std::vector<TreeItem> items = api::parameterTree(*prefix, *parameters);
  JsonWriter w;
  writeParameterTree(w, call.params[0], *prefix, items);
  return jsonResponse(200, w.take());
}

std::string ApiRouter::Impl::urlOf(const ApiRequest& request, std::string_view name) const {
  // The host the client reached the ACS under is the one CPEs on its network reach it by.
  const std::string host = !request.host.empty()
                               ? request.host
                               : deps_.config.host + ":" + std::to_string(deps_.config.port);
  std::string url = fileUrl(host, name);
  // fileUrl() writes http://; with TLS every listener speaks HTTPS only.
  if (deps_.config.tls.enabled() && url.rfind("http://", 0) == 0) url.insert(4, "s");
  return url;
}

ApiResult<ApiResponse> ApiRouter::Impl::listFiles(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  auto files = deps_.store.listFiles();
  if (!files.ok()) return storeFailure(files.error());
  JsonWriter w;
  w.beginObject().key("items").beginArray();
  for (const store::StoredFile& file : *files) {
    writeStoredFile(w, file, urlOf(call.request, file.name));
  }
  w.endArray();
  w.key("total").value(static_cast<std::int64_t>(files->size()));
  w.key("max_file_bytes").value(max_file_bytes_);
  w.endObject();
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::getFileInfo(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (auto bad = checkFileName(call.params[0])) return *bad;
  auto file = deps_.store.getFile(call.params[0]);
  if (!file.ok()) return storeFailure(file.error());
  if (!file->has_value()) return ApiError::notFound("unknown file '" + call.params[0] + "'");
  JsonWriter w;
  writeStoredFile(w, **file, urlOf(call.request, call.params[0]));
  return jsonResponse(200, w.take());
}

ApiResult<ApiResponse> ApiRouter::Impl::putFile(const Call& call) {
  auto file_type = parseFilePutQuery(call.query);
  if (!file_type.ok()) return file_type.error();
  if (auto bad = checkFileName(call.params[0])) return *bad;
  auto existing = deps_.store.getFile(call.params[0]);
  if (!existing.ok()) return storeFailure(existing.error());
  store::StoredFile input;
  input.name = call.params[0];
  input.file_type = *file_type;
  input.sha256 = sha256Hex(call.request.body);
  auto stored = deps_.store.putFile(input, call.request.body, store::nowMs());
  if (!stored.ok()) return storeFailure(stored.error());
  JsonWriter w;
  writeStoredFile(w, *stored, urlOf(call.request, stored->name));
  const bool replaced = existing->has_value();
  ApiResponse response = jsonResponse(replaced ? 200 : 201, w.take());
  response.headers.emplace_back("Location", "/api/files/" + percentEncode(stored->name));
  return response;
}

ApiResult<ApiResponse> ApiRouter::Impl::deleteFile(const Call& call) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (auto bad = checkFileName(call.params[0])) return *bad;
  auto deleted = deps_.store.deleteFile(call.params[0]);
  if (!deleted.ok()) return storeFailure(deleted.error());
  if (!*deleted) return ApiError::notFound("unknown file '" + call.params[0] + "'");
  return noContent();
}

ApiResult<ApiResponse> ApiRouter::Impl::serveFile(const Call& call) {
  return sendFile(call, false);
}

ApiResult<ApiResponse> ApiRouter::Impl::headFile(const Call& call) { return sendFile(call, true); }

ApiResult<ApiResponse> ApiRouter::Impl::sendFile(const Call& call, bool head) {
  if (auto unknown = QueryReader(call.query).unknownParameter()) return *unknown;
  if (checkFileName(call.params[0])) {
    return ApiError::notFound("unknown file '" + call.params[0] + "'");
  }
  auto file = deps_.store.getFile(call.params[0]);
  if (!file.ok()) return storeFailure(file.error());
  if (!file->has_value()) return ApiError::notFound("unknown file '" + call.params[0] + "'");
  const store::StoredFile& info = **file;

  const RangeRequest range = parseRange(call.request.range, info.size);
  if (range.kind == RangeKind::Unsatisfiable) {
    ApiResponse response =
        errorResponse(ApiError{416, "range_not_satisfiable",
                               "range '" + call.request.range + "' is outside the file (" +
                                   std::to_string(info.size) + " bytes)"});
    response.headers.emplace_back("Content-Range", "bytes */" + std::to_string(info.size));
    return response;
  }
  const ByteRange bytes =
      range.kind == RangeKind::Satisfiable ? range.range : ByteRange{0, info.size};
  ApiResponse response;
  response.status = range.kind == RangeKind::Satisfiable ? 206 : 200;
  response.content_type = "application/octet-stream";
  response.headers.emplace_back("Accept-Ranges", "bytes");
  response.headers.emplace_back("ETag", "\"" + info.sha256 + "\"");
  if (range.kind == RangeKind::Satisfiable) {
    response.headers.emplace_back("Content-Range",
                                  "bytes " + std::to_string(bytes.offset) + "-" +
                                      std::to_string(bytes.offset + bytes.length - 1) + "/" +
                                      std::to_string(info.size));
  }
  if (head) {
    response.head_content_length = bytes.length;
    return response;
  }
  if (bytes.length > static_cast<std::int64_t>(kFileStreamPieceBytes)) {
    // Streamed in pieces, each read from one snapshot of that version of the file.
    store::Store& files = deps_.store;
    Poco::Logger& log = log_;
    response.stream_length = bytes.length;
    response.stream_body = [&files, &log, info, bytes](std::ostream& out) {
      const auto piece = static_cast<std::int64_t>(kFileStreamPieceBytes);
      for (std::int64_t done = 0; done < bytes.length;) {
        const std::int64_t want = std::min(piece, bytes.length - done);
        auto content = files.readFileContent(info.name, info.sha256, bytes.offset + done, want);
        if (!content.ok() || static_cast<std::int64_t>(content->size()) != want) {
          log.warning("serving file '" + info.name + "' stopped after " + std::to_string(done) +
                      " bytes: " +
                      (content.ok() ? std::string("content shorter than its recorded size")
                                    : content.error().message));
          return false;
        }
        out.write(content->data(), static_cast<std::streamsize>(content->size()));
        if (!out) return false;  // the client went away
        done += want;
      }
      return true;
    };
    return response;
  }
  auto content = deps_.store.readFileContent(info.name, info.sha256, bytes.offset, bytes.length);
  if (!content.ok()) {
    if (content.error().code == store::StoreErrc::NotFound) {
      // Deleted or replaced between the two reads: the client retries and gets the new state.
      return ApiError{503, "file_changed",
                      "file '" + info.name + "' changed while it was being read; retry"};
    }
    return storeFailure(content.error());
  }
  if (static_cast<std::int64_t>(content->size()) != bytes.length) {
    return ApiError::internal("file '" + info.name + "' is shorter than its recorded size");
  }
  response.body = std::move(*content);
  return response;
}

// --- ApiRouter ----------------------------------------------------------------------------------

ApiRouter::ApiRouter(ApiDeps deps) : impl_(std::make_unique<Impl>(deps)) {}

ApiRouter::~ApiRouter() = default;

bool ApiRouter::handles(std::string_view path) {
  path = path.substr(0, path.find('?'));
  return path == "/metrics" || path == "/api" || path.starts_with("/api/") ||
         path.starts_with("/files/");
}

std::span<const RouteSpec> ApiRouter::routes() { return Impl::kSpecs; }

ApiResponse ApiRouter::dispatch(const ApiRequest& request) { return impl_->dispatch(request); }

void ApiRouter::handle(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) {
  ApiResponse reply;
  bool body_consumed = true;
  bool may_gzip = false;  // the reply may be compressed: right path, client accepts gzip
  bool vary = false;      // the reply depends on Accept-Encoding (Vary header)
  try {
    ApiRequest in;
    in.method = request.getMethod();
    const std::string& uri = request.getURI();
    const std::size_t question = uri.find('?');
    in.path = uri.substr(0, question);
    vary = compressiblePath(in.path);
    may_gzip = vary && acceptsGzip(request.get("Accept-Encoding", ""));
    if (question != std::string::npos) in.query = uri.substr(question + 1);
    in.content_type = request.get("Content-Type", "");
    in.authorization = request.get("Authorization", "");
    in.api_key = request.get("X-API-Key", "");
    in.origin = request.get("Origin", "");
    in.host = request.get("Host", "");
    in.range = request.get("Range", "");

    const bool file_upload = Impl::isFileUpload(in.method, in.path);
    const std::uint64_t limit = file_upload ? impl_->maxFileBytes() : impl_->maxBodyBytes();
    ApiError too_large{413, "payload_too_large",
                       file_upload
                           ? "file larger than the ACS accepts (" + std::to_string(limit) +
                                 " bytes; set ACS_MAX_FILE_BYTES to change)"
                           : "request body larger than " + std::to_string(limit) + " bytes"};
    if (request.hasContentLength() && request.getContentLength64() > 0 &&
        static_cast<std::uint64_t>(request.getContentLength64()) > limit) {
      body_consumed = false;
      reply = impl_->dispatchError(in, too_large);
    } else if (!request.getChunkedTransferEncoding() && !request.hasContentLength()) {
      // RFC 9112 6.3: without Content-Length or chunked coding a request has no body. (Poco
      // would otherwise read until the client closes, e.g. for a browser's OPTIONS.)
      reply = impl_->dispatch(in);
    } else {
      std::istream& stream = request.stream();
      std::string body;
      if (request.hasContentLength() && request.getContentLength64() > 0) {
        body.reserve(static_cast<std::size_t>(request.getContentLength64()));
      }
      char buffer[8192];
      bool over = false;
      while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        body.append(buffer, static_cast<std::size_t>(stream.gcount()));
        if (body.size() > limit) {
          over = true;
          body_consumed = false;
          break;
        }
      }
      if (over) {
        reply = impl_->dispatchError(in, too_large);
      } else {
        in.body = std::move(body);
        reply = impl_->dispatch(in);
      }
    }
  } catch (const Poco::Exception& e) {
    Poco::Logger::get("acs.api").warning("reading request failed: " + e.displayText());
    reply = errorResponse(ApiError::badRequest("bad_request", "could not read the request"));
    body_consumed = false;
  }

  try {
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    std::string vary_value;  // one Vary header naming everything the reply depends on
    for (const auto& [name, value] : reply.headers) {
      if (Poco::icompare(name, "Vary") == 0) {
        vary_value += (vary_value.empty() ? "" : ", ") + value;
      } else {
        response.add(name, value);
      }
    }
    const bool plain_body =
        reply.head_content_length < 0 && !reply.stream_body && !reply.content_type.empty();
    if (vary && plain_body) {
      vary_value += (vary_value.empty() ? "" : ", ") + std::string("Accept-Encoding");
    }
    if (!vary_value.empty()) response.set("Vary", vary_value);
    // An unread body would be taken for the next request on this connection.
    if (!body_consumed) response.setKeepAlive(false);
    if (reply.head_content_length >= 0) {
      // HEAD: the GET's headers, no body (Poco sends none for a HEAD request).
      if (!reply.content_type.empty()) response.setContentType(reply.content_type);
      response.setContentLength64(reply.head_content_length);
      response.send();
    } else if (reply.stream_body) {
      // One download per connection: a download that stops early must end the connection.
      response.setKeepAlive(false);
      response.setContentType(reply.content_type);
      response.setContentLength64(reply.stream_length);
      std::ostream& out = response.send();
      if (reply.stream_body(out)) out.flush();
    } else if (reply.content_type.empty()) {
      response.setContentLength(0);
      response.send();
    } else {
      response.setContentType(reply.content_type);
      if (may_gzip && reply.body.size() >= kGzipMinBytes) {
        const std::string compressed = gzipped(reply.body);
        response.set("Content-Encoding", "gzip");
        response.sendBuffer(compressed.data(), compressed.size());
      } else {
        response.sendBuffer(reply.body.data(), reply.body.size());
      }
    }
  } catch (const Poco::Exception& e) {
    // The client went away; nothing more can be told to it.
    Poco::Logger::get("acs.api").information("sending reply failed: " + e.displayText());
  }
}

}  // namespace acs::api
