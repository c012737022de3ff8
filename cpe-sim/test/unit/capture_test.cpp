#include "replay/capture.h"

#include <gtest/gtest.h>

#include "cwmp/value.h"

namespace cpesim {
namespace {

TEST(CaptureParse, ReadsAcsCaptureJsonPairingRequestsWithReplies) {
  const std::string json = R"({"format": "cwmp-lab-capture/1", "device_id": "000000-Box-SN1",
    "sessions": [{"session_id": "s1", "started_at": "2024-01-01T00:00:00Z", "exchanges": [
      {"seq": 2, "direction": "out", "at": "x", "http_status": 200, "encoding": "utf-8",
       "body": "<reply1/>", "truncated": false},
      {"seq": 1, "direction": "in", "at": "x", "http_status": 0, "encoding": "utf-8",
       "body": "<inform/>", "truncated": false},
      {"seq": 3, "direction": "in", "at": "x", "http_status": 0, "encoding": "base64",
       "body": ")" + cwmp::encodeBase64("") + R"(", "truncated": false},
      {"seq": 4, "direction": "out", "at": "x", "http_status": 204, "encoding": "utf-8",
       "body": "", "truncated": false}]}]})";
  auto capture = parseCapture(json, "c.json");
  ASSERT_TRUE(capture) << capture.error().message;
  EXPECT_EQ(capture->device_id, "000000-Box-SN1");
  ASSERT_EQ(capture->sessions.size(), 1u);
  const CapturedSession& s = capture->sessions[0];
  EXPECT_EQ(s.name, "s1");
  ASSERT_EQ(s.exchanges.size(), 2u);
  EXPECT_EQ(s.exchanges[0].cpe_body, "<inform/>");
  EXPECT_TRUE(s.exchanges[0].reply_recorded);
  EXPECT_EQ(s.exchanges[0].acs_status, 200);
  EXPECT_EQ(s.exchanges[0].acs_body, "<reply1/>");
  EXPECT_EQ(s.exchanges[1].cpe_body, "");
  EXPECT_EQ(s.exchanges[1].acs_status, 204);
}

TEST(CaptureParse, RefusesTruncatedCpeMessageAndWrongFormat) {
  auto truncated = parseCapture(R"({"format": "cwmp-lab-capture/1", "sessions": [{"exchanges": [
      {"seq": 1, "direction": "in", "http_status": 0, "encoding": "utf-8", "body": "<x",
       "truncated": true}]}]})", "t.json");
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("truncated"), std::string::npos);
  auto other = parseCapture(R"({"format": "something-else/2", "sessions": []})", "o.json");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("something-else/2"), std::string::npos);
  auto broken = parseCapture("{not json", "b.json");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("b.json"), std::string::npos);
}

TEST(CaptureParse, ReadsEnvelopeFileWithSessionsAndStatuses) {
  const std::string text =
      "# field capture of SN1\n"
      ">>> cpe\n<Inform>\n  body</Inform>\n"
      "<<< acs 200\n<InformResponse/>\n"
      ">>> cpe\n"
      "<<< acs 204\n"
      "=== session second\n"
      ">>> cpe\n<Inform2/>\n"
      "<<< acs\n<X/>\n";
  auto capture = parseCapture(text, "env.txt");
  ASSERT_TRUE(capture) << capture.error().message;
  ASSERT_EQ(capture->sessions.size(), 2u);
  const CapturedSession& first = capture->sessions[0];
  ASSERT_EQ(first.exchanges.size(), 2u);
  EXPECT_EQ(first.exchanges[0].cpe_body, "<Inform>\n  body</Inform>");
  EXPECT_EQ(first.exchanges[0].acs_body, "<InformResponse/>");
  EXPECT_EQ(first.exchanges[1].cpe_body, "");
  EXPECT_EQ(first.exchanges[1].acs_status, 204);
  EXPECT_EQ(first.exchanges[1].acs_body, "");
  EXPECT_EQ(capture->sessions[1].name, "second");
  EXPECT_EQ(capture->sessions[1].exchanges[0].acs_status, 200);
}

TEST(CaptureParse, EnvelopeFileErrorsNameTheLine) {
  auto stray = parseCapture("hello\n>>> cpe\n<x/>\n", "e.txt");
  ASSERT_FALSE(stray);
  EXPECT_NE(stray.error().message.find("e.txt:1"), std::string::npos);
  auto orphan = parseCapture(">>> cpe\n<x/>\n<<< acs 200\n<y/>\n<<< acs 200\n", "e.txt");
  ASSERT_FALSE(orphan);
  EXPECT_NE(orphan.error().message.find("e.txt:5"), std::string::npos);
  auto status = parseCapture(">>> cpe\n<x/>\n<<< acs abc\n", "e.txt");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("e.txt:3"), std::string::npos);
  EXPECT_FALSE(parseCapture("", "empty.txt"));
}

}  // namespace
}  // namespace cpesim
