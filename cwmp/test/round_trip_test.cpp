// Round trips through the codec:
// - every hand-written input testdata/<name>.xml, decoded and encoded again, gives exactly
//   golden/<name>.xml (the conservative form of what the peer sent), and that golden output
//   is a fixed point of decode+encode;
// - decode(encode(x)) == x for one well-populated instance of every message type, with the
//   default EncodeOptions and with every option that keeps the content.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "encode_samples.h"
#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace cwmp {
namespace {

namespace fs = std::filesystem;
using test_samples::NamedSample;

// Stems of the *.xml files directly in `directory`, sorted.
std::vector<std::string> xmlStems(const fs::path& directory) {
  std::vector<std::string> stems;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") {
      stems.push_back(entry.path().stem().string());
    }
  }
  std::sort(stems.begin(), stems.end());
  return stems;
}

const fs::path kTestData = CWMP_TESTDATA_DIR;

std::string golden(const std::string& relative_path) {
  std::string bytes = readTestData("golden/" + relative_path);
  if (bytes.empty() || bytes.back() != '\n') {
    ADD_FAILURE() << "golden/" << relative_path << " must end with exactly one newline";
    return bytes;
  }
  bytes.pop_back();
  return bytes;
}

// "get_rpc_methods" -> "GetRpcMethods", for test names.
std::string pascalCase(const std::string& stem) {
  std::string out;
  bool upper = true;
  for (const char c : stem) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// --- Hand-written inputs -> golden output -------------------------------------------------------

class DecodeEncodeGolden : public testing::TestWithParam<std::string> {};

TEST_P(DecodeEncodeGolden, ReencodesToTheGoldenBytes) {
  const std::string& stem = GetParam();
  const Result<Envelope> decoded = decodeEnvelope(readTestData(stem + ".xml"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(encodeEnvelope(*decoded), golden(stem + ".xml"));
}

TEST_P(DecodeEncodeGolden, GoldenOutputIsAFixedPoint) {
  const std::string expected = golden(GetParam() + ".xml");
  const Result<Envelope> decoded = decodeEnvelope(expected);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(encodeEnvelope(*decoded), expected);
}

std::string stemName(const testing::TestParamInfo<std::string>& param) {
  return pascalCase(param.param);
}

INSTANTIATE_TEST_SUITE_P(HandWrittenInputs, DecodeEncodeGolden,
                         testing::ValuesIn(xmlStems(kTestData)), stemName);

TEST(GoldenFiles, HandWrittenInputsExist) {
  // A wrong CWMP_TESTDATA_DIR would otherwise instantiate no golden test at all.
  EXPECT_GE(xmlStems(kTestData).size(), std::variant_size_v<Body>);
}

TEST(GoldenFiles, EachGoldenFileHasASource) {
  for (const std::string& stem : xmlStems(kTestData / "golden")) {
    EXPECT_TRUE(fs::exists(kTestData / (stem + ".xml")))
        << "golden/" << stem << ".xml has no testdata/" << stem << ".xml";
  }
  std::set<std::string> sample_stems;
  for (const NamedSample& sample : test_samples::allSamples()) {
    sample_stems.insert(sample.file_stem);
  }
  for (const std::string& stem : xmlStems(kTestData / "golden" / "samples")) {
    EXPECT_EQ(sample_stems.count(stem), 1U)
        << "golden/samples/" << stem << ".xml belongs to no message type";
  }
}

// --- decode(encode(x)) == x ---------------------------------------------------------------------

class EnvelopeRoundTrip : public testing::TestWithParam<NamedSample> {};

TEST_P(EnvelopeRoundTrip, DecodeOfEncodeGivesTheSameEnvelope) {
  const Envelope& envelope = GetParam().envelope;
  const Result<Envelope> decoded = decodeEnvelope(encodeEnvelope(envelope));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, envelope);
}

TEST_P(EnvelopeRoundTrip, SurvivesEveryOptionThatKeepsTheContent) {
  const Envelope& envelope = GetParam().envelope;
  std::vector<std::pair<std::string, EncodeOptions>> variants;
  {
    EncodeOptions o;
    o.xml_declaration = true;
    variants.emplace_back("xml_declaration", o);
  }
  {
    EncodeOptions o;
    o.soap_env_prefix = "soapenv";
    o.soap_enc_prefix = "enc";
    o.cwmp_prefix = "cwmp12";
    variants.emplace_back("prefixes", o);
  }
  {
    EncodeOptions o;
    o.array_count_delta = 3;
    variants.emplace_back("array_count_delta", o);
  }
  {
    EncodeOptions o;
    o.zero_pad_array_counts = true;
    variants.emplace_back("zero_pad_array_counts", o);
  }
  for (const auto& [name, options] : variants) {
    const Result<Envelope> decoded = decodeEnvelope(encodeEnvelope(envelope, options));
    ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, envelope) << name;
  }
}

TEST_P(EnvelopeRoundTrip, KeepsEveryNamespaceVersion) {
  for (const CwmpNamespace ns : {CwmpNamespace::V1_0, CwmpNamespace::V1_1, CwmpNamespace::V1_2,
                                 CwmpNamespace::V1_3, CwmpNamespace::V1_4}) {
    Envelope envelope = GetParam().envelope;
    envelope.ns = ns;
    const Result<Envelope> decoded = decodeEnvelope(encodeEnvelope(envelope));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(*decoded, envelope) << namespaceUri(ns);
  }
}

std::string sampleName(const testing::TestParamInfo<NamedSample>& param) {
  return param.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllMessages, EnvelopeRoundTrip,
                         testing::ValuesIn(test_samples::allSamples()), sampleName);

}  // namespace
}  // namespace cwmp
