#include "quirks/quirks.h"

#include <gtest/gtest.h>

namespace cpesim {
namespace {

TEST(ApplyQuirk, SetsEachKindOfValue) {
  Quirks q;
  EXPECT_FALSE(applyQuirk(q, "reply_delay_ms=250"));
  EXPECT_FALSE(applyQuirk(q, "drop_connection_after = 2"));
  EXPECT_FALSE(applyQuirk(q, "stall_after=3"));
  EXPECT_FALSE(applyQuirk(q, "xml_declaration=true"));
  EXPECT_FALSE(applyQuirk(q, "soap_env_prefix=soapenv"));
  EXPECT_FALSE(applyQuirk(q, "cwmp_prefix=c"));
  EXPECT_FALSE(applyQuirk(q, "namespace=1.0"));
  EXPECT_FALSE(applyQuirk(q, "omit_value_types=yes"));
  EXPECT_FALSE(applyQuirk(q, "array_count_delta=-1"));
  EXPECT_FALSE(applyQuirk(q, "zero_pad_array_counts=1"));
  EXPECT_FALSE(applyQuirk(q, "transfer_bytes_per_second=1000"));
  EXPECT_FALSE(applyQuirk(q, "download_fault=9010"));
  EXPECT_FALSE(applyQuirk(q, "rpc_fault=GetParameterValues:9002:busy"));
  EXPECT_FALSE(applyQuirk(q, "extra_event=X 00D09E Foo"));
  EXPECT_FALSE(applyQuirk(q, "omit_event=M Reboot"));
  EXPECT_EQ(q.reply_delay_ms, 250u);
  EXPECT_EQ(q.drop_connection_after, 2u);
  EXPECT_EQ(q.stall_after, 3u);
  EXPECT_TRUE(q.xml_declaration);
  EXPECT_EQ(q.soap_env_prefix, "soapenv");
  EXPECT_EQ(q.cwmp_prefix, "c");
  EXPECT_EQ(q.ns, cwmp::CwmpNamespace::V1_0);
  EXPECT_TRUE(q.omit_value_types);
  EXPECT_EQ(q.array_count_delta, -1);
  EXPECT_TRUE(q.zero_pad_array_counts);
  EXPECT_EQ(q.transfer_bytes_per_second, 1000u);
  EXPECT_EQ(q.download_fault, 9010u);
  ASSERT_EQ(q.rpc_faults.size(), 1u);
  EXPECT_EQ(q.rpc_faults[0].method, "GetParameterValues");
  EXPECT_EQ(q.rpc_faults[0].code, 9002u);
  EXPECT_EQ(q.rpc_faults[0].message, "busy");
  EXPECT_EQ(q.extra_events, (std::vector<std::string>{"X 00D09E Foo"}));
  EXPECT_EQ(q.omitted_events, (std::vector<std::string>{"M Reboot"}));
  EXPECT_TRUE(q.any());
}

TEST(ApplyQuirk, RejectsBadValuesNamingTheQuirk) {
  Quirks q;
  auto error = [&](std::string_view a) { return applyQuirk(q, a).value_or(""); };
  EXPECT_NE(error("reply_delay_ms=-5").find("reply_delay_ms"), std::string::npos);
  EXPECT_NE(error("xml_declaration=maybe").find("true or false"), std::string::npos);
  EXPECT_NE(error("namespace=2.0").find("1.0 .. 1.4"), std::string::npos);
  EXPECT_NE(error("soap_env_prefix=1bad").find("prefix"), std::string::npos);
  EXPECT_NE(error("download_fault=42").find("9000-9899"), std::string::npos);
  EXPECT_NE(error("rpc_fault=GetParameterValues").find("Method:Code"), std::string::npos);
  EXPECT_NE(error("flux_capacitor=1").find("unknown quirk 'flux_capacitor'"), std::string::npos);
  EXPECT_NE(error("novalue").find("name=value"), std::string::npos);
  EXPECT_NE(applyQuirkShare(q, "1.5").value_or("").find("between 0 and 1"), std::string::npos);
  EXPECT_FALSE(applyQuirkShare(q, "0.05"));
  EXPECT_DOUBLE_EQ(q.share, 0.05);
}

TEST(WireQuirks, TranslatesQuirksIntoWireBehaviour) {
  Quirks q;
  q.reply_delay_ms = 100;
  q.drop_connection_after = 2;
  q.stall_after = 3;
  q.omit_value_types = true;
  q.cwmp_prefix = "c";
  q.upload_fault = 9011;
  WireQuirks w = WireQuirks::from(q);
  EXPECT_TRUE(w.active);
  EXPECT_EQ(w.reply_delay, std::chrono::milliseconds(100));
  EXPECT_FALSE(w.dropsAfter(1));
  EXPECT_TRUE(w.dropsAfter(2));
  EXPECT_FALSE(w.stallsBefore(3));
  EXPECT_TRUE(w.stallsBefore(4));
  EXPECT_TRUE(w.encode.omit_value_types);
  EXPECT_EQ(w.encode.cwmp_prefix, "c");
  EXPECT_EQ(w.transferFault(false), 9011u);
  EXPECT_EQ(w.transferFault(true), 0u);
  WireQuirks none;
  EXPECT_FALSE(none.dropsAfter(100));
  EXPECT_FALSE(none.stallsBefore(100));
}

TEST(ApplyQuirk, DefectTakesOnlyKnownProtocolDefects) {
  Quirks q;
  EXPECT_FALSE(q.any());
  EXPECT_FALSE(applyQuirk(q, "defect=spv-not-atomic"));
  EXPECT_FALSE(applyQuirk(q, "defect = id-not-echoed"));
  EXPECT_TRUE(q.any());
  EXPECT_TRUE(q.hasDefect("spv-not-atomic"));
  EXPECT_TRUE(q.hasDefect("id-not-echoed"));
  EXPECT_FALSE(q.hasDefect("spa-ignored"));
  auto error = applyQuirk(q, "defect=be-nice");
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("be-nice"), std::string::npos) << *error;
  EXPECT_NE(error->find("spv-not-atomic"), std::string::npos) << *error;  // lists the known ones
  EXPECT_EQ(q.defects.size(), 2u);
  for (std::string_view d : protocolDefects()) {
    Quirks one;
    EXPECT_FALSE(applyQuirk(one, "defect=" + std::string(d))) << d;
  }
}

}  // namespace
}  // namespace cpesim
