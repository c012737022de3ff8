// The store contract suite (see store_contract.h). Every test runs on every backend.
#include "contract/store_contract.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store/store_factory.h"

namespace acs::store::contract {

using namespace std::chrono_literals;

void StoreContract::SetUp() {
  db_ = GetParam().create();
  if (!db_) {
    if (HasFailure()) FAIL() << "no database for backend " << GetParam().name;  // fatal: no body
    GTEST_SKIP() << "no database for backend " << GetParam().name;
  }
  options_.pool_size = 4;
  options_.capture_max_per_device = 5;
  options_.capture_max_body_bytes = 64;
  options_.online_multiple = 2.0;
  options_.default_online_window = 10min;
  options_.default_max_attempts = 3;
  auto store = openStore(db_->url(), options_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_ = std::move(*store);
}

void StoreContract::TearDown() {
  store_.reset();
  db_.reset();
}

StorePtr StoreContract::openAnother(const StoreOptions& options) {
  auto store = openStore(db_->url(), options);
  if (!store) {
    ADD_FAILURE() << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

namespace {

const TimePoint kT0 = TimePoint(std::chrono::milliseconds(1'700'000'000'000));

InformRecord inform(std::string serial, TimePoint now = kT0) {
  InformRecord r;
  r.oui = "00A0C9";
  r.product_class = "RG1";
  r.serial_number = std::move(serial);
  r.manufacturer = "Acme";
  r.hardware_version = "HW1";
  r.software_version = "1.0.0";
  r.connection_request_url = "http://127.0.0.1:7548/cr";
  r.parameter_key = "pk0";
  r.ip = "127.0.0.2";
  r.periodic_inform_interval = 300;
  r.events = {"0 BOOTSTRAP", "1 BOOT"};
  r.parameters = {{"Device.DeviceInfo.SoftwareVersion", "1.0.0", "xsd:string", std::nullopt, {}},
                  {"Device.ManagementServer.PeriodicInformInterval",
                   "300",
                   "xsd:unsignedInt",
                   std::nullopt,
                   {}}};
  r.now = now;
  return r;
}

std::string idOf(const std::string& serial) { return makeDeviceId("00A0C9", "RG1", serial); }

template <class T>
T must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) throw std::runtime_error("store call failed: " + r.error().message);
  return std::move(r).value();
}

void mustOk(const Status& s) {
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) throw std::runtime_error("store call failed: " + s.error().message);
}

template <class T>
StoreErrc errc(const Result<T>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? StoreErrc::Invalid : r.error().code;
}

Task newTask(const std::string& device_id, std::string type = "Reboot") {
  Task t;
  t.device_id = device_id;
  t.type = std::move(type);
  t.args_json = R"({"CommandKey":"reboot-1"})";
  return t;
}

SessionRecord newSession(const std::string& id, const std::string& device_id, TimePoint at) {
  SessionRecord s;
  s.id = id;
  s.device_id = device_id;
  s.owner = "acs-a";
  s.started_at = at;
  s.last_activity = at;
  s.events = {"2 PERIODIC"};
  return s;
}

// --- Devices and Informs
// -----------------------------------------------------------------------------

TEST_P(StoreContract, ReportsBackendAndHealth) {
  EXPECT_TRUE(store_->backendName() == "sqlite" || store_->backendName() == "postgresql");
  EXPECT_TRUE(store_->health().ok());
}

TEST_P(StoreContract, RecordInformCreatesDeviceWithAllFields) {
  Device d = must(store_->recordInform(inform("SN1")));
  EXPECT_EQ(d.id, "00A0C9-RG1-SN1");
  EXPECT_EQ(d.oui, "00A0C9");
  EXPECT_EQ(d.product_class, "RG1");
  EXPECT_EQ(d.serial_number, "SN1");
  EXPECT_EQ(d.manufacturer, "Acme");
  EXPECT_EQ(d.hardware_version, "HW1");
  EXPECT_EQ(d.software_version, "1.0.0");
  EXPECT_EQ(d.connection_request_url, "http://127.0.0.1:7548/cr");
  EXPECT_EQ(d.parameter_key, "pk0");
  EXPECT_EQ(d.ip, "127.0.0.2");
  EXPECT_EQ(d.first_seen, kT0);
  EXPECT_EQ(d.last_inform, kT0);
  EXPECT_EQ(d.periodic_inform_interval, 300);
  EXPECT_EQ(d.last_events, (std::vector<std::string>{"0 BOOTSTRAP", "1 BOOT"}));
  EXPECT_TRUE(d.online);
  EXPECT_TRUE(d.tags.empty());
  EXPECT_FALSE(d.capture_enabled);

  auto got = must(store_->getDevice(d.id, kT0 + 1s));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->serial_number, "SN1");
  EXPECT_EQ(got->last_events, d.last_events);
  auto params = must(store_->getParameters(d.id, ""));
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "Device.DeviceInfo.SoftwareVersion");
  EXPECT_EQ(params[0].value, "1.0.0");
  EXPECT_EQ(params[0].type, "xsd:string");
  EXPECT_EQ(params[0].last_updated, kT0);
  EXPECT_FALSE(params[0].writable.has_value());
}

TEST_P(StoreContract, RecordInformUpdatesDeviceAndKeepsUnreportedFields) {
  must(store_->recordInform(inform("SN1")));
  InformRecord second = inform("SN1", kT0 + 300s);
  second.manufacturer.clear();          // not reported: kept
  second.hardware_version.clear();      // kept
  second.software_version = "2.0.0";    // changed
  second.parameter_key = "";            // always replaced
  second.periodic_inform_interval = 0;  // unknown: kept
  second.events = {"2 PERIODIC"};
  second.parameters = {{"Device.DeviceInfo.SoftwareVersion", "2.0.0", "xsd:string", {}, {}}};
  Device d = must(store_->recordInform(second));
  EXPECT_EQ(d.first_seen, kT0);
  EXPECT_EQ(d.last_inform, kT0 + 300s);
  EXPECT_EQ(d.manufacturer, "Acme");
  EXPECT_EQ(d.hardware_version, "HW1");
  EXPECT_EQ(d.software_version, "2.0.0");
  EXPECT_EQ(d.parameter_key, "");
  EXPECT_EQ(d.periodic_inform_interval, 300);
  EXPECT_EQ(d.last_events, std::vector<std::string>{"2 PERIODIC"});
  auto params = must(store_->getParameters(d.id, "Device.DeviceInfo."));
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].value, "2.0.0");
  EXPECT_EQ(params[0].last_updated, kT0 + 300s);
  // The other parameter is untouched.
  auto all = must(store_->getParameters(d.id, ""));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].last_updated, kT0);
  // The stored row and the software-version index agree with the returned device (the
  // identity columns are written apart from the rest when they change).
  Device stored = must(store_->getDevice(d.id, kT0 + 300s)).value();
  EXPECT_EQ(stored.software_version, "2.0.0");
  EXPECT_EQ(stored.manufacturer, "Acme");
  EXPECT_EQ(stored.hardware_version, "HW1");
  DeviceQuery q;
  q.now = kT0 + 300s;
  q.software_version = "2.0.0";
  EXPECT_EQ(must(store_->listDevices(q)).total, 1);
  q.software_version = "1.0.0";
  EXPECT_EQ(must(store_->listDevices(q)).total, 0);
  // An Inform that changes nothing of the identity still updates the rest.
  InformRecord third = inform("SN1", kT0 + 600s);
  third.software_version = "2.0.0";
  third.ip = "192.0.2.99";
  Device again = must(store_->recordInform(third));
  EXPECT_EQ(again.ip, "192.0.2.99");
  EXPECT_EQ(again.last_inform, kT0 + 600s);
  EXPECT_EQ(must(store_->getDevice(d.id, kT0 + 600s)).value().ip, "192.0.2.99");
}

TEST_P(StoreContract, RecordInformUsesExplicitIdAndRejectsMissingOne) {
  InformRecord r = inform("SN9");
  r.device_id = "custom-id";
  EXPECT_EQ(must(store_->recordInform(r)).id, "custom-id");
  InformRecord bad = inform("");
  EXPECT_EQ(errc(store_->recordInform(bad)), StoreErrc::Invalid);
  InformRecord negative = inform("SN10");
  negative.periodic_inform_interval = -5;
  EXPECT_EQ(errc(store_->recordInform(negative)), StoreErrc::Invalid);
}

TEST_P(StoreContract, DeviceIdsArePercentEncodedSoPartsCannotCollide) {
  InformRecord a = inform("X");
  a.product_class = "R-G";
  InformRecord b = inform("G-X");
  b.product_class = "R";
  Device da = must(store_->recordInform(a));
  Device db = must(store_->recordInform(b));
  EXPECT_NE(da.id, db.id);
  EXPECT_EQ(da.id, "00A0C9-R%2DG-X");
}

TEST_P(StoreContract, OnlineFollowsIntervalMultipleAndDefaultWindow) {
  must(store_->recordInform(inform("SN1")));  // interval 300 s, multiple 2 -> 600 s
  auto at = [&](TimePoint now) { return must(store_->getDevice(idOf("SN1"), now))->online; };
  EXPECT_TRUE(at(kT0 + 600s));
  EXPECT_FALSE(at(kT0 + 601s));
  InformRecord unknown = inform("SN2");
  unknown.periodic_inform_interval = 0;  // default window: 10 min
  must(store_->recordInform(unknown));
  EXPECT_TRUE(must(store_->getDevice(idOf("SN2"), kT0 + 10min))->online);
  EXPECT_FALSE(must(store_->getDevice(idOf("SN2"), kT0 + 10min + 1ms))->online);
}

TEST_P(StoreContract, GetUnknownDeviceIsEmptyAndBadIdIsInvalid) {
  EXPECT_FALSE(must(store_->getDevice("nope", kT0)).has_value());
  EXPECT_EQ(errc(store_->getDevice("", kT0)), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->getDevice(std::string(600, 'x'), kT0)), StoreErrc::Invalid);
}

// --- Device lists
// ------------------------------------------------------------------------------------

void seedFleet(Store& store) {
  // 6 devices: SN0..SN5; even ones on 2.0.0, odd on 1.0.0; SN5 is another OUI; SN4 informed
  // long ago (offline); tags on SN1 and SN2.
  for (int i = 0; i < 6; ++i) {
    InformRecord r = inform("SN" + std::to_string(i), kT0 + std::chrono::seconds(i));
    r.software_version = i % 2 == 0 ? "2.0.0" : "1.0.0";
    if (i == 5) r.oui = "ABCDEF";
    if (i == 4) r.now = kT0 - 1h;
    r.parameters.push_back({"Device.X.Mode", i < 3 ? "bridge" : "router", "xsd:string", {}, {}});
    must(store.recordInform(r));
  }
  mustOk(store.addTag(idOf("SN1"), "lab"));
  mustOk(store.addTag(idOf("SN2"), "lab"));
  mustOk(store.addTag(idOf("SN2"), "vip"));
}

std::vector<std::string> serials(const Page<Device>& page) {
  std::vector<std::string> out;
  for (const auto& d : page.items) out.push_back(d.serial_number);
  return out;
}

TEST_P(StoreContract, ListDevicesFiltersByEachField) {
  seedFleet(*store_);
  DeviceQuery q;
  q.now = kT0 + 10s;
  auto all = must(store_->listDevices(q));
  EXPECT_EQ(all.total, 6);
  EXPECT_EQ(serials(all), (std::vector<std::string>{"SN0", "SN1", "SN2", "SN3", "SN4", "SN5"}));

  DeviceQuery sw = q;
  sw.software_version = "2.0.0";
  EXPECT_EQ(serials(must(store_->listDevices(sw))),
            (std::vector<std::string>{"SN0", "SN2", "SN4"}));

  DeviceQuery oui = q;
  oui.oui = "ABCDEF";
  EXPECT_EQ(serials(must(store_->listDevices(oui))), std::vector<std::string>{"SN5"});

  DeviceQuery pc = q;
  pc.product_class = "nope";
  EXPECT_EQ(must(store_->listDevices(pc)).total, 0);

  DeviceQuery tag = q;
  tag.tag = "lab";
  auto tagged = must(store_->listDevices(tag));
  EXPECT_EQ(serials(tagged), (std::vector<std::string>{"SN1", "SN2"}));
  EXPECT_EQ(tagged.items[1].tags, (std::vector<std::string>{"lab", "vip"}));

  DeviceQuery online = q;
  online.online = true;
  EXPECT_EQ(must(store_->listDevices(online)).total, 5);
  online.online = false;
  EXPECT_EQ(serials(must(store_->listDevices(online))), std::vector<std::string>{"SN4"});

  DeviceQuery param = q;
  param.param_name = "Device.X.Mode";
  param.param_value = "bridge";
  EXPECT_EQ(serials(must(store_->listDevices(param))),
            (std::vector<std::string>{"SN0", "SN1", "SN2"}));

  DeviceQuery text = q;
  text.text = "N3";
  EXPECT_EQ(serials(must(store_->listDevices(text))), std::vector<std::string>{"SN3"});
  text.text = "n3";  // case-sensitive
  EXPECT_EQ(must(store_->listDevices(text)).total, 0);

  DeviceQuery combined = q;
  combined.software_version = "2.0.0";
  combined.tag = "lab";
  combined.online = true;
  EXPECT_EQ(serials(must(store_->listDevices(combined))), std::vector<std::string>{"SN2"});
}

TEST_P(StoreContract, ListDevicesOnlineUsesTheQueryMultiple) {
  seedFleet(*store_);
  DeviceQuery q;
  q.now = kT0 + 1000s;  // interval 300 s: online within 600 s (store) or 1500 s (multiple 5)
  q.online = true;
  EXPECT_EQ(must(store_->listDevices(q)).total, 0);
  q.online_multiple = 5;
  auto page = must(store_->listDevices(q));
  EXPECT_EQ(page.total, 5);
  EXPECT_TRUE(page.items.front().online);
  auto stats = must(store_->stats(q.now, 5));
  EXPECT_EQ(stats.devices_online, 5);
  EXPECT_EQ(must(store_->stats(q.now, 0)).devices_online, 0);
}

TEST_P(StoreContract, ListDevicesSortsAndPages) {
  seedFleet(*store_);
  DeviceQuery q;
  q.now = kT0;
  q.sort_by = "last_inform";
  q.descending = true;
  q.limit = 2;
  auto first = must(store_->listDevices(q));
  EXPECT_EQ(first.total, 6);
  EXPECT_EQ(serials(first), (std::vector<std::string>{"SN5", "SN3"}));
  q.offset = 2;
  EXPECT_EQ(serials(must(store_->listDevices(q))), (std::vector<std::string>{"SN2", "SN1"}));
  q.offset = 6;
  auto past = must(store_->listDevices(q));
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, 6);

  DeviceQuery by_sw;
  by_sw.sort_by = "software_version";
  by_sw.now = kT0;
  EXPECT_EQ(serials(must(store_->listDevices(by_sw))),
            (std::vector<std::string>{"SN1", "SN3", "SN5", "SN0", "SN2", "SN4"}));
  for (std::string_view field : deviceSortFields()) {
    DeviceQuery any;
    any.sort_by = std::string(field);
    EXPECT_EQ(must(store_->listDevices(any)).total, 6) << field;
  }
}

TEST_P(StoreContract, ListDevicesCountsUpToTheCapAndSaysSo) {
  StoreOptions capped = options_;
  capped.device_count_cap = 3;
  store_.reset();
  store_ = openAnother(capped);
  ASSERT_NE(store_, nullptr);
  seedFleet(*store_);
  DeviceQuery q;
  q.now = kT0;
  q.limit = 2;
  // 6 matches; counting stops at max(cap, offset + limit + 1): a lower bound that still says
  // a next page exists.
  auto first = must(store_->listDevices(q));
  EXPECT_EQ(serials(first), (std::vector<std::string>{"SN0", "SN1"}));
  EXPECT_EQ(first.total, 3);
  EXPECT_FALSE(first.total_exact);
  q.offset = 2;
  auto second = must(store_->listDevices(q));
  EXPECT_EQ(second.total, 5);
  EXPECT_FALSE(second.total_exact);
  // Below the cap: exact.
  q.offset = 4;
  auto last = must(store_->listDevices(q));
  EXPECT_EQ(serials(last), (std::vector<std::string>{"SN4", "SN5"}));
  EXPECT_EQ(last.total, 6);
  EXPECT_TRUE(last.total_exact);
  // A page that runs out of matches knows the total without counting.
  q.offset = 5;
  auto tail = must(store_->listDevices(q));
  EXPECT_EQ(tail.total, 6);
  EXPECT_TRUE(tail.total_exact);
  q.offset = 10;
  auto beyond = must(store_->listDevices(q));
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, 6);
  EXPECT_TRUE(beyond.total_exact);
  DeviceQuery sw;
  sw.now = kT0;
  sw.software_version = "1.0.0";
  sw.limit = 5;
  auto odd = must(store_->listDevices(sw));
  EXPECT_EQ(odd.total, 3);
  EXPECT_TRUE(odd.total_exact);
}

TEST_P(StoreContract, ListDevicesRejectsBadQueries) {
  DeviceQuery q;
  q.sort_by = "id; DROP TABLE devices";
  EXPECT_EQ(errc(store_->listDevices(q)), StoreErrc::Invalid);
  DeviceQuery limit;
  limit.limit = 0;
  EXPECT_EQ(errc(store_->listDevices(limit)), StoreErrc::Invalid);
  limit.limit = kMaxPageLimit + 1;
  EXPECT_EQ(errc(store_->listDevices(limit)), StoreErrc::Invalid);
  DeviceQuery offset;
  offset.offset = -1;
  EXPECT_EQ(errc(store_->listDevices(offset)), StoreErrc::Invalid);
  DeviceQuery value_only;
  value_only.param_value = "x";
  EXPECT_EQ(errc(store_->listDevices(value_only)), StoreErrc::Invalid);
}

TEST_P(StoreContract, FilterValuesAreBoundNotInterpolated) {
  must(store_->recordInform(inform("SN1")));
  DeviceQuery q;
  q.oui = "' OR '1'='1";
  EXPECT_EQ(must(store_->listDevices(q)).total, 0);
  q = {};
  q.text = "%";
  EXPECT_EQ(must(store_->listDevices(q)).total, 0);
}

// --- Tags, capture flag, delete
// ----------------------------------------------------------------------

TEST_P(StoreContract, TagsAreAddedOnceAndRemoved) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  mustOk(store_->addTag(id, "b"));
  mustOk(store_->addTag(id, "a"));
  mustOk(store_->addTag(id, "a"));
  EXPECT_EQ(must(store_->getDevice(id, kT0))->tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(must(store_->removeTag(id, "a")));
  EXPECT_FALSE(must(store_->removeTag(id, "a")));
  EXPECT_EQ(must(store_->getDevice(id, kT0))->tags, std::vector<std::string>{"b"});
  // The tags survive an Inform.
  EXPECT_EQ(must(store_->recordInform(inform("SN1", kT0 + 1s))).tags,
            std::vector<std::string>{"b"});
}

TEST_P(StoreContract, TagErrors) {
  must(store_->recordInform(inform("SN1")));
  EXPECT_EQ(store_->addTag("nope", "a").error().code, StoreErrc::NotFound);
  EXPECT_EQ(store_->addTag(idOf("SN1"), "").error().code, StoreErrc::Invalid);
  EXPECT_EQ(store_->addTag(idOf("SN1"), std::string(129, 't')).error().code, StoreErrc::Invalid);
  EXPECT_EQ(store_->addTag(idOf("SN1"), "a\nb").error().code, StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->removeTag("nope", "a")), StoreErrc::NotFound);
}

TEST_P(StoreContract, CaptureFlagIsStored) {
  must(store_->recordInform(inform("SN1")));
  mustOk(store_->setCapture(idOf("SN1"), true));
  EXPECT_TRUE(must(store_->getDevice(idOf("SN1"), kT0))->capture_enabled);
  EXPECT_TRUE(must(store_->recordInform(inform("SN1", kT0 + 1s))).capture_enabled);
  mustOk(store_->setCapture(idOf("SN1"), false));
  EXPECT_FALSE(must(store_->getDevice(idOf("SN1"), kT0))->capture_enabled);
  EXPECT_EQ(store_->setCapture("nope", true).error().code, StoreErrc::NotFound);
}

TEST_P(StoreContract, DeleteDeviceCascadesToEverythingOfIt) {
  must(store_->recordInform(inform("SN1")));
  must(store_->recordInform(inform("SN2")));
  const std::string id = idOf("SN1");
  mustOk(store_->addTag(id, "lab"));
  Task task = must(store_->createTask(newTask(id), kT0));
  mustOk(store_->createSession(newSession("s1", id, kT0)));
  must(store_->acquireLease(id, "s1", "acs-a", kT0, 30s));
  FaultRecord fault;
  fault.device_id = id;
  fault.code = 9002;
  fault.at = kT0;
  must(store_->recordFault(fault));
  CaptureRecord capture{0, id, "s1", 1, "in", 0, "<Inform/>", false, kT0};
  must(store_->appendCapture(capture));

  EXPECT_TRUE(must(store_->deleteDevice(id)));
  EXPECT_FALSE(must(store_->deleteDevice(id)));
  EXPECT_FALSE(must(store_->getDevice(id, kT0)).has_value());
  EXPECT_FALSE(must(store_->getTask(task.id)).has_value());
  EXPECT_FALSE(must(store_->getSession("s1")).has_value());
  EXPECT_EQ(errc(store_->getParameters(id, "")), StoreErrc::NotFound);
  DeviceQuery q;
  q.tag = "lab";
  EXPECT_EQ(must(store_->listDevices(q)).total, 0);
  // The lease is gone too: a new session acquires at once.
  EXPECT_TRUE(must(store_->acquireLease(id, "s2", "acs-a", kT0, 30s)).acquired());
  auto stats = must(store_->stats(kT0, 0));
  EXPECT_EQ(stats.devices_total, 1);
  EXPECT_EQ(stats.faults_last_24h, 0);
  EXPECT_EQ(stats.tasks_by_state.at("pending"), 0);
  // The other device is untouched.
  EXPECT_EQ(must(store_->getParameters(idOf("SN2"), "")).size(), 2u);
}

// --- Parameters
// --------------------------------------------------------------------------------------

TEST_P(StoreContract, ParametersUpsertKeepWritableAndFilterByPrefix) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  mustOk(store_->upsertParameters(
      id,
      {{"Device.WiFi.SSID.1.SSID", "home", "xsd:string", true, {}},
       {"Device.WiFi.SSID.2.SSID", "guest", "xsd:string", false, {}},
       {"Device.WiFiX", "other", "xsd:string", std::nullopt, {}},
       {"Device.WiFi.SSID.1.SSID", "home2", "xsd:string", true, {}}},  // duplicate: last wins
      kT0 + 5s));
  auto wifi = must(store_->getParameters(id, "Device.WiFi."));
  ASSERT_EQ(wifi.size(), 2u);
  EXPECT_EQ(wifi[0].name, "Device.WiFi.SSID.1.SSID");
  EXPECT_EQ(wifi[0].value, "home2");
  EXPECT_EQ(wifi[0].writable, std::optional<bool>(true));
  EXPECT_EQ(wifi[1].writable, std::optional<bool>(false));
  EXPECT_EQ(wifi[0].last_updated, kT0 + 5s);
  // A value without writability keeps the known flag; an empty type keeps the type.
  mustOk(store_->upsertParameters(id, {{"Device.WiFi.SSID.1.SSID", "home3", "", std::nullopt, {}}},
                                  kT0 + 6s));
  auto one = must(store_->getParameters(id, "Device.WiFi.SSID.1."));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].value, "home3");
  EXPECT_EQ(one[0].type, "xsd:string");
  EXPECT_EQ(one[0].writable, std::optional<bool>(true));
  EXPECT_EQ(must(store_->getParameters(id, "Device.")).size(), 5u);
  EXPECT_EQ(must(store_->getParameters(id, "Nothing.")).size(), 0u);
  // Prefixes ending in non-ASCII text still match exactly.
  mustOk(store_->upsertParameters(
      id, {{"Device.Ü.a", "1", "", {}, {}}, {"Device.Üb", "2", "", {}, {}}}, kT0));
  EXPECT_EQ(must(store_->getParameters(id, "Device.Ü")).size(), 2u);
  EXPECT_EQ(must(store_->getParameters(id, "Device.Ü.")).size(), 1u);
}

TEST_P(StoreContract, DeleteParameterSubtree) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  mustOk(store_->upsertParameters(id,
                                  {{"Device.IP.Interface.1.Enable", "1", "", {}, {}},
                                   {"Device.IP.Interface.1.Name", "wan", "", {}, {}},
                                   {"Device.IP.Interface.10.Name", "lan", "", {}, {}}},
                                  kT0));
  EXPECT_EQ(must(store_->deleteParameterSubtree(id, "Device.IP.Interface.1.")), 2);
  auto left = must(store_->getParameters(id, "Device.IP."));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "Device.IP.Interface.10.Name");
  EXPECT_EQ(errc(store_->deleteParameterSubtree(id, "")), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->deleteParameterSubtree("nope", "Device.")), StoreErrc::NotFound);
}

TEST_P(StoreContract, ParameterErrors) {
  EXPECT_EQ(errc(store_->getParameters("nope", "")), StoreErrc::NotFound);
  EXPECT_EQ(store_->upsertParameters("nope", {{"A", "1", "", {}, {}}}, kT0).error().code,
            StoreErrc::NotFound);
  must(store_->recordInform(inform("SN1")));
  EXPECT_EQ(store_->upsertParameters(idOf("SN1"), {{"", "1", "", {}, {}}}, kT0).error().code,
            StoreErrc::Invalid);
  InformRecord r = inform("SN2");
  r.parameters.push_back({"", "x", "", {}, {}});
  EXPECT_EQ(errc(store_->recordInform(r)), StoreErrc::Invalid);
  // Nothing of the failed Inform was kept.
  EXPECT_FALSE(must(store_->getDevice(idOf("SN2"), kT0)).has_value());
}

TEST_P(StoreContract, ManyParametersInOneInform) {
  InformRecord r = inform("SN1");
  for (int i = 0; i < 450; ++i) {
    r.parameters.push_back(
        {"Device.Big." + std::to_string(i), std::to_string(i), "xsd:int", {}, {}});
  }
  must(store_->recordInform(r));
  EXPECT_EQ(must(store_->getParameters(idOf("SN1"), "Device.Big.")).size(), 450u);
}

// --- Leases
// ------------------------------------------------------------------------------------------

TEST_P(StoreContract, LeaseIsExclusiveUntilReleasedOrExpired) {
  const std::string id = idOf("SN1");
  auto first = must(store_->acquireLease(id, "s1", "acs-a", kT0, 30s));
  EXPECT_TRUE(first.acquired());
  EXPECT_TRUE(first.taken_over_session_id.empty());

  auto second = must(store_->acquireLease(id, "s2", "acs-b", kT0 + 10s, 30s));
  EXPECT_FALSE(second.acquired());
  EXPECT_EQ(second.holder_session_id, "s1");
  EXPECT_EQ(second.holder_owner, "acs-a");
  EXPECT_EQ(second.holder_expires_at, kT0 + 30s);

  // The holder re-acquiring renews.
  EXPECT_TRUE(must(store_->acquireLease(id, "s1", "acs-a", kT0 + 10s, 30s)).acquired());
  EXPECT_FALSE(must(store_->acquireLease(id, "s2", "acs-b", kT0 + 39s, 30s)).acquired());

  // Expired: taken over, and the dead session is reported.
  auto taken = must(store_->acquireLease(id, "s2", "acs-b", kT0 + 40s, 30s));
  EXPECT_TRUE(taken.acquired());
  EXPECT_EQ(taken.taken_over_session_id, "s1");
  EXPECT_FALSE(must(store_->renewLease(id, "s1", kT0 + 41s, 30s)));
  EXPECT_FALSE(must(store_->releaseLease(id, "s1")));
  EXPECT_TRUE(must(store_->releaseLease(id, "s2")));
  EXPECT_TRUE(must(store_->acquireLease(id, "s3", "acs-a", kT0 + 42s, 30s)).acquired());
}

TEST_P(StoreContract, LeaseRenewExtendsExpiry) {
  const std::string id = idOf("SN1");
  must(store_->acquireLease(id, "s1", "acs-a", kT0, 30s));
  EXPECT_TRUE(must(store_->renewLease(id, "s1", kT0 + 25s, 30s)));
  auto other = must(store_->acquireLease(id, "s2", "acs-b", kT0 + 50s, 30s));
  EXPECT_FALSE(other.acquired());
  EXPECT_EQ(other.holder_expires_at, kT0 + 55s);
  EXPECT_TRUE(must(store_->acquireLease(id, "s2", "acs-b", kT0 + 55s, 30s)).acquired());
}

TEST_P(StoreContract, LeaseBadInput) {
  EXPECT_EQ(errc(store_->acquireLease("", "s1", "a", kT0, 30s)), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->acquireLease("d", "", "a", kT0, 30s)), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->acquireLease("d", "s1", "a", kT0, 0s)), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->renewLease("d", "s1", kT0, -1s)), StoreErrc::Invalid);
}

TEST_P(StoreContract, ConcurrentLeaseAcquisitionHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kDevices = 20;
  std::vector<std::unique_ptr<Store>> extra;
  std::vector<Store*> stores(kThreads, store_.get());
  if (db_->shared()) {
    // Half of the contenders use a second Store object, as a second ACS process would.
    extra.push_back(openAnother(options_));
    ASSERT_NE(extra.back(), nullptr);
    for (int t = 0; t < kThreads; t += 2) stores[static_cast<std::size_t>(t)] = extra.back().get();
  }
  std::atomic<int> errors{0};
  std::string first_error;
  std::vector<std::vector<int>> wins(kDevices, std::vector<int>());
  std::mutex wins_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int d = 0; d < kDevices; ++d) {
        auto r = stores[static_cast<std::size_t>(t)]->acquireLease(
            "dev" + std::to_string(d), "s" + std::to_string(t), "acs", kT0, 30s);
        if (!r.ok()) {
          std::lock_guard lock(wins_mutex);
          if (errors++ == 0) first_error = r.error().message;
          continue;
        }
        if (r->acquired()) {
          std::lock_guard lock(wins_mutex);
          wins[static_cast<std::size_t>(d)].push_back(t);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0) << first_error;
  for (int d = 0; d < kDevices; ++d) {
    EXPECT_EQ(wins[static_cast<std::size_t>(d)].size(), 1u) << "device " << d;
  }
}

// --- Sessions
// ----------------------------------------------------------------------------------------

TEST_P(StoreContract, SessionsAreCreatedUpdatedAndListed) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  SessionRecord s = newSession("abc123", id, kT0);
  s.state_json = R"({"phase":"inform"})";
  mustOk(store_->createSession(s));
  EXPECT_EQ(store_->createSession(s).error().code, StoreErrc::Conflict);

  s.last_activity = kT0 + 2s;
  s.ended_at = kT0 + 3s;
  s.messages_in = 3;
  s.messages_out = 2;
  s.outcome = "ok";
  s.owner = "acs-b";
  s.events = {"2 PERIODIC", "M Reboot", "with,comma%"};
  s.state_json = R"({"phase":"done"})";
  mustOk(store_->updateSession(s));
  auto got = must(store_->getSession("abc123"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->device_id, id);
  EXPECT_EQ(got->owner, "acs-b");
  EXPECT_EQ(got->started_at, kT0);
  EXPECT_EQ(got->last_activity, kT0 + 2s);
  EXPECT_EQ(got->ended_at, std::optional<TimePoint>(kT0 + 3s));
  EXPECT_EQ(got->messages_in, 3);
  EXPECT_EQ(got->messages_out, 2);
  EXPECT_EQ(got->outcome, "ok");
  EXPECT_EQ(got->events, s.events);
  EXPECT_EQ(got->state_json, s.state_json);

  mustOk(store_->createSession(newSession("later", id, kT0 + 10s)));
  auto page = must(store_->listSessions(id, 1, 0));
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, "later");
  EXPECT_EQ(must(store_->listSessions(id, 10, 1)).items.at(0).id, "abc123");
}

TEST_P(StoreContract, SessionErrors) {
  EXPECT_EQ(store_->createSession(newSession("s1", "nope", kT0)).error().code, StoreErrc::NotFound);
  EXPECT_EQ(store_->updateSession(newSession("s1", "nope", kT0)).error().code, StoreErrc::NotFound);
  must(store_->recordInform(inform("SN1")));
  EXPECT_EQ(store_->createSession(newSession("", idOf("SN1"), kT0)).error().code,
            StoreErrc::Invalid);
  EXPECT_FALSE(must(store_->getSession("missing")).has_value());
  EXPECT_EQ(errc(store_->listSessions("nope", 10, 0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->listSessions(idOf("SN1"), 0, 0)), StoreErrc::Invalid);
}

TEST_P(StoreContract, StaleSessionsAreOpenOnesPastTheTimeout) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  mustOk(store_->createSession(newSession("old", id, kT0)));
  mustOk(store_->createSession(newSession("fresh", id, kT0 + 50s)));
  SessionRecord ended = newSession("ended", id, kT0);
  mustOk(store_->createSession(ended));
  ended.ended_at = kT0 + 1s;
  ended.outcome = "ok";
  mustOk(store_->updateSession(ended));
  auto stale = must(store_->listStaleSessions(kT0 + 60s, 30s));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].id, "old");
  EXPECT_TRUE(must(store_->listStaleSessions(kT0 + 30s, 30s)).empty());
}

// --- Tasks
// --- Session start and save (the CWMP path's two transactions) ---------------------------------

SessionStart sessionStart(const std::string& serial, const std::string& session_id, TimePoint at,
                          std::chrono::milliseconds ttl = 30s) {
  SessionStart start;
  start.inform = inform(serial, at);
  start.session = newSession(session_id, idOf(serial), at);
  start.session.messages_in = 1;
  start.session.messages_out = 1;
  start.session.state_json = R"({"phase":"cpe_requests"})";
  start.owner = "acs-a";
  start.lease_ttl = ttl;
  return start;
}

TEST_P(StoreContract, StartSessionTakesTheLeaseRecordsTheInformAndCreatesTheSession) {
  auto out = must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  ASSERT_TRUE(out.lease.acquired());
  EXPECT_TRUE(out.lease.taken_over_session_id.empty());
  ASSERT_TRUE(out.device.has_value());
  EXPECT_EQ(out.device->id, idOf("SN1"));
  EXPECT_EQ(out.device->software_version, "1.0.0");
  EXPECT_EQ(out.device->last_inform, kT0);
  EXPECT_TRUE(out.device->online);

  auto device = must(store_->getDevice(idOf("SN1"), kT0));
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->first_seen, kT0);
  EXPECT_EQ(must(store_->getParameters(idOf("SN1"), "")).size(), 2U);
  auto row = must(store_->getSession("s1"));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->device_id, idOf("SN1"));
  EXPECT_EQ(row->owner, "acs-a");
  EXPECT_EQ(row->started_at, kT0);
  EXPECT_FALSE(row->ended_at.has_value());
  EXPECT_EQ(row->messages_in, 1);
  EXPECT_EQ(row->state_json, R"({"phase":"cpe_requests"})");
  // The lease is the session's.
  auto other = must(store_->acquireLease(idOf("SN1"), "s2", "acs-b", kT0 + 1s, 30s));
  EXPECT_FALSE(other.acquired());
  EXPECT_EQ(other.holder_session_id, "s1");
  EXPECT_EQ(other.holder_expires_at, kT0 + 30s);
}

TEST_P(StoreContract, StartSessionWhileAnotherLiveSessionHoldsTheLeaseWritesNothing) {
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  SessionStart second = sessionStart("SN1", "s2", kT0 + 5s);
  second.inform.software_version = "2.0.0";
  second.owner = "acs-b";
  auto out = must(store_->startSession(second));
  EXPECT_FALSE(out.lease.acquired());
  EXPECT_EQ(out.lease.holder_session_id, "s1");
  EXPECT_EQ(out.lease.holder_owner, "acs-a");
  EXPECT_EQ(out.lease.holder_expires_at, kT0 + 30s);
  EXPECT_FALSE(out.device.has_value());
  EXPECT_FALSE(must(store_->getSession("s2")).has_value());
  auto device = must(store_->getDevice(idOf("SN1"), kT0 + 5s));
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->software_version, "1.0.0");
  EXPECT_EQ(device->last_inform, kT0);
}

TEST_P(StoreContract, StartSessionTakesOverExpiredAndForgottenLeases) {
  // Expired: taken over and reported, so the caller can close the dead session.
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  auto late = must(store_->startSession(sessionStart("SN1", "s2", kT0 + 31s)));
  EXPECT_TRUE(late.lease.acquired());
  EXPECT_EQ(late.lease.taken_over_session_id, "s1");

  // Live, but its session row has ended (the lease was never released): taken over quietly.
  SessionRecord ended = must(store_->getSession("s2")).value();
  ended.ended_at = kT0 + 32s;
  ended.outcome = "ok";
  mustOk(store_->updateSession(ended));
  auto next = must(store_->startSession(sessionStart("SN1", "s3", kT0 + 33s)));
  EXPECT_TRUE(next.lease.acquired());
  EXPECT_TRUE(next.lease.taken_over_session_id.empty());
  EXPECT_EQ(must(store_->acquireLease(idOf("SN1"), "s4", "b", kT0 + 34s, 30s)).holder_session_id,
            "s3");
}

TEST_P(StoreContract, ConcurrentSessionStartsOfOneDeviceHaveExactlyOneWinner) {
  constexpr int kThreads = 8;
  std::atomic<int> acquired{0};
  std::atomic<int> refused{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto out = store_->startSession(sessionStart("SN1", "s" + std::to_string(i), kT0));
      if (!out.ok()) {
        errors.fetch_add(1);
      } else if (out->lease.acquired()) {
        acquired.fetch_add(1);
      } else {
        refused.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acquired.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(must(store_->listSessions(idOf("SN1"), 100, 0)).total, 1);
}

TEST_P(StoreContract, StartSessionErrorsWriteNothing) {
  SessionStart mismatch = sessionStart("SN1", "s1", kT0);
  mismatch.session.device_id = idOf("SN2");
  EXPECT_EQ(errc(store_->startSession(mismatch)), StoreErrc::Invalid);
  SessionStart no_ttl = sessionStart("SN1", "s1", kT0, 0s);
  EXPECT_EQ(errc(store_->startSession(no_ttl)), StoreErrc::Invalid);
  EXPECT_FALSE(must(store_->getDevice(idOf("SN1"), kT0)).has_value());

  // A session id used before: Conflict, and neither the lease nor the Inform stays.
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  SessionSave done;
  done.session = must(store_->getSession("s1")).value();
  done.session.ended_at = kT0 + 1s;
  done.now = kT0 + 1s;
  done.lease = SessionSave::LeaseAction::Release;
  EXPECT_TRUE(must(store_->saveSession(done)).lease_held);
  SessionStart again = sessionStart("SN1", "s1", kT0 + 2s);
  again.inform.software_version = "9.9";
  EXPECT_EQ(errc(store_->startSession(again)), StoreErrc::Conflict);
  EXPECT_EQ(must(store_->getDevice(idOf("SN1"), kT0)).value().software_version, "1.0.0");
  EXPECT_TRUE(must(store_->acquireLease(idOf("SN1"), "s9", "b", kT0 + 3s, 30s)).acquired());
}

TEST_P(StoreContract, SaveSessionWritesTheRowAndRenewsOrReleasesTheLease) {
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  SessionSave save;
  save.session = must(store_->getSession("s1")).value();
  save.session.last_activity = kT0 + 20s;
  save.session.messages_in = 2;
  save.session.messages_out = 2;
  save.session.events.push_back("rpc:GetRPCMethods");
  save.session.state_json = R"({"phase":"acs_requests"})";
  save.now = kT0 + 20s;
  save.lease = SessionSave::LeaseAction::Renew;
  save.lease_ttl = 30s;
  auto renewed = must(store_->saveSession(save));
  EXPECT_TRUE(renewed.lease_held);
  EXPECT_EQ(renewed.requeued, 0);
  EXPECT_FALSE(renewed.completed.has_value());
  EXPECT_FALSE(renewed.completion_error.has_value());
  auto row = must(store_->getSession("s1")).value();
  EXPECT_EQ(row.last_activity, kT0 + 20s);
  EXPECT_EQ(row.messages_in, 2);
  EXPECT_EQ(row.events, (std::vector<std::string>{"2 PERIODIC", "rpc:GetRPCMethods"}));
  EXPECT_EQ(row.state_json, R"({"phase":"acs_requests"})");
  // Renewed to kT0 + 50 s.
  auto other = must(store_->acquireLease(idOf("SN1"), "s2", "b", kT0 + 40s, 30s));
  EXPECT_FALSE(other.acquired());
  EXPECT_EQ(other.holder_expires_at, kT0 + 50s);

  save.session.ended_at = kT0 + 21s;
  save.session.outcome = "ok";
  save.now = kT0 + 21s;
  save.lease = SessionSave::LeaseAction::Release;
  EXPECT_TRUE(must(store_->saveSession(save)).lease_held);
  EXPECT_EQ(must(store_->getSession("s1")).value().outcome, "ok");
  EXPECT_TRUE(must(store_->acquireLease(idOf("SN1"), "s2", "b", kT0 + 22s, 30s)).acquired());
  // Releasing again: it is not ours any more, nothing changes.
  EXPECT_FALSE(must(store_->saveSession(save)).lease_held);
  save.lease = SessionSave::LeaseAction::Renew;
  EXPECT_FALSE(must(store_->saveSession(save)).lease_held);
  EXPECT_EQ(must(store_->acquireLease(idOf("SN1"), "s3", "c", kT0 + 23s, 30s)).holder_session_id,
            "s2");
}

TEST_P(StoreContract, SaveSessionCompletesTheTaskAndRequeuesTheRest) {
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  const Task answered = must(store_->createTask(newTask(idOf("SN1")), kT0));
  const Task other = must(store_->createTask(newTask(idOf("SN1"), "FactoryReset"), kT0));
  must(store_->markTaskSent(answered.id, "s1", "", kT0 + 1s));
  must(store_->markTaskSent(other.id, "s1", "", kT0 + 2s));

  SessionSave save;
  save.session = must(store_->getSession("s1")).value();
  save.session.ended_at = kT0 + 3s;
  save.session.outcome = "aborted";
  save.now = kT0 + 3s;
  save.lease = SessionSave::LeaseAction::Release;
  save.requeue_sent_tasks = true;
  save.complete_task_id = answered.id;
  save.complete_result_json = R"({"done":true})";
  auto out = must(store_->saveSession(save));
  ASSERT_TRUE(out.completed.has_value());
  EXPECT_EQ(out.completed->id, answered.id);
  EXPECT_EQ(out.completed->state, TaskState::Completed);
  EXPECT_FALSE(out.completion_error.has_value());
  EXPECT_EQ(out.requeued, 1);
  EXPECT_TRUE(out.lease_held);
  EXPECT_EQ(must(store_->getTask(answered.id)).value().result_json, R"({"done":true})");
  EXPECT_EQ(must(store_->getTask(other.id)).value().state, TaskState::Pending);
}

TEST_P(StoreContract, SaveSessionReportsATaskItCannotCompleteAndSavesTheRest) {
  must(store_->startSession(sessionStart("SN1", "s1", kT0)));
  const Task pending = must(store_->createTask(newTask(idOf("SN1")), kT0));
  const Task elsewhere = must(store_->createTask(newTask(idOf("SN1")), kT0));
  must(store_->markTaskSent(elsewhere.id, "s0", "", kT0));

  SessionSave save;
  save.session = must(store_->getSession("s1")).value();
  save.session.messages_in = 5;
  save.now = kT0 + 1s;
  save.complete_task_id = pending.id;
  auto out = must(store_->saveSession(save));
  ASSERT_TRUE(out.completion_error.has_value());
  EXPECT_EQ(out.completion_error->code, StoreErrc::Conflict);
  EXPECT_FALSE(out.completed.has_value());
  EXPECT_EQ(must(store_->getSession("s1")).value().messages_in, 5);
  EXPECT_EQ(must(store_->getTask(pending.id)).value().state, TaskState::Pending);

  save.complete_task_id = elsewhere.id;  // Sent, but in another session
  out = must(store_->saveSession(save));
  ASSERT_TRUE(out.completion_error.has_value());
  EXPECT_EQ(out.completion_error->code, StoreErrc::Conflict);
  EXPECT_EQ(must(store_->getTask(elsewhere.id)).value().state, TaskState::Sent);

  save.complete_task_id = 999999;
  out = must(store_->saveSession(save));
  ASSERT_TRUE(out.completion_error.has_value());
  EXPECT_EQ(out.completion_error->code, StoreErrc::NotFound);
}

TEST_P(StoreContract, SaveSessionOfAnUnknownSessionChangesNothing) {
  must(store_->recordInform(inform("SN1")));
  const Task task = must(store_->createTask(newTask(idOf("SN1")), kT0));
  must(store_->markTaskSent(task.id, "ghost", "", kT0));
  must(store_->acquireLease(idOf("SN1"), "ghost", "acs-a", kT0, 30s));
  SessionSave save;
  save.session = newSession("ghost", idOf("SN1"), kT0);
  save.now = kT0 + 1s;
  save.lease = SessionSave::LeaseAction::Release;
  save.requeue_sent_tasks = true;
  save.complete_task_id = task.id;
  EXPECT_EQ(errc(store_->saveSession(save)), StoreErrc::NotFound);
  EXPECT_EQ(must(store_->getTask(task.id)).value().state, TaskState::Sent);
  EXPECT_FALSE(must(store_->acquireLease(idOf("SN1"), "s2", "b", kT0 + 2s, 30s)).acquired());

  save.lease = SessionSave::LeaseAction::Renew;
  save.lease_ttl = 0s;
  EXPECT_EQ(errc(store_->saveSession(save)), StoreErrc::Invalid);
}

TEST_P(StoreContract, FailTaskEndsPendingOrSentTasksWithAReason) {
  must(store_->recordInform(inform("SN1")));
  const Task pending = must(store_->createTask(newTask(idOf("SN1")), kT0));
  auto failed = must(store_->failTask(pending.id, "invalid task: no ParameterNames", kT0 + 1s));
  EXPECT_EQ(failed.state, TaskState::Failed);
  EXPECT_EQ(failed.fault_code, 0U);
  EXPECT_EQ(failed.fault_string, "invalid task: no ParameterNames");
  EXPECT_EQ(failed.updated_at, kT0 + 1s);

  const Task sent = must(store_->createTask(newTask(idOf("SN1")), kT0));
  must(store_->markTaskSent(sent.id, "s1", "", kT0));
  EXPECT_EQ(must(store_->failTask(sent.id, "protocol error: expected RebootResponse", kT0)).state,
            TaskState::Failed);
  // Listed with the failed ones.
  TaskQuery q;
  q.device_id = idOf("SN1");
  q.state = TaskState::Failed;
  EXPECT_EQ(must(store_->listTasks(q)).total, 2);

  EXPECT_EQ(errc(store_->failTask(pending.id, "again", kT0)), StoreErrc::Conflict);
  const Task done = must(store_->createTask(newTask(idOf("SN1")), kT0));
  must(store_->markTaskSent(done.id, "s1", "", kT0));
  must(store_->completeTask(done.id, "{}", kT0));
  EXPECT_EQ(errc(store_->failTask(done.id, "late", kT0)), StoreErrc::Conflict);
  EXPECT_EQ(errc(store_->failTask(424242, "gone", kT0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->failTask(done.id, "", kT0)), StoreErrc::Invalid);
}

// -------------------------------------------------------------------------------------------

TEST_P(StoreContract, TasksRunInCreationOrderPerDevice) {
  must(store_->recordInform(inform("SN1")));
  must(store_->recordInform(inform("SN2")));
  const std::string a = idOf("SN1");
  const std::string b = idOf("SN2");
  Task t1 = must(store_->createTask(newTask(a, "GetParameterValues"), kT0));
  Task other = must(store_->createTask(newTask(b), kT0));
  Task t2 = must(store_->createTask(newTask(a, "Reboot"), kT0 + 1s));
  EXPECT_EQ(t1.state, TaskState::Pending);
  EXPECT_EQ(t1.created_at, kT0);
  EXPECT_EQ(t1.updated_at, kT0);
  EXPECT_EQ(t1.max_attempts, 3);
  EXPECT_EQ(t1.attempts, 0);
  EXPECT_EQ(t1.args_json, R"({"CommandKey":"reboot-1"})");
  EXPECT_LT(t1.id, t2.id);

  EXPECT_EQ(must(store_->nextPendingTask(a, kT0 + 2s))->id, t1.id);
  must(store_->markTaskSent(t1.id, "s1", "ck1", kT0 + 2s));
  EXPECT_EQ(must(store_->nextPendingTask(a, kT0 + 2s))->id, t2.id);
  EXPECT_EQ(must(store_->nextPendingTask(b, kT0 + 2s))->id, other.id);
  must(store_->cancelTask(t2.id, kT0 + 3s));
  EXPECT_FALSE(must(store_->nextPendingTask(a, kT0 + 3s)).has_value());
  EXPECT_EQ(errc(store_->nextPendingTask("nope", kT0)), StoreErrc::NotFound);
}

TEST_P(StoreContract, TaskLifecycleSentCompleted) {
  must(store_->recordInform(inform("SN1")));
  Task t = must(store_->createTask(newTask(idOf("SN1"), "GetParameterValues"), kT0));
  Task sent = must(store_->markTaskSent(t.id, "sess1", "ck-7", kT0 + 1s));
  EXPECT_EQ(sent.state, TaskState::Sent);
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_EQ(sent.session_id, "sess1");
  EXPECT_EQ(sent.command_key, "ck-7");
  EXPECT_EQ(sent.sent_at, std::optional<TimePoint>(kT0 + 1s));
  EXPECT_EQ(errc(store_->markTaskSent(t.id, "sess1", "", kT0 + 1s)), StoreErrc::Conflict);
  EXPECT_EQ(errc(store_->cancelTask(t.id, kT0 + 1s)), StoreErrc::Conflict);

  Task done = must(store_->completeTask(t.id, R"({"values":1})", kT0 + 2s));
  EXPECT_EQ(done.state, TaskState::Completed);
  EXPECT_EQ(done.result_json, R"({"values":1})");
  EXPECT_EQ(done.updated_at, kT0 + 2s);
  EXPECT_EQ(errc(store_->completeTask(t.id, "{}", kT0 + 3s)), StoreErrc::Conflict);

  Task result = must(store_->setTaskResult(t.id, R"({"transfer":"done"})", kT0 + 4s));
  EXPECT_EQ(result.state, TaskState::Completed);
  EXPECT_EQ(result.result_json, R"({"transfer":"done"})");
  // A later TransferComplete fault turns a completed Download into a faulted one.
  Task faulted = must(store_->faultTask(t.id, 9010, "download failed", R"({"f":1})", kT0 + 5s));
  EXPECT_EQ(faulted.state, TaskState::Faulted);
  EXPECT_EQ(faulted.fault_code, 9010u);
  EXPECT_EQ(faulted.fault_string, "download failed");
  EXPECT_EQ(faulted.result_json, R"({"f":1})");
  EXPECT_EQ(errc(store_->faultTask(t.id, 9000, "again", "", kT0 + 6s)), StoreErrc::Conflict);
}

TEST_P(StoreContract, TaskFaultAndCancelRules) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  Task pending = must(store_->createTask(newTask(id), kT0));
  EXPECT_EQ(errc(store_->faultTask(pending.id, 9000, "x", "", kT0)), StoreErrc::Conflict);
  EXPECT_EQ(errc(store_->completeTask(pending.id, "{}", kT0)), StoreErrc::Conflict);
  EXPECT_EQ(must(store_->cancelTask(pending.id, kT0 + 1s)), TaskState::Cancelled);
  EXPECT_EQ(must(store_->cancelTask(pending.id, kT0 + 2s)), TaskState::Cancelled);
  EXPECT_EQ(must(store_->getTask(pending.id))->updated_at, kT0 + 1s);

  Task sent = must(store_->createTask(newTask(id), kT0));
  must(store_->markTaskSent(sent.id, "s1", "", kT0));
  Task f = must(store_->faultTask(sent.id, 9002, "Internal error", "", kT0 + 1s));
  EXPECT_EQ(f.state, TaskState::Faulted);
  EXPECT_EQ(f.command_key, "");
  EXPECT_EQ(errc(store_->cancelTask(sent.id, kT0)), StoreErrc::Conflict);

  EXPECT_EQ(errc(store_->cancelTask(999999, kT0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->markTaskSent(999999, "s", "", kT0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->completeTask(999999, "", kT0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->faultTask(999999, 1, "", "", kT0)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->setTaskResult(999999, "", kT0)), StoreErrc::NotFound);
  EXPECT_EQ(store_->setConnectionRequestResult(999999, "x").error().code, StoreErrc::NotFound);
  EXPECT_FALSE(must(store_->getTask(999999)).has_value());
}

TEST_P(StoreContract, TaskCreationErrors) {
  EXPECT_EQ(errc(store_->createTask(newTask("nope"), kT0)), StoreErrc::NotFound);
  must(store_->recordInform(inform("SN1")));
  EXPECT_EQ(errc(store_->createTask(newTask(idOf("SN1"), ""), kT0)), StoreErrc::Invalid);
  Task negative = newTask(idOf("SN1"));
  negative.max_attempts = -1;
  EXPECT_EQ(errc(store_->createTask(negative, kT0)), StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->markTaskSent(1, "", "", kT0)), StoreErrc::Invalid);
}

TEST_P(StoreContract, TasksOfADeadSessionAreRequeuedThenFailAfterMaxAttempts) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  Task spec = newTask(id);
  spec.max_attempts = 2;
  Task t = must(store_->createTask(spec, kT0));
  Task untouched = must(store_->createTask(newTask(id), kT0));
  must(store_->markTaskSent(untouched.id, "other-session", "", kT0));

  must(store_->markTaskSent(t.id, "s1", "", kT0 + 1s));
  EXPECT_EQ(must(store_->requeueSessionTasks("s1", kT0 + 2s)), 1);
  Task back = *must(store_->getTask(t.id));
  EXPECT_EQ(back.state, TaskState::Pending);
  EXPECT_EQ(back.attempts, 1);
  EXPECT_EQ(back.updated_at, kT0 + 2s);
  EXPECT_EQ(must(store_->nextPendingTask(id, kT0 + 2s))->id, t.id);

  must(store_->markTaskSent(t.id, "s2", "", kT0 + 3s));
  EXPECT_EQ(must(store_->requeueSessionTasks("s2", kT0 + 4s)), 1);
  Task failed = *must(store_->getTask(t.id));
  EXPECT_EQ(failed.state, TaskState::Failed);
  EXPECT_EQ(failed.attempts, 2);
  EXPECT_EQ(failed.fault_string, "max attempts reached");
  EXPECT_EQ(must(store_->requeueSessionTasks("s2", kT0 + 5s)), 0);
  EXPECT_EQ(must(store_->getTask(untouched.id))->state, TaskState::Sent);
}

TEST_P(StoreContract, ExpiredPendingTasksAreSkippedAndMarked) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  Task spec = newTask(id);
  spec.expires_at = kT0 + 10s;
  Task expiring = must(store_->createTask(spec, kT0));
  Task later = must(store_->createTask(newTask(id), kT0));
  EXPECT_EQ(must(store_->nextPendingTask(id, kT0 + 9s))->id, expiring.id);
  EXPECT_EQ(must(store_->nextPendingTask(id, kT0 + 10s))->id, later.id);
  Task expired = *must(store_->getTask(expiring.id));
  EXPECT_EQ(expired.state, TaskState::Expired);
  EXPECT_EQ(expired.expires_at, std::optional<TimePoint>(kT0 + 10s));
  EXPECT_FALSE(expired.fault_string.empty());
  EXPECT_EQ(errc(store_->markTaskSent(expiring.id, "s1", "", kT0 + 11s)), StoreErrc::Conflict);
}

TEST_P(StoreContract, ListTasksFiltersAndPages) {
  must(store_->recordInform(inform("SN1")));
  must(store_->recordInform(inform("SN2")));
  const std::string a = idOf("SN1");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(must(store_->createTask(newTask(a, i % 2 == 0 ? "Reboot" : "Download"), kT0)).id);
  }
  must(store_->createTask(newTask(idOf("SN2")), kT0));
  must(store_->markTaskSent(ids[0], "s1", "", kT0));

  TaskQuery q;
  q.device_id = a;
  auto all = must(store_->listTasks(q));
  EXPECT_EQ(all.total, 5);
  EXPECT_EQ(all.items.front().id, ids[0]);
  q.newest_first = true;
  q.limit = 2;
  auto newest = must(store_->listTasks(q));
  ASSERT_EQ(newest.items.size(), 2u);
  EXPECT_EQ(newest.items[0].id, ids[4]);
  EXPECT_EQ(newest.total, 5);
  TaskQuery by_type;
  by_type.device_id = a;
  by_type.type = "Download";
  EXPECT_EQ(must(store_->listTasks(by_type)).total, 2);
  TaskQuery by_state;
  by_state.state = TaskState::Pending;
  EXPECT_EQ(must(store_->listTasks(by_state)).total, 5);  // both devices
  TaskQuery unknown;
  unknown.device_id = "nope";
  EXPECT_EQ(errc(store_->listTasks(unknown)), StoreErrc::NotFound);
  TaskQuery bad;
  bad.limit = 5000;
  EXPECT_EQ(errc(store_->listTasks(bad)), StoreErrc::Invalid);
}

TEST_P(StoreContract, FindTaskByCommandKeyReturnsNewestOfThatDevice) {
  must(store_->recordInform(inform("SN1")));
  must(store_->recordInform(inform("SN2")));
  const std::string a = idOf("SN1");
  Task first = must(store_->createTask(newTask(a, "Download"), kT0));
  must(store_->markTaskSent(first.id, "s1", "dl-1", kT0));
  Task second = must(store_->createTask(newTask(a, "Download"), kT0));
  must(store_->markTaskSent(second.id, "s1", "dl-1", kT0));
  Task preset = newTask(idOf("SN2"), "Download");
  preset.command_key = "dl-1";
  must(store_->createTask(preset, kT0));
  EXPECT_EQ(must(store_->findTaskByCommandKey(a, "dl-1"))->id, second.id);
  EXPECT_FALSE(must(store_->findTaskByCommandKey(a, "other")).has_value());
  EXPECT_FALSE(must(store_->findTaskByCommandKey(a, "")).has_value());
  EXPECT_EQ(must(store_->findTaskByCommandKey(idOf("SN2"), "dl-1"))->command_key, "dl-1");
}

TEST_P(StoreContract, ConnectionRequestResultIsStored) {
  must(store_->recordInform(inform("SN1")));
  Task t = must(store_->createTask(newTask(idOf("SN1")), kT0));
  mustOk(store_->setConnectionRequestResult(t.id, "ok: HTTP 200"));
  EXPECT_EQ(must(store_->getTask(t.id))->connection_request_result, "ok: HTTP 200");
}

TEST_P(StoreContract, ConcurrentTaskCreationKeepsEveryTaskAndOrder) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  std::atomic<int> errors{0};
  std::vector<std::vector<std::int64_t>> created(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store_->createTask(newTask(id, "T" + std::to_string(t)), kT0);
        if (!r.ok()) {
          ++errors;
        } else {
          created[static_cast<std::size_t>(t)].push_back(r->id);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(errors.load(), 0);
  std::set<std::int64_t> all;
  for (const auto& ids : created) {
    // One thread's tasks were created one after the other: their ids increase.
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  TaskQuery q;
  q.device_id = id;
  q.limit = kMaxPageLimit;
  EXPECT_EQ(must(store_->listTasks(q)).total, kThreads * kPerThread);
  // Draining the queue yields them in id order.
  std::int64_t last = 0;
  for (int i = 0; i < 10; ++i) {
    auto next = must(store_->nextPendingTask(id, kT0));
    ASSERT_TRUE(next.has_value());
    EXPECT_GT(next->id, last);
    last = next->id;
    must(store_->markTaskSent(next->id, "s", "", kT0));
  }
}

TEST_P(StoreContract, FailingWritesDoNotUndoOthersCommittedWithThem) {
  // Writes from many threads share transactions (group commit); a failing one must roll back
  // only itself.
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  std::atomic<int> created{0};
  std::atomic<int> not_found{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const bool good = (i + t) % 2 == 0;
        auto r = store_->createTask(newTask(good ? id : "missing-device"), kT0);
        if (r.ok()) {
          ++created;
        } else if (r.error().code == StoreErrc::NotFound) {
          ++not_found;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created.load(), kThreads * kPerThread / 2);
  EXPECT_EQ(not_found.load(), kThreads * kPerThread / 2);
  TaskQuery q;
  q.device_id = id;
  EXPECT_EQ(must(store_->listTasks(q)).total, created.load());
}

// --- Faults, captures
// --------------------------------------------------------------------------------

TEST_P(StoreContract, FaultsAreRecordedAndListedNewestFirst) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  Task t = must(store_->createTask(newTask(id), kT0));
  FaultRecord f;
  f.device_id = id;
  f.task_id = t.id;
  f.session_id = "s1";
  f.code = 9003;
  f.message = "Invalid arguments";
  f.detail_json = R"({"ParameterName":"X"})";
  f.at = kT0;
  FaultRecord stored = must(store_->recordFault(f));
  EXPECT_GT(stored.id, 0);
  FaultRecord second = f;
  second.task_id.reset();
  second.code = 8005;
  second.at = kT0 + 1s;
  must(store_->recordFault(second));
  auto page = must(store_->listFaults(id, 10, 0));
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].code, 8005u);
  EXPECT_FALSE(page.items[0].task_id.has_value());
  EXPECT_EQ(page.items[1].task_id, std::optional<std::int64_t>(t.id));
  EXPECT_EQ(page.items[1].message, "Invalid arguments");
  EXPECT_EQ(page.items[1].detail_json, f.detail_json);
  EXPECT_EQ(page.items[1].session_id, "s1");
  EXPECT_EQ(page.items[1].at, kT0);
  EXPECT_EQ(must(store_->listFaults(id, 1, 1)).items.at(0).code, 9003u);
  f.device_id = "nope";
  EXPECT_EQ(errc(store_->recordFault(f)), StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->listFaults("nope", 10, 0)), StoreErrc::NotFound);
}

TEST_P(StoreContract, CapturesAreBoundedPerDeviceAndKeepBytes) {
  must(store_->recordInform(inform("SN1")));
  must(store_->recordInform(inform("SN2")));
  const std::string id = idOf("SN1");
  for (int i = 1; i <= 7; ++i) {
    CaptureRecord c{0,
                    id,
                    i <= 3 ? "s1" : "s2",
                    i,
                    i % 2 == 1 ? "in" : "out",
                    i % 2 == 1 ? 0 : 200,
                    "<m" + std::to_string(i) + "/>",
                    false,
                    kT0 + std::chrono::seconds(i)};
    must(store_->appendCapture(c));
  }
  must(store_->appendCapture({0, idOf("SN2"), "x", 1, "in", 0, "<other/>", false, kT0}));
  auto all = must(store_->listCaptures(id, std::nullopt));
  ASSERT_EQ(all.size(), 5u);  // capture_max_per_device
  EXPECT_EQ(all.front().seq, 3);
  EXPECT_EQ(all.front().body, "<m3/>");
  EXPECT_EQ(all.back().seq, 7);
  EXPECT_EQ(all[1].http_status, 200);
  EXPECT_EQ(all[1].direction, "out");
  EXPECT_EQ(all.back().at, kT0 + 7s);
  auto s1 = must(store_->listCaptures(id, std::string("s1")));
  ASSERT_EQ(s1.size(), 1u);
  EXPECT_EQ(s1[0].session_id, "s1");
  EXPECT_EQ(must(store_->listCaptures(idOf("SN2"), std::nullopt)).size(), 1u);

  // Long bodies are cut (and flagged); bytes that are not UTF-8 text round-trip unchanged.
  CaptureRecord big{0, id, "s3", 1, "in", 0, std::string(100, 'a'), false, kT0};
  CaptureRecord stored = must(store_->appendCapture(big));
  EXPECT_TRUE(stored.truncated);
  EXPECT_EQ(stored.body.size(), 64u);
  std::string binary("\x00\xff\xfe<latin1 \xe9>", 14);
  must(store_->appendCapture({0, id, "s3", 2, "in", 0, binary, false, kT0}));
  auto s3 = must(store_->listCaptures(id, std::string("s3")));
  ASSERT_EQ(s3.size(), 2u);
  EXPECT_TRUE(s3[0].truncated);
  EXPECT_EQ(s3[0].body, std::string(64, 'a'));
  EXPECT_EQ(s3[1].body, binary);
  EXPECT_FALSE(s3[1].truncated);

  EXPECT_EQ(errc(store_->appendCapture({0, id, "s", 1, "sideways", 0, "", false, kT0})),
            StoreErrc::Invalid);
  EXPECT_EQ(errc(store_->appendCapture({0, "nope", "s", 1, "in", 0, "", false, kT0})),
            StoreErrc::NotFound);
  EXPECT_EQ(errc(store_->listCaptures("nope", std::nullopt)), StoreErrc::NotFound);
}

// --- Stats, retention
// --------------------------------------------------------------------------------

TEST_P(StoreContract, StatsCountDevicesTasksSessionsAndFaults) {
  seedFleet(*store_);
  const std::string id = idOf("SN1");
  Task t1 = must(store_->createTask(newTask(id), kT0));
  must(store_->createTask(newTask(id), kT0));
  must(store_->markTaskSent(t1.id, "s", "", kT0));
  mustOk(store_->createSession(newSession("recent", id, kT0 + 30min)));
  mustOk(store_->createSession(newSession("old", id, kT0 - 2h)));
  FaultRecord f;
  f.device_id = id;
  f.code = 9002;
  f.at = kT0;
  must(store_->recordFault(f));
  f.at = kT0 - 25h;
  must(store_->recordFault(f));

  Stats s = must(store_->stats(kT0 + 40min, 0));
  EXPECT_EQ(s.devices_total, 6);
  EXPECT_EQ(s.devices_online, 0);  // 600 s window passed
  EXPECT_EQ(must(store_->stats(kT0 + 10s, 0)).devices_online, 5);
  EXPECT_EQ(s.tasks_by_state.size(), 7u);
  EXPECT_EQ(s.tasks_by_state.at("pending"), 1);
  EXPECT_EQ(s.tasks_by_state.at("sent"), 1);
  EXPECT_EQ(s.tasks_by_state.at("completed"), 0);
  EXPECT_EQ(s.sessions_last_hour, 1);
  EXPECT_EQ(s.faults_last_24h, 1);
  EXPECT_EQ(errc(store_->stats(kT0, -1)), StoreErrc::Invalid);
}

TEST_P(StoreContract, PurgeRemovesOnlyOldFinishedRecords) {
  must(store_->recordInform(inform("SN1")));
  const std::string id = idOf("SN1");
  const TimePoint cutoff = kT0 + 1h;
  // Sessions: ended before cutoff (purged), ended after (kept), still open (kept).
  SessionRecord old_ended = newSession("old", id, kT0);
  mustOk(store_->createSession(old_ended));
  old_ended.ended_at = kT0 + 1min;
  mustOk(store_->updateSession(old_ended));
  SessionRecord new_ended = newSession("new", id, kT0);
  mustOk(store_->createSession(new_ended));
  new_ended.ended_at = cutoff + 1min;
  mustOk(store_->updateSession(new_ended));
  mustOk(store_->createSession(newSession("open", id, kT0)));
  // Tasks: completed long ago (purged), pending long ago (kept), completed recently (kept).
  Task done = must(store_->createTask(newTask(id), kT0));
  must(store_->markTaskSent(done.id, "s", "", kT0));
  must(store_->completeTask(done.id, "{}", kT0 + 1min));
  Task waiting = must(store_->createTask(newTask(id), kT0));
  Task recent = must(store_->createTask(newTask(id), kT0));
  must(store_->cancelTask(recent.id, cutoff + 1s));
  must(store_->appendCapture({0, id, "old", 1, "in", 0, "<a/>", false, kT0}));
  must(store_->appendCapture({0, id, "new", 1, "in", 0, "<b/>", false, cutoff + 1s}));
  FaultRecord f;
  f.device_id = id;
  f.code = 1;
  f.at = kT0;
  must(store_->recordFault(f));

  PurgeCounts counts = must(store_->purgeOlderThan(cutoff));
  EXPECT_EQ(counts.sessions, 1);
  EXPECT_EQ(counts.tasks, 1);
  EXPECT_EQ(counts.captures, 1);
  EXPECT_EQ(counts.faults, 1);
  EXPECT_FALSE(must(store_->getSession("old")).has_value());
  EXPECT_TRUE(must(store_->getSession("new")).has_value());
  EXPECT_TRUE(must(store_->getSession("open")).has_value());
  EXPECT_FALSE(must(store_->getTask(done.id)).has_value());
  EXPECT_TRUE(must(store_->getTask(waiting.id)).has_value());
  EXPECT_TRUE(must(store_->getTask(recent.id)).has_value());
  EXPECT_EQ(must(store_->listCaptures(id, std::nullopt)).size(), 1u);
  EXPECT_EQ(must(store_->listFaults(id, 10, 0)).total, 0);
  PurgeCounts again = must(store_->purgeOlderThan(cutoff));
  EXPECT_EQ(again.sessions + again.tasks + again.captures + again.faults, 0);
}

// --- Persistence and several instances
// -----------------------------------------------------------------

TEST_P(SharedStoreContract, DataSurvivesReopenAndIsSharedBetweenInstances) {
  ASSERT_TRUE(db_->shared());
  must(store_->recordInform(inform("SN1")));
  Task t = must(store_->createTask(newTask(idOf("SN1")), kT0));
  StorePtr other = openAnother(options_);
  ASSERT_NE(other, nullptr);
  // The second instance sees the first one's writes and vice versa (two ACS processes).
  EXPECT_EQ(must(other->getTask(t.id))->state, TaskState::Pending);
  must(other->markTaskSent(t.id, "s1", "", kT0));
  EXPECT_EQ(must(store_->getTask(t.id))->state, TaskState::Sent);
  EXPECT_FALSE(must(other->acquireLease(idOf("SN1"), "s9", "b", kT0, 1s)).acquired() &&
               must(store_->acquireLease(idOf("SN1"), "s8", "a", kT0, 1s)).acquired());
  store_.reset();
  other.reset();
  // Reopening applies no migration twice and keeps the data.
  StorePtr reopened = openAnother(options_);
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(must(reopened->getDevice(idOf("SN1"), kT0)).has_value());
  EXPECT_EQ(must(reopened->getTask(t.id))->state, TaskState::Sent);
}

}  // namespace
}  // namespace acs::store::contract
