// Pure helpers of store.h.
#include "store/store.h"
#include <gtest/gtest.h>

namespace acs::store {
namespace {

using namespace std::chrono_literals;

TEST(StoreHelpers, DeviceIdEncodesEverythingButAlphanumericsAndUnderscore) {
  EXPECT_EQ(makeDeviceId("00A0C9", "RG1", "SN_1"), "00A0C9-RG1-SN_1");
  EXPECT_EQ(makeDeviceId("00A0C9", "R-G 1", "a/b"), "00A0C9-R%2DG%201-a%2Fb");
  EXPECT_EQ(makeDeviceId("00A0C9", "", "SN1"), "00A0C9-SN1");
  EXPECT_EQ(makeDeviceId("00A0C9", "X", "\xC3\xA9"), "00A0C9-X-%C3%A9");  // é from UTF-8 bytes
}

TEST(StoreHelpers, TaskStateNamesRoundTrip) {
  for (TaskState state : kAllTaskStates) {
    EXPECT_EQ(parseTaskState(taskStateName(state)), state);
  }
  EXPECT_FALSE(parseTaskState("done").has_value());
  EXPECT_FALSE(isFinished(TaskState::Pending));
  EXPECT_FALSE(isFinished(TaskState::Sent));
  EXPECT_TRUE(isFinished(TaskState::Expired));
}

TEST(StoreHelpers, ErrcNamesAreStable) {
  EXPECT_EQ(storeErrcName(StoreErrc::NotFound), "not_found");
  EXPECT_EQ(storeErrcName(StoreErrc::Unavailable), "unavailable");
  EXPECT_EQ(storeErrcName(StoreErrc::Busy), "busy");
}

TEST(StoreHelpers, OnlineUsesIntervalTimesMultipleOrDefaultWindow) {
  Device d;
  d.last_inform = TimePoint(1'000'000ms);
  d.periodic_inform_interval = 60;
  EXPECT_TRUE(isOnline(d, d.last_inform + 90s, 1.5, 5min));
  EXPECT_FALSE(isOnline(d, d.last_inform + 90s + 1ms, 1.5, 5min));
  d.periodic_inform_interval = 0;
  EXPECT_TRUE(isOnline(d, d.last_inform + 5min, 1.5, 5min));
  EXPECT_FALSE(isOnline(d, d.last_inform + 5min + 1ms, 1.5, 5min));
  Device never;
  EXPECT_FALSE(isOnline(never, TimePoint(1ms), 2, 5min));
  EXPECT_EQ(onlineMultipleMilli(2.0005), 2001);
  EXPECT_EQ(onlineMultipleMilli(-1), 0);
}

TEST(StoreHelpers, ResultCarriesValueOrError) {
  Result<int> ok(5);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  Result<int> bad(storeError(StoreErrc::Conflict, "no"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, StoreErrc::Conflict);
  Status fine;
  EXPECT_TRUE(fine.ok());
  Status failed = storeError(StoreErrc::Busy, "later");
  EXPECT_EQ(failed.error().message, "later");
}

}  // namespace
}  // namespace acs::store
