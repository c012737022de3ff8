#include "cwmp/status.h"

namespace cwmp {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::MalformedXml:
      return "malformed_xml";
    case ErrorCode::NotSoapEnvelope:
      return "not_soap_envelope";
    case ErrorCode::UnknownMethod:
      return "unknown_method";
    case ErrorCode::MissingElement:
      return "missing_element";
    case ErrorCode::InvalidValue:
      return "invalid_value";
    case ErrorCode::TooLong:
      return "too_long";
    case ErrorCode::LimitExceeded:
      return "limit_exceeded";
    case ErrorCode::ForbiddenConstruct:
      return "forbidden_construct";
    case ErrorCode::InvalidArgument:
      return "invalid_argument";
  }
  return "unknown_error";
}

namespace {

// The fault number within the 8000 (ACS) or 9000 (CPE) block, per TR-069 A.5.1 (fault
// tables): 0 method not supported, 2 internal error, 3 invalid arguments, 4 resources
// exceeded. The table is repeated in cwmp/doc/tolerance.md.
std::uint32_t faultOffset(ErrorCode code) {
  switch (code) {
    case ErrorCode::UnknownMethod:
      return 0;
    case ErrorCode::LimitExceeded:
      return 4;
    case ErrorCode::MissingElement:
    case ErrorCode::InvalidValue:
    case ErrorCode::TooLong:
    case ErrorCode::InvalidArgument:
      return 3;
    case ErrorCode::MalformedXml:
    case ErrorCode::NotSoapEnvelope:
    case ErrorCode::ForbiddenConstruct:
      return 2;
  }
  return 2;
}

}  // namespace

std::uint32_t Error::acsFaultCode() const { return 8000 + faultOffset(code); }

std::uint32_t Error::cpeFaultCode() const { return 9000 + faultOffset(code); }

}  // namespace cwmp
