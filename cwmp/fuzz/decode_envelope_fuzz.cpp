// libFuzzer target for decodeEnvelope (style.md 3.9). Every input must decode or fail cleanly;
// an envelope that decodes must survive encodeEnvelope and decode again to the same value,
// up to the normalisations the encoder documents (codec.h). Seeds:
// cwmp/fuzz/corpus/cwmp_decode_envelope_fuzz/ (copies of small cwmp/test/testdata files).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace {

template <class T>
concept HasParameterValueList = requires(T& message) {
  { message.parameter_list } -> std::same_as<std::vector<cwmp::ParameterValueStruct>&>;
};

// What an encode/decode round trip changes by design:
// - a Value sent without xsi:type is encoded with xsi:type="xsd:string";
// - unknown header elements are reported in Header::not_understood but never encoded.
void normaliseLikeTheEncoder(cwmp::Envelope& env) {
  env.header.not_understood.clear();
  std::visit(
      [](auto& message) {
        if constexpr (HasParameterValueList<std::remove_reference_t<decltype(message)>>) {
          for (cwmp::ParameterValueStruct& p : message.parameter_list) {
            if (p.type.empty()) p.type = "xsd:string";
          }
        }
      },
      env.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  cwmp::Result<cwmp::Envelope> first = cwmp::decodeEnvelope(xml);
  if (!first) {
    // A failure must still say what and where.
    if (first.error().message.empty() || first.error().offset > size) __builtin_trap();
    return 0;
  }
  const std::string encoded = cwmp::encodeEnvelope(*first);
  // Escaping can make the encoded form longer than the input (a CDATA "&" becomes "&amp;").
  cwmp::DecodeOptions options;
  options.max_bytes = std::max(options.max_bytes, encoded.size());
  cwmp::Result<cwmp::Envelope> second = cwmp::decodeEnvelope(encoded, options);
  if (!second) __builtin_trap();
  normaliseLikeTheEncoder(*first);
  if (!(*second == *first)) __builtin_trap();
  return 0;
}
