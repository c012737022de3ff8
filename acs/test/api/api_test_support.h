// Test helpers shared by the REST API's unit and integration tests: a temporary SQLite store,
// a fake connection requester and a few ways to put devices into the store.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/connection_request.h"
#include "store/store.h"

namespace acs::api::testing {

// Records every request and answers with a settable outcome. Thread-safe.
class FakeConnectionRequester final : public ConnectionRequester {
 public:
  ConnectionRequestOutcome request(const store::Device& device) override;
  void setOutcome(ConnectionRequestOutcome outcome);
  std::vector<std::string> requestedDevices() const;

 private:
  mutable std::mutex mutex_;
  ConnectionRequestOutcome outcome_{true, 200, "device answered 200 OK"};
  std::vector<std::string> requested_;
};

// A fresh SQLite database file in the temporary directory, removed (with its -wal/-shm
// companions) when the object dies.
class TempDatabase {
 public:
  TempDatabase();
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  const std::string& path() const { return path_; }
  std::string url() const { return "sqlite://" + path_; }
  // Opens the store (fails the calling test through an exception when it cannot).
  store::StorePtr open(const store::StoreOptions& options = {}) const;

 private:
  std::string path_;
};

// A store whose database cannot be reached: every call fails with StoreErrc::Unavailable
// (what the real backends report when the connection is lost).
class UnavailableStore : public store::Store {
 public:
  std::string_view backendName() const override { return "sqlite"; }
  store::Status health() override { return down(); }
  store::Result<store::Device> recordInform(const store::InformRecord&) override { return down(); }
  store::Result<std::optional<store::Device>> getDevice(std::string_view,
                                                        store::TimePoint) override {
    return down();
  }
  store::Result<bool> deleteDevice(std::string_view) override { return down(); }
  store::Result<store::Page<store::Device>> listDevices(const store::DeviceQuery&) override {
    return down();
  }
  store::Status addTag(std::string_view, std::string_view) override { return down(); }
  store::Result<bool> removeTag(std::string_view, std::string_view) override { return down(); }
  store::Status setCapture(std::string_view, bool) override { return down(); }
  store::Result<std::vector<store::Parameter>> getParameters(std::string_view,
                                                             std::string_view) override {
    return down();
  }
  store::Status upsertParameters(std::string_view, const std::vector<store::Parameter>&,
                                 store::TimePoint) override {
    return down();
  }
  store::Result<std::int64_t> deleteParameterSubtree(std::string_view, std::string_view) override {
    return down();
  }
  store::Result<store::LeaseOutcome> acquireLease(std::string_view, std::string_view,
                                                  std::string_view, store::TimePoint,
                                                  std::chrono::milliseconds) override {
    return down();
  }
  store::Result<bool> renewLease(std::string_view, std::string_view, store::TimePoint,
                                 std::chrono::milliseconds) override {
    return down();
  }
  store::Result<bool> releaseLease(std::string_view, std::string_view) override { return down(); }
  store::Status createSession(const store::SessionRecord&) override { return down(); }
  store::Status updateSession(const store::SessionRecord&) override { return down(); }
  store::Result<std::optional<store::SessionRecord>> getSession(std::string_view) override {
    return down();
  }
  store::Result<store::Page<store::SessionRecord>> listSessions(std::string_view, std::int64_t,
                                                                std::int64_t) override {
    return down();
  }
  store::Result<std::vector<store::SessionRecord>> listStaleSessions(
      store::TimePoint, std::chrono::milliseconds) override {
    return down();
  }
  store::Result<store::Task> createTask(const store::Task&, store::TimePoint) override {
    return down();
  }
  store::Result<std::optional<store::Task>> getTask(std::int64_t) override { return down(); }
  store::Result<store::SessionStartOutcome> startSession(const store::SessionStart&) override {
    return down();
  }
  store::Result<store::SessionSaveOutcome> saveSession(const store::SessionSave&) override {
    return down();
  }
  store::Result<store::Task> failTask(std::int64_t, std::string_view, store::TimePoint) override {
    return down();
  }
  store::Result<store::Page<store::Task>> listTasks(const store::TaskQuery&) override {
    return down();
  }
  store::Result<std::optional<store::Task>> nextPendingTask(std::string_view,
                                                            store::TimePoint) override {
    return down();
  }
  store::Result<store::Task> markTaskSent(std::int64_t, std::string_view, std::string_view,
                                          store::TimePoint) override {
    return down();
  }
  store::Result<store::Task> completeTask(std::int64_t, std::string_view,
                                          store::TimePoint) override {
    return down();
  }
  store::Result<store::Task> faultTask(std::int64_t, std::uint32_t, std::string_view,
                                       std::string_view, store::TimePoint) override {
    return down();
  }
  store::Result<store::Task> setTaskResult(std::int64_t, std::string_view,
                                           store::TimePoint) override {
    return down();
  }
  store::Result<store::TaskState> cancelTask(std::int64_t, store::TimePoint) override {
    return down();
  }
  store::Result<std::int64_t> requeueSessionTasks(std::string_view, store::TimePoint) override {
    return down();
  }
  store::Result<std::optional<store::Task>> findTaskByCommandKey(std::string_view,
                                                                 std::string_view) override {
    return down();
  }
  store::Status setConnectionRequestResult(std::int64_t, std::string_view) override {
    return down();
  }
  store::Result<store::FaultRecord> recordFault(const store::FaultRecord&) override {
    return down();
  }
  store::Result<store::Page<store::FaultRecord>> listFaults(std::string_view, std::int64_t,
                                                            std::int64_t) override {
    return down();
  }
  store::Result<store::CaptureRecord> appendCapture(const store::CaptureRecord&) override {
    return down();
  }
  store::Result<std::vector<store::CaptureRecord>> listCaptures(
      std::string_view, std::optional<std::string>) override {
    return down();
  }
  store::Result<store::Stats> stats(store::TimePoint, double) override { return down(); }
  store::Result<store::PurgeCounts> purgeOlderThan(store::TimePoint) override { return down(); }
  store::Result<std::int64_t> countDevicesSeen(store::TimePoint, store::TimePoint) override {
    return down();
  }
  store::Result<std::vector<store::ActivityBucket>> activitySeries(
      store::TimePoint, store::TimePoint, std::chrono::milliseconds) override {
    return down();
  }
  store::Result<store::Breakdown> deviceBreakdown(const store::BreakdownQuery&) override {
    return down();
  }
  store::Result<store::StoredFile> putFile(const store::StoredFile&, std::string_view,
                                           store::TimePoint) override {
    return down();
  }
  store::Result<std::vector<store::StoredFile>> listFiles() override { return down(); }
  store::Result<std::optional<store::StoredFile>> getFile(std::string_view) override {
    return down();
  }
  store::Result<std::string> readFileContent(std::string_view, std::string_view, std::int64_t,
                                             std::int64_t) override {
    return down();
  }
  store::Result<bool> deleteFile(std::string_view) override { return down(); }

 private:
  static store::StoreError down() {
    return store::StoreError{store::StoreErrc::Unavailable, "connection to the database lost"};
  }
};

struct DeviceSpec {
  std::string serial = "SN0001";
  std::string oui = "00D09E";
  std::string product_class = "Box";
  std::string software_version = "1.0";
  std::string connection_request_url = "http://127.0.0.1:1/cr";
  std::int64_t periodic_inform_interval = 300;
  std::vector<store::Parameter> parameters;
  store::TimePoint when = store::nowMs();
};

// recordInform of a device built from `spec`; returns the stored device.
store::Device addDevice(store::Store& store, const DeviceSpec& spec);

}  // namespace acs::api::testing
