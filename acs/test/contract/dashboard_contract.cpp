// The store contract of the dashboard queries (issue 7): device activity, breakdowns and the
// file store. Runs on every backend through the StoreContract instantiations.
#include <string>

#include "contract/store_contract.h"

namespace acs::store::contract {
namespace {

using namespace std::chrono_literals;

// A minute boundary, so bucket arithmetic below is easy to read.
const TimePoint kBase = TimePoint(std::chrono::milliseconds(1'700'000'040'000));

template <class T>
T must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) throw std::runtime_error("store call failed: " + r.error().message);
  return std::move(r).value();
}

struct DeviceSpec {
  std::string serial;
  std::string product_class = "RG1";
  std::string software_version = "1.0";
  std::string hardware_version = "HW1";
  TimePoint last_inform = kBase;
  std::int64_t interval = 300;
};

std::string addDevice(Store& store, const DeviceSpec& spec) {
  InformRecord r;
  r.oui = "00A0C9";
  r.product_class = spec.product_class;
  r.serial_number = spec.serial;
  r.manufacturer = "Acme";
  r.hardware_version = spec.hardware_version;
  r.software_version = spec.software_version;
  r.periodic_inform_interval = spec.interval;
  r.events = {"2 PERIODIC"};
  r.now = spec.last_inform;
  return must(store.recordInform(r)).id;
}

void addSession(Store& store, const std::string& id, const std::string& device_id,
                TimePoint started, const std::string& outcome) {
  SessionRecord s;
  s.id = id;
  s.device_id = device_id;
  s.owner = "acs-1";
  s.started_at = started;
  s.last_activity = started;
  s.outcome = outcome;
  if (!outcome.empty()) s.ended_at = started + 1s;
  Status created = store.createSession(s);
  ASSERT_TRUE(created.ok()) << created.error().message;
  Status updated = store.updateSession(s);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
}

// Bytes 0..255 repeated, so NUL and high bytes are in every chunk.
std::string binaryContent(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 7 + i / 256) & 0xFF);
  return out;
}

TEST_P(StoreContract, CountDevicesSeenCountsLastInformsWithinTheRange) {
  addDevice(*store_, {.serial = "A", .last_inform = kBase - 2h});
  addDevice(*store_, {.serial = "B", .last_inform = kBase - 1h});
  addDevice(*store_, {.serial = "C", .last_inform = kBase - 1min});
  addDevice(*store_, {.serial = "D", .last_inform = kBase});
  EXPECT_EQ(must(store_->countDevicesSeen(kBase - 1h, kBase)), 3);
  EXPECT_EQ(must(store_->countDevicesSeen(kBase - 30min, kBase - 1s)), 1);
  EXPECT_EQ(must(store_->countDevicesSeen(kBase + 1s, kBase + 1h)), 0);
  auto reversed = store_->countDevicesSeen(kBase, kBase - 1h);
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().code, StoreErrc::Invalid);
}

TEST_P(StoreContract, ActivitySeriesCountsSessionsPerBucketWithEmptyBuckets) {
  const std::string dev = addDevice(*store_, {.serial = "A"});
  addSession(*store_, "s-before", dev, kBase - 1ms, "ok");        // before the range
  addSession(*store_, "s-0a", dev, kBase, "ok");                  // bucket 0
  addSession(*store_, "s-0b", dev, kBase + 59'999ms, "refused");  // bucket 0, refused
  addSession(*store_, "s-2", dev, kBase + 2min + 5s, "");         // bucket 2, still open
  addSession(*store_, "s-end", dev, kBase + 4min, "ok");          // at `end`: excluded

  auto series = must(store_->activitySeries(kBase, kBase + 4min, 1min));
  ASSERT_EQ(series.size(), 4U);
  for (std::size_t i = 0; i < series.size(); ++i) {
    EXPECT_EQ(series[i].start, kBase + std::chrono::minutes(i)) << "bucket " << i;
  }
  EXPECT_EQ(series[0].informs, 2);
  EXPECT_EQ(series[0].sessions, 1);
  EXPECT_EQ(series[1].informs, 0);
  EXPECT_EQ(series[1].sessions, 0);
  EXPECT_EQ(series[2].informs, 1);
  EXPECT_EQ(series[2].sessions, 1);
  EXPECT_EQ(series[3].informs, 0);

  // A range that is not a whole number of steps gets a last, partial bucket.
  auto partial = must(store_->activitySeries(kBase, kBase + 150s, 1min));
  ASSERT_EQ(partial.size(), 3U);
  EXPECT_EQ(partial[2].informs, 1);
}

TEST_P(StoreContract, ActivitySeriesRejectsBadRanges) {
  for (auto [start, end, step] :
       {std::tuple{kBase, kBase, std::chrono::milliseconds(60'000)},
        std::tuple{kBase, kBase + 1h, std::chrono::milliseconds(0)},
        std::tuple{kBase, kBase + 24h * 8, std::chrono::milliseconds(60'000)}}) {
    auto series = store_->activitySeries(start, end, step);
    ASSERT_FALSE(series.ok());
    EXPECT_EQ(series.error().code, StoreErrc::Invalid);
  }
}

TEST_P(StoreContract, DeviceBreakdownListsTopValuesWithOnlineCountsAndOther) {
  // Online: informed within 2 x 300 s of kBase.
  addDevice(*store_, {.serial = "1", .software_version = "2.1"});
  addDevice(*store_, {.serial = "2", .software_version = "2.1"});
  addDevice(*store_, {.serial = "3", .software_version = "2.1", .last_inform = kBase - 1h});
  addDevice(*store_, {.serial = "4", .software_version = "2.0"});
  addDevice(*store_, {.serial = "5", .software_version = "1.9", .last_inform = kBase - 1h});
  addDevice(*store_, {.serial = "6", .software_version = "1.8"});

  BreakdownQuery q;
  q.field = "software_version";
  q.limit = 2;
  q.now = kBase;
  Breakdown b = must(store_->deviceBreakdown(q));
  EXPECT_EQ(b.total, 6);
  ASSERT_EQ(b.items.size(), 2U);
  EXPECT_EQ(b.items[0].value, "2.1");
  EXPECT_EQ(b.items[0].count, 3);
  EXPECT_EQ(b.items[0].online, 2);
  // 1.8, 1.9 and 2.0 all have one device: ties go by value, ascending.
  EXPECT_EQ(b.items[1].value, "1.8");
  EXPECT_EQ(b.items[1].count, 1);
  EXPECT_EQ(b.items[1].online, 1);
  EXPECT_EQ(b.other, 2);

  q.online = false;
  q.limit = 10;
  Breakdown offline = must(store_->deviceBreakdown(q));
  EXPECT_EQ(offline.total, 2);
  ASSERT_EQ(offline.items.size(), 2U);
  EXPECT_EQ(offline.items[0].value, "1.9");
  EXPECT_EQ(offline.items[0].online, 0);
  EXPECT_EQ(offline.items[1].value, "2.1");
  EXPECT_EQ(offline.other, 0);

  q.online = true;
  q.field = "hardware_version";
  Breakdown online = must(store_->deviceBreakdown(q));
  EXPECT_EQ(online.total, 4);
  ASSERT_EQ(online.items.size(), 1U);
  EXPECT_EQ(online.items[0].value, "HW1");
  EXPECT_EQ(online.items[0].count, 4);
  EXPECT_EQ(online.items[0].online, 4);

  // Another online multiple: 20 x 300 s covers the devices seen an hour ago too.
  q.online = std::nullopt;
  q.field = "software_version";
  q.online_multiple = 20;
  Breakdown wide = must(store_->deviceBreakdown(q));
  ASSERT_FALSE(wide.items.empty());
  EXPECT_EQ(wide.items[0].online, 3);
}

TEST_P(StoreContract, DeviceBreakdownRejectsUnknownFieldsAndLimits) {
  BreakdownQuery q;
  q.now = kBase;
  for (const char* field : {"serial_number", "id; DROP TABLE devices", ""}) {
    q.field = field;
    auto b = store_->deviceBreakdown(q);
    ASSERT_FALSE(b.ok()) << field;
    EXPECT_EQ(b.error().code, StoreErrc::Invalid);
  }
  q.field = "oui";
  for (std::int64_t limit : {0, 101}) {
    q.limit = limit;
    auto b = store_->deviceBreakdown(q);
    ASSERT_FALSE(b.ok()) << limit;
    EXPECT_EQ(b.error().code, StoreErrc::Invalid);
  }
}

TEST_P(StoreContract, FilesKeepBinaryContentAndServeRanges) {
  const std::string content = binaryContent(2 * 256 * 1024 + 1000);  // three chunks
  StoredFile in{"gw-2.1.0.bin", 0, "abc123", "1 Firmware Upgrade Image", {}};
  StoredFile stored = must(store_->putFile(in, content, kBase));
  EXPECT_EQ(stored.size, static_cast<std::int64_t>(content.size()));
  EXPECT_EQ(stored.uploaded_at, kBase);

  auto got = must(store_->getFile("gw-2.1.0.bin"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size, stored.size);
  EXPECT_EQ(got->sha256, "abc123");
  EXPECT_EQ(got->file_type, "1 Firmware Upgrade Image");
  EXPECT_EQ(got->uploaded_at, kBase);

  const auto size = static_cast<std::int64_t>(content.size());
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "abc123", 0, size)), content);
  // Ranges inside one chunk, across chunk boundaries and past the end.
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "abc123", 10, 20)),
            content.substr(10, 20));
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "abc123", 262'000, 2'000)),
            content.substr(262'000, 2'000));
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "abc123", size - 5, 100)),
            content.substr(static_cast<std::size_t>(size - 5)));
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "abc123", size + 10, 5)), "");
  auto negative = store_->readFileContent("gw-2.1.0.bin", "abc123", -1, 5);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, StoreErrc::Invalid);

  // Another version under the same name: the old sha256 no longer reads.
  must(store_->putFile({"gw-2.1.0.bin", 0, "def456", "", {}}, "short", kBase + 1s));
  auto old = store_->readFileContent("gw-2.1.0.bin", "abc123", 0, 5);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, StoreErrc::NotFound);
  EXPECT_EQ(must(store_->readFileContent("gw-2.1.0.bin", "def456", 0, 100)), "short");

  must(store_->putFile({"empty.cfg", 0, "e3b0", "3 Vendor Configuration File", {}}, "", kBase));
  EXPECT_EQ(must(store_->readFileContent("empty.cfg", "e3b0", 0, 10)), "");

  auto files = must(store_->listFiles());
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[0].name, "empty.cfg");
  EXPECT_EQ(files[0].size, 0);
  EXPECT_EQ(files[1].name, "gw-2.1.0.bin");
  EXPECT_EQ(files[1].size, 5);

  EXPECT_TRUE(must(store_->deleteFile("gw-2.1.0.bin")));
  EXPECT_FALSE(must(store_->deleteFile("gw-2.1.0.bin")));
  EXPECT_FALSE(must(store_->getFile("gw-2.1.0.bin")).has_value());
  auto gone = store_->readFileContent("gw-2.1.0.bin", "def456", 0, 5);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, StoreErrc::NotFound);
  EXPECT_EQ(must(store_->listFiles()).size(), 1U);
}

TEST_P(StoreContract, FileNamesAreValidated) {
  for (const std::string& name :
       {std::string(), std::string("a/b"), std::string(".."), std::string("."),
        std::string("bad\nname"), std::string(256, 'x'), std::string("\xff\xfe")}) {
    auto put = store_->putFile({name, 0, "00", "", {}}, "x", kBase);
    ASSERT_FALSE(put.ok()) << name;
    EXPECT_EQ(put.error().code, StoreErrc::Invalid) << name;
    auto get = store_->getFile(name);
    ASSERT_FALSE(get.ok()) << name;
    EXPECT_EQ(get.error().code, StoreErrc::Invalid);
  }
  EXPECT_TRUE(store_->putFile({"ok name (1).bin", 0, "00", "", {}}, "x", kBase).ok());
  EXPECT_TRUE(store_->putFile({std::string(255, 'y'), 0, "00", "", {}}, "x", kBase).ok());
}

TEST_P(SharedStoreContract, FilesStoredByOneStoreAreServedByAnother) {
  StorePtr other = openAnother(options_);
  ASSERT_NE(other, nullptr);
  const std::string content = binaryContent(300'000);
  must(store_->putFile({"fw.bin", 0, "sha-a", "1 Firmware Upgrade Image", {}}, content, kBase));
  auto seen = must(other->getFile("fw.bin"));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->size, 300'000);
  EXPECT_EQ(must(other->readFileContent("fw.bin", "sha-a", 0, 300'000)), content);
  EXPECT_TRUE(must(other->deleteFile("fw.bin")));
  EXPECT_FALSE(must(store_->getFile("fw.bin")).has_value());
}

}  // namespace
}  // namespace acs::store::contract
