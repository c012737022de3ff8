// cwmp/codec.h: SOAP envelope bytes <-> cwmp::Envelope. Pure: no IO, no clocks, no logging,
// no global state; safe to call from many threads at once.
//
//   cwmp::Result<cwmp::Envelope> in = cwmp::decodeEnvelope(http_body);
//   if (!in) { /* in.error().message names the element and byte offset */ }
//   cwmp::Envelope out{.ns = in->ns};
//   out.header.id = in->header.id;
//   out.body = cwmp::InformResponse{};
//   std::string reply = cwmp::encodeEnvelope(out);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cwmp {

struct DecodeOptions {
  std::size_t max_bytes = std::size_t{8} * 1024 * 1024;  // whole envelope
  std::size_t max_depth = 32;               // element nesting
  std::size_t max_items = 200'000;          // entries in any one array (e.g. ParameterList)
  // Reject strings longer than the schema limits of messages.h (CommandKey 32, names 256..).
  bool enforce_string_limits = true;
};

// Parses one SOAP 1.1 envelope. Never throws, never performs IO. Tolerant of what real
// CPEs and ACSs send (documented in cwmp/doc/tolerance.md): any prefixes, cwmp-1-0..1-4,
// 1999 XML Schema namespaces, missing or extra xsi:type, lying array counts, unknown extra
// elements, children in any order, surrounding whitespace in numbers and booleans.
// Rejects DTDs, entity declarations and processing instructions. On error, the Error
// names the first offending element and its byte offset.
Result<Envelope> decodeEnvelope(std::string_view xml, const DecodeOptions& options = {});

struct EncodeOptions {
  bool xml_declaration = false;           // prepend <?xml version="1.0" encoding="UTF-8"?>
  std::string_view soap_env_prefix = "SOAP-ENV";
  std::string_view soap_enc_prefix = "SOAP-ENC";
  std::string_view cwmp_prefix = "cwmp";
  // Deliberate deviations, used by the simulator's quirks and by conformance tests.
  bool omit_value_types = false;     // no xsi:type on Value elements
  int array_count_delta = 0;         // arrayType counts that lie by this much
  bool zero_pad_array_counts = false;  // "[0008]" instead of "[8]"
};

// Serialises `envelope` and appends it to `out`. Deterministic: the same envelope and
// options always give the same bytes (fixed prefixes, attribute order, no whitespace
// between elements). Every Value gets an xsi:type ("xsd:string" when its type is empty).
void encodeEnvelope(const Envelope& envelope, std::string& out, const EncodeOptions& options = {});
std::string encodeEnvelope(const Envelope& envelope, const EncodeOptions& options = {});

}  // namespace cwmp
