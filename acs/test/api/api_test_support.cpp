#include "api/api_test_support.h"

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "store/store_factory.h"
#include <unistd.h>

namespace acs::api::testing {

ConnectionRequestOutcome FakeConnectionRequester::request(const store::Device& device) {
  std::lock_guard lock(mutex_);
  requested_.push_back(device.id);
  return outcome_;
}

void FakeConnectionRequester::setOutcome(ConnectionRequestOutcome outcome) {
  std::lock_guard lock(mutex_);
  outcome_ = std::move(outcome);
}

std::vector<std::string> FakeConnectionRequester::requestedDevices() const {
  std::lock_guard lock(mutex_);
  return requested_;
}

TempDatabase::TempDatabase() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  path_ = (dir / ("acs-api-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter.fetch_add(1)) + ".db"))
              .string();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(path_ + suffix, ignored);
  }
}

TempDatabase::~TempDatabase() {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(path_ + suffix, ignored);
  }
}

store::StorePtr TempDatabase::open(const store::StoreOptions& options) const {
  auto opened = store::openStore(url(), options);
  if (!opened.ok())
    throw std::runtime_error("cannot open " + url() + ": " + opened.error().message);
  return std::move(*opened);
}

store::Device addDevice(store::Store& store, const DeviceSpec& spec) {
  store::InformRecord inform;
  inform.oui = spec.oui;
  inform.product_class = spec.product_class;
  inform.serial_number = spec.serial;
  inform.manufacturer = "Acme";
  inform.hardware_version = "hw1";
  inform.software_version = spec.software_version;
  inform.connection_request_url = spec.connection_request_url;
  inform.ip = "192.0.2.10";
  inform.periodic_inform_interval = spec.periodic_inform_interval;
  inform.parameters = spec.parameters;
  inform.events = {"2 PERIODIC"};
  inform.now = spec.when;
  auto device = store.recordInform(inform);
  if (!device.ok()) throw std::runtime_error("recordInform: " + device.error().message);
  return *device;
}

}  // namespace acs::api::testing
