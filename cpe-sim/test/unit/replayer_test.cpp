#include "replay/replayer.h"

#include <gtest/gtest.h>

#include "cwmp/codec.h"

namespace cpesim {
namespace {

std::string gpv(std::vector<std::string> names, std::string id = "1") {
  cwmp::Envelope e;
  e.header.id = std::move(id);
  e.body = cwmp::GetParameterValues{std::move(names)};
  return cwmp::encodeEnvelope(e);
}

TEST(CompareReplies, SameMethodAndArgumentsIsNoDifferenceEvenWithAnotherId) {
  EXPECT_TRUE(compareReplies(200, gpv({"Device."}, "a"), 200, gpv({"Device."}, "b"), {}).empty());
  EXPECT_TRUE(compareReplies(204, "", 204, "  \r\n", {}).empty());
}

TEST(CompareReplies, ReportsStatusMethodAndArgumentDifferences) {
  auto diffs = compareReplies(200, gpv({"Device.A", "Device.B"}), 200, gpv({"Device.A", "Device.C"}), {});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].find("ParameterNames[1]"), std::string::npos) << diffs[0];
  EXPECT_NE(diffs[0].find("Device.B"), std::string::npos);
  EXPECT_NE(diffs[0].find("Device.C"), std::string::npos);

  auto longer = compareReplies(200, gpv({"Device.A"}), 200, gpv({"Device.A", "Device.B"}), {});
  EXPECT_GE(longer.size(), 2u);  // length and the extra item

  cwmp::Envelope reboot;
  reboot.body = cwmp::Reboot{"k"};
  auto method = compareReplies(200, gpv({"Device."}), 200, cwmp::encodeEnvelope(reboot), {});
  ASSERT_EQ(method.size(), 1u);
  EXPECT_NE(method[0].find("expected GetParameterValues, got Reboot"), std::string::npos);

  auto status = compareReplies(200, gpv({"Device."}), 204, "", {});
  ASSERT_EQ(status.size(), 2u);
  EXPECT_NE(status[0].find("HTTP status: expected 200, got 204"), std::string::npos);
}

TEST(CompareReplies, IgnoresNamedArguments) {
  cwmp::Envelope a;
  a.body = cwmp::Reboot{"key-1"};
  cwmp::Envelope b;
  b.body = cwmp::Reboot{"key-2"};
  EXPECT_EQ(compareReplies(200, cwmp::encodeEnvelope(a), 200, cwmp::encodeEnvelope(b), {}).size(), 1u);
  EXPECT_TRUE(compareReplies(200, cwmp::encodeEnvelope(a), 200, cwmp::encodeEnvelope(b), {"CommandKey"}).empty());
}

TEST(DescribeReply, NamesMethodAndFaultCode) {
  EXPECT_EQ(describeReply(204, ""), "204 (empty)");
  EXPECT_EQ(describeReply(200, gpv({"Device."})), "200 GetParameterValues");
  cwmp::Envelope f;
  f.body = cwmp::makeFault(8005);
  EXPECT_EQ(describeReply(200, cwmp::encodeEnvelope(f)), "200 Fault 8005");
  EXPECT_EQ(describeReply(200, "<not-soap").substr(0, 17), "200 (undecodable:");
}

}  // namespace
}  // namespace cpesim
