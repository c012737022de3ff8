// cwmp/status.h: error values for code that must not throw across its API.
//
// The codec and the pure state machines return `Result<T>`: either a value or an `Error`
// that names what went wrong (an `ErrorCode`), where (element path and byte offset, for
// decode errors) and which CWMP fault the receiver should answer with.
//
//   cwmp::Result<cwmp::Envelope> r = cwmp::decodeEnvelope(body);
//   if (!r) return reply(cwmp::makeFault(r.error().acsFaultCode(), r.error().message));
//   handle(*r);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cwmp {

// What went wrong, in protocol terms rather than C++ terms.
enum class ErrorCode : std::uint8_t {
  MalformedXml,      // not well-formed XML, or truncated
  NotSoapEnvelope,   // well-formed, but not a SOAP 1.1 Envelope with one Body
  UnknownMethod,     // the Body holds an element that is not a CWMP RPC we know
  MissingElement,    // a required element is absent
  InvalidValue,      // an element's text does not parse as its schema type
  TooLong,           // a string is longer than the schema allows
  LimitExceeded,     // envelope size, nesting depth or item count over DecodeOptions
  ForbiddenConstruct,  // DTD, entity declaration or processing instruction
  InvalidArgument,   // a caller passed something unusable (e.g. JSON that names no method)
};

// Returns a stable lower-case name for `code`, e.g. "malformed_xml".
std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::MalformedXml;
  std::string message;     // human-readable, names the element and offset where known
  std::string element;     // path of the offending element, e.g. "Inform/DeviceId/OUI"
  std::size_t offset = 0;  // byte offset into the input where the problem was seen
  // The envelope's cwmp:ID when the SOAP Header was read before the problem was found (an
  // unknown method or a bad argument in the Body), so the fault in reply can echo it.
  std::optional<std::string> header_id;

  // The CWMP fault an ACS answers with when a CPE sent this input (TR-069 A.5):
  // 8000 for an unknown method, 8004 for resource limits, 8003 for invalid arguments,
  // 8002 otherwise.
  std::uint32_t acsFaultCode() const;
  // The CWMP fault a CPE answers with when the ACS sent this input: 9000, 9004, 9003, 9002
  // by the same rule.
  std::uint32_t cpeFaultCode() const;

  bool operator==(const Error&) const = default;
};

// A value of type T or an Error. Cheap to move; never throws on access misuse in release
// builds, so callers must check ok() first.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}       // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace cwmp
