#include "fleet/fleet.h"
#include "lab/server_shutdown.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <ostream>
#include <random>
#include <sstream>
#include <unordered_set>

#include "profile/profile_loader.h"
#include "quirks/quirks.h"

namespace cpesim {
namespace {

std::uint64_t serialHash(std::string_view serial) {
  // FNV-1a: stable across runs and platforms (std::hash need not be).
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : serial) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

cwmp::Error invalid(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = std::move(message);
  return e;
}

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class MetricsHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit MetricsHandler(const Fleet& fleet) : fleet_(fleet) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    try {
      if (request.getURI() != "/metrics" && request.getURI() != "/") {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        response.setContentLength(0);
        response.send();
        return;
      }
      std::string body = fleet_.prometheusText();
      response.setContentType("text/plain; version=0.0.4; charset=utf-8");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      response.send() << body;
    } catch (const Poco::Exception&) {
      // The scraper went away; nothing to clean up.
    }
  }

 private:
  const Fleet& fleet_;
};

class MetricsFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit MetricsFactory(const Fleet& fleet) : fleet_(fleet) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new MetricsHandler(fleet_);
  }

 private:
  const Fleet& fleet_;
};

}  // namespace

Result<ProfileSpec> readProfileSpec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid("cannot read profile '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (endsWith(path, ".yaml") || endsWith(path, ".yml")) return parseProfileYaml(text, path);
  if (endsWith(path, ".csv")) return parseParameterCsv(text, path);
  if (endsWith(path, ".json")) return parseParameterExport(text, path);
  return invalid("profile '" + path + "': unknown file type (use .yaml, .yml, .csv or .json)");
}

std::optional<std::string> setParameterDefault(ProfileSpec& spec, std::string_view name,
                                               std::string value) {
  std::vector<std::string_view> parts;
  std::string_view rest = name;
  while (!rest.empty()) {
    std::size_t dot = rest.find('.');
    parts.push_back(rest.substr(0, dot));
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  }
  auto unknown = [&] { return "--set: the profile has no parameter '" + std::string(name) + "'"; };
  if (parts.size() < 2 || parts.front() != spec.root.name) return unknown();
  ObjectSpec* object = &spec.root;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (i + 1 == parts.size()) {
      for (ParamSpec& param : object->params) {
        if (param.name == part) {
          param.value = std::move(value);
          return std::nullopt;
        }
      }
      return unknown();
    }
    ObjectSpec* next = nullptr;
    for (ObjectSpec& child : object->children) {
      if (child.name == part) next = &child;
    }
    if (next == nullptr) return unknown();
    if (next->is_table) {
      // Table.<instance>.<relative path>: an initial instance's own value.
      if (i + 2 >= parts.size()) return unknown();
      std::uint32_t instance = 0;
      auto [end, ec] = std::from_chars(parts[i + 1].data(), parts[i + 1].data() + parts[i + 1].size(), instance);
      if (ec != std::errc() || end != parts[i + 1].data() + parts[i + 1].size() ||
          std::find(next->instances.begin(), next->instances.end(), instance) == next->instances.end()) {
        return unknown();
      }
      std::string relative;
      for (std::size_t j = i + 2; j < parts.size(); ++j) {
        if (!relative.empty()) relative += '.';
        relative += parts[j];
      }
      next->instance_values[instance][relative] = std::move(value);
      return std::nullopt;
    }
    object = next;
  }
  return unknown();
}

std::unique_ptr<Fleet> Fleet::create(const FleetConfig& config, std::string& error) {
  std::unique_ptr<Fleet> fleet(new Fleet());
  fleet->config_ = config;
  const FleetConfig& cfg = fleet->config_;
  if (cfg.groups.empty()) {
    error = "no devices: give at least one --profile";
    return nullptr;
  }
  if (cfg.acs_url.empty()) {
    error = "--acs-url is required";
    return nullptr;
  }
  if (ParsedUrl acs = parseHttpUrl(cfg.acs_url); !acs) {
    error = "--acs-url: " + acs.error;
    return nullptr;
  }
  // Always: the ACS may move devices to an https URL (SPV of ManagementServer.URL).
  if (std::string tls_error; !(fleet->tls_ = TlsContext::create(cfg.tls, tls_error))) {
    error = (cfg.tls.ca_file.empty() ? "TLS: " : "--ca-file: ") + tls_error;
    return nullptr;
  }
  if (cfg.threads == 0 || cfg.threads > 64) {
    error = "--threads must be between 1 and 64";
    return nullptr;
  }

  // 1. The listener first: its port goes into every ConnectionRequestURL.
  CrListenerConfig cr;
  cr.bind_host = cfg.cr_bind;
  cr.port = cfg.cr_port;
  cr.advertise_host = cfg.cr_host;
  cr.max_per_window = cfg.cr_max_per_window;
  cr.window = cfg.cr_window;
  cr.seed = cfg.seed;
  fleet->listener_ = std::make_unique<ConnectionRequestListener>(*fleet, cr);
  try {
    fleet->listener_->start();
  } catch (const Poco::Exception& e) {
    error = "connection-request listener on " + cfg.cr_bind + ":" + std::to_string(cfg.cr_port) +
            ": " + e.displayText();
    return nullptr;
  }

  // 2. Profiles, bound to this run ({acs_url}, {cr_url}, serial pattern) and with the
  // command line's parameter defaults and quirks.
  for (const ProfileGroupConfig& group : cfg.groups) {
    Result<ProfileSpec> spec = readProfileSpec(group.path);
    if (!spec) {
      error = spec.error().message;
      return nullptr;
    }
    spec->variables["acs_url"] = cfg.acs_url;
    spec->variables["cr_url"] = fleet->listener_->urlTemplate("{serial}");
    if (!group.serial_pattern.empty()) spec->device_id.serial = group.serial_pattern;
    for (const std::string& assignment : group.set_values) {
      std::size_t eq = assignment.find('=');
      if (eq == std::string::npos) {
        error = "--set '" + assignment + "': expected NAME=VALUE";
        return nullptr;
      }
      if (auto e = setParameterDefault(*spec, assignment.substr(0, eq), assignment.substr(eq + 1))) {
        error = "profile '" + group.path + "': " + *e;
        return nullptr;
      }
    }
    for (const std::string& quirk : group.quirks) {
      if (auto e = applyQuirk(spec->quirks, quirk)) {
        error = "profile '" + group.path + "': " + *e;
        return nullptr;
      }
    }
    if (group.quirk_share) {
      if (auto e = applyQuirkShare(spec->quirks, *group.quirk_share)) {
        error = *e;
        return nullptr;
      }
    }
    Result<ProfilePtr> built = Profile::build(std::move(*spec));
    if (!built) {
      error = "profile '" + group.path + "': " + built.error().message;
      return nullptr;
    }
    fleet->context_.profiles.push_back(*built);
  }

  // 3. Saved state.
  StateFileContents state;
  if (!cfg.state_file.empty()) {
    state = readStateFile(cfg.state_file);
    if (!state.ok) {
      error = state.error + " (fix it or remove it to start a fresh fleet)";
      return nullptr;
    }
    fleet->state_existed_ = state.existed;
  }

  // 4. Devices, spread round-robin over the shards.
  std::vector<std::vector<DeviceSeed>> per_shard(cfg.threads);
  std::unordered_set<std::string> serials;
  std::uint32_t global = 0;
  for (std::size_t g = 0; g < cfg.groups.size(); ++g) {
    const ProfileGroupConfig& group = cfg.groups[g];
    const Profile& profile = *fleet->context_.profiles[g];
    if (group.count > 0 && group.start_index > UINT32_MAX - (group.count - 1)) {
      error = "profile '" + group.path + "': --start-index + --count overflows";
      return nullptr;
    }
    for (std::uint32_t i = 0; i < group.count; ++i) {
      const std::uint32_t index = group.start_index + i;
      std::string serial = profile.serialNumber(index);
      if (!serials.insert(serial).second) {
        error = "serial number '" + serial + "' is used by two devices; give the profiles " +
                "different --serial-pattern or --start-index values";
        return nullptr;
      }
      auto saved = state.devices.find(serial);
      DeviceSeed seed{static_cast<std::uint16_t>(g), Device(index)};
      if (saved != state.devices.end()) {
        if (saved->second.profile != profile.name()) {
          error = "state file: device '" + serial + "' was a '" + saved->second.profile +
                  "' device, now it is a '" + profile.name() + "' device";
          return nullptr;
        }
        Result<Device> loaded = Device::load(profile, saved->second.state);
        if (!loaded) {
          error = "state file: device '" + serial + "': " + loaded.error().message;
          return nullptr;
        }
        if (loaded->index() != index) {
          error = "state file: device '" + serial + "' has index " +
                  std::to_string(loaded->index()) + ", expected " + std::to_string(index);
          return nullptr;
        }
        seed.device = std::move(*loaded);
        state.devices.erase(saved);
      }
      fleet->by_serial_.emplace_back(serialHash(serial), global);
      per_shard[global % cfg.threads].push_back(std::move(seed));
      ++global;
    }
  }
  if (global > 16'000'000) {
    error = "too many devices (" + std::to_string(global) + "); the limit is 16,000,000";
    return nullptr;
  }
  fleet->foreign_state_ = std::move(state.devices);
  fleet->device_count_ = global;
  std::sort(fleet->by_serial_.begin(), fleet->by_serial_.end());
  fleet->metrics_.devices = static_cast<std::int64_t>(global);

  // 5. Shards.
  fleet->transfers_ = std::make_unique<TransferPool>(cfg.transfer_threads);
  fleet->context_.config = &fleet->config_;
  fleet->context_.metrics = &fleet->metrics_;
  fleet->context_.transfers = fleet->transfers_.get();
  fleet->context_.resolver = &fleet->resolver_;
  fleet->context_.tls = fleet->tls_.get();
  for (std::uint32_t s = 0; s < cfg.threads; ++s) {
    // The in-flight budget is split evenly; a shard gets at least one session.
    std::uint32_t budget = cfg.max_sessions / cfg.threads + (s < cfg.max_sessions % cfg.threads ? 1 : 0);
    fleet->shards_.push_back(
        std::make_unique<Shard>(fleet->context_, s, std::move(per_shard[s]), std::max<std::uint32_t>(1, budget)));
  }
  return fleet;
}

Fleet::~Fleet() { stop(); }

std::optional<Fleet::Location> Fleet::locate(std::string_view serial) const {
  const std::uint64_t h = serialHash(serial);
  auto it = std::lower_bound(by_serial_.begin(), by_serial_.end(), std::make_pair(h, std::uint32_t{0}));
  for (; it != by_serial_.end() && it->first == h; ++it) {
    Location at{it->second % config_.threads, it->second / config_.threads};
    const Shard& shard = *shards_[at.shard];
    const Profile& profile = shard.profileOf(at.slot);
    if (profile.serialNumber(shard.deviceIndex(at.slot)) == serial) {
      return at;
    }
  }
  return std::nullopt;
}

void Fleet::start(std::ostream* summary_out) {
  if (running_) return;
  running_ = true;
  for (auto& shard : shards_) shard->start();
  if (config_.metrics_port) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(config_.metrics_bind, *config_.metrics_port), 64);
    metrics_port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    params->setKeepAlive(true);
    metrics_server_ = std::make_unique<Poco::Net::HTTPServer>(new MetricsFactory(*this), socket, params);
    metrics_server_->start();
  }
  if (summary_out != nullptr && config_.summary_interval.count() > 0) {
    summary_thread_ = std::thread([this, summary_out] { summaryLoop(summary_out); });
  }
}

void Fleet::summaryLoop(std::ostream* out) {
  SummaryLine summary(metrics_);
  auto last = std::chrono::steady_clock::now();
  const auto begin = last;
  std::unique_lock<std::mutex> lock(summary_mutex_);
  while (!summary_wake_.wait_for(lock, config_.summary_interval, [this] { return summary_stop_; })) {
    auto now = std::chrono::steady_clock::now();
    std::string line = summary.next(std::chrono::duration<double>(now - last).count());
    last = now;
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "cpe-sim [%7.1fs] ",
                  std::chrono::duration<double>(now - begin).count());
    *out << prefix << line << std::endl;
  }
}

void Fleet::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (listener_) listener_->stop();
  if (running_) {
    for (auto& shard : shards_) shard->beginDrain();
    const auto deadline = std::chrono::steady_clock::now() + config_.drain_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t in_flight = 0;
      for (auto& shard : shards_) in_flight += shard->inFlight();
      if (in_flight == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& shard : shards_) shard->abortSessions();
    // Cancels running transfers; their failure reports reach the devices through the
    // still-running loops.
    transfers_.reset();
    for (auto& shard : shards_) shard->runAndWait([] {});
    for (auto& shard : shards_) shard->stop();
  }
  running_ = false;
  if (metrics_server_) {
    lab::stopAndDrain(*metrics_server_, true);
    metrics_server_.reset();
  }
  if (summary_thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(summary_mutex_);
      summary_stop_ = true;
    }
    summary_wake_.notify_all();
    summary_thread_.join();
  }
}

std::string Fleet::saveState() {
  if (config_.state_file.empty()) return {};
  if (running_) return "cannot save state while the fleet runs";
  std::map<std::string, StateRecord> records = foreign_state_;
  for (auto& shard : shards_) {
    auto& devices = shard->devices();
    for (std::uint32_t slot = 0; slot < devices.size(); ++slot) {
      const Profile& profile = shard->profileOf(slot);
      const Device& device = devices[slot].device;
      records[profile.serialNumber(device.index())] = StateRecord{profile.name(), device.save()};
    }
  }
  return writeStateFile(config_.state_file, records);
}

std::string Fleet::prometheusText() const {
  CrListenerStats cr = listener_->stats();
  std::string extra =
      "# HELP cpesim_cr_requests_total Connection requests received by the listener, by outcome.\n"
      "# TYPE cpesim_cr_requests_total counter\n";
  auto line = [&](const char* outcome, std::uint64_t value) {
    extra += std::string("cpesim_cr_requests_total{outcome=\"") + outcome + "\"} " +
             std::to_string(value) + "\n";
  };
  line("accepted", cr.accepted);
  line("challenged", cr.challenged);
  line("auth_failed", cr.auth_failed);
  line("rate_limited", cr.rate_limited);
  line("not_found", cr.not_found);
  line("unavailable", cr.unavailable);
  return metrics_.prometheus(extra);
}

bool Fleet::inspect(const std::string& serial, const std::function<void(Device&, const Profile&)>& fn) {
  std::optional<Location> at = locate(serial);
  if (!at) return false;
  Shard& shard = *shards_[at->shard];
  shard.runAndWait([&] { fn(shard.devices()[at->slot].device, shard.profileOf(at->slot)); });
  return true;
}

void Fleet::visitDevices(const std::function<void(Device&, const Profile&)>& fn) {
  for (auto& shard : shards_) {
    shard->runAndWait([&] {
      auto& devices = shard->devices();
      for (std::uint32_t slot = 0; slot < devices.size(); ++slot) fn(devices[slot].device, shard->profileOf(slot));
    });
  }
}

std::optional<std::string> Fleet::checkRuntimeQuirk(std::string_view assignment) {
  Quirks probe;
  if (auto error = applyQuirk(probe, assignment)) return error;
  if (!probe.rpc_faults.empty() || !probe.extra_events.empty() || !probe.omitted_events.empty() ||
      !probe.defects.empty()) {
    return "quirk '" + std::string(assignment) +
           "' changes the device model (rpc_fault, extra_event, omit_event, defect) and cannot be "
           "switched while the fleet runs; only wire and transfer quirks can";
  }
  return std::nullopt;
}

std::string Fleet::setWireQuirks(const std::vector<std::string>& serials,
                                 const std::vector<std::string>& assignments) {
  for (const std::string& assignment : assignments) {
    if (auto error = checkRuntimeQuirk(assignment)) return *error;
  }
  // Where each device is, checked before anything changes.
  std::vector<std::vector<std::uint32_t>> slots(shards_.size());
  for (const std::string& serial : serials) {
    std::optional<Location> at = locate(serial);
    if (!at) return "no device '" + serial + "' in this fleet";
    slots[at->shard].push_back(at->slot);
  }
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    if (slots[s].empty()) continue;
    Shard& shard = *shards_[s];
    // The quirks depend on the device's profile and on whether the profile's own quirk
    // share selects it: one shared Quirks per (group, selected) pair.
    std::map<std::pair<std::uint16_t, bool>, std::vector<std::uint32_t>> by_base;
    for (std::uint32_t slot : slots[s]) {
      const std::uint16_t group = shard.devices()[slot].group;
      const bool selected = shard.profileOf(slot).quirksFor(shard.deviceIndex(slot)) != nullptr;
      by_base[{group, selected}].push_back(slot);
    }
    for (const auto& [base, members] : by_base) {
      std::shared_ptr<const Quirks> quirks;
      if (!assignments.empty()) {
        const Profile& profile = *context_.profiles[base.first];
        const Quirks* own = profile.quirksFor(shard.deviceIndex(members.front()));
        auto built = std::make_shared<Quirks>(own != nullptr ? *own : Quirks{});
        built->share = 1.0;  // the selection is `serials`
        for (const std::string& assignment : assignments) applyQuirk(*built, assignment);
        quirks = std::move(built);
      }
      shard.setWireQuirks(members, quirks);
    }
  }
  return {};
}

std::string Fleet::changeValues(
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>& changes) {
  std::vector<std::vector<Shard::ValueChange>> by_shard(shards_.size());
  for (const auto& [serial, values] : changes) {
    std::optional<Location> at = locate(serial);
    if (!at) return "no device '" + serial + "' in this fleet";
    by_shard[at->shard].push_back(Shard::ValueChange{at->slot, values});
  }
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    if (by_shard[s].empty()) continue;
    if (std::string error = shards_[s]->changeValues(by_shard[s]); !error.empty()) return error;
  }
  return {};
}

std::string Fleet::powerOn(const std::vector<std::string>& serials, std::chrono::milliseconds window) {
  std::vector<std::vector<std::pair<std::uint32_t, std::int64_t>>> by_shard(shards_.size());
  Rng rng(config_.seed * 0x2545f4914f6cdd1dULL + ++power_ons_);
  std::uniform_int_distribution<std::int64_t> offset(0, std::max<std::int64_t>(0, window.count() - 1));
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const std::string& serial : serials) {
    std::optional<Location> at = locate(serial);
    if (!at) return "no device '" + serial + "' in this fleet";
    by_shard[at->shard].emplace_back(at->slot, now_ms + (window.count() > 0 ? offset(rng) : 0));
  }
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    if (!by_shard[s].empty()) shards_[s]->powerOn(by_shard[s]);
  }
  return {};
}

void Fleet::visitDevices(const std::function<void(Device&, const Profile&, bool powered)>& fn) {
  for (auto& shard : shards_) {
    shard->runAndWait([&] {
      auto& devices = shard->devices();
      for (std::uint32_t slot = 0; slot < devices.size(); ++slot) {
        fn(devices[slot].device, shard->profileOf(slot), shard->poweredOn(slot));
      }
    });
  }
}

CrLookup Fleet::connectionRequestCredentials(std::string_view device) {
  CrLookup result;
  if (!running_ || shards_.empty()) {
    result.status = CrLookup::Status::Unavailable;
    return result;
  }
  std::optional<Location> at = locate(device);
  if (!at) return result;  // NotFound
  return shards_[at->shard]->lookupConnectionRequest(at->slot);
}

void Fleet::connectionRequested(std::string_view device) {
  if (!running_) return;
  if (std::optional<Location> at = locate(device)) shards_[at->shard]->connectionRequest(at->slot);
}

}  // namespace cpesim
