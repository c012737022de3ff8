// cwmp/value.h: the XML Schema simple types CWMP parameter values use.
//
// A decoded value keeps its original text (so a round trip loses nothing) and its type
// name; these functions turn the text into typed values and back, with the tolerance real
// CPEs need (surrounding whitespace, `1`/`0` booleans, dateTimes without a zone).
//
//   if (auto b = cwmp::parseBoolean(p.value)) enabled = *b;
//   auto t = cwmp::parseDateTime("2024-01-01T10:00:00.123456+02:00");  // t->microsecond == 123456
//   std::string now = cwmp::formatDateTime(std::chrono::system_clock::now());
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwmp {

enum class ValueType : std::uint8_t {
  Unspecified,  // no xsi:type was sent; treat as string
  String,
  Int,
  UnsignedInt,
  Long,
  UnsignedLong,
  Boolean,
  DateTime,
  Base64,
  HexBinary,
  Other,  // a type name we do not interpret; the text is still kept
};

// "xsd:int" (any prefix already normalised to "xsd:") -> ValueType::Int; "" -> Unspecified.
ValueType valueTypeFromName(std::string_view type_name);
// ValueType::Int -> "xsd:int"; Unspecified and Other -> "xsd:string".
std::string_view valueTypeName(ValueType type);

// Each parser trims XML whitespace (space, tab, CR, LF) around the text and rejects
// anything else that is not in the type's lexical space or range.
std::optional<bool> parseBoolean(std::string_view text);  // true/false/1/0
std::optional<std::int32_t> parseInt(std::string_view text);
std::optional<std::uint32_t> parseUnsignedInt(std::string_view text);
std::optional<std::int64_t> parseLong(std::string_view text);
std::optional<std::uint64_t> parseUnsignedLong(std::string_view text);

// The Unknown Time of TR-069 (A.2.2 / TR-106 3.2.2): "no absolute time known".
inline constexpr std::string_view kUnknownTime = "0001-01-01T00:00:00Z";

struct DateTime {
  int year = 1;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::uint32_t microsecond = 0;          // fractional seconds beyond 6 digits are dropped
  std::optional<int> utc_offset_minutes;  // absent: no zone given (local time of the CPE)

  // True for 0001-01-01T00:00:00 with any zone: TR-069's Unknown Time.
  bool isUnknown() const;
  // The instant, taking an absent zone as UTC. Years before 1970 are fine.
  std::chrono::sys_time<std::chrono::microseconds> toSysTime() const;
  bool operator==(const DateTime&) const = default;
};

// Accepts YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm], trimming whitespace.
std::optional<DateTime> parseDateTime(std::string_view text);
// Formats as YYYY-MM-DDThh:mm:ss[.ffffff][zone]; fractions only when non-zero.
std::string formatDateTime(const DateTime& value);
// Formats an instant as UTC with a `Z` zone and no fraction, e.g. 2024-01-01T00:00:00Z.
std::string formatDateTime(std::chrono::system_clock::time_point instant);

// RFC 4648 base64 (whitespace inside is ignored on decode) and hexBinary (either case).
std::optional<std::string> decodeBase64(std::string_view text);
std::string encodeBase64(std::string_view bytes);
std::optional<std::string> decodeHexBinary(std::string_view text);
std::string encodeHexBinary(std::string_view bytes);

// True when `text` is in the lexical space of `type` (Unspecified/String/Other: always).
// A CPE uses this to choose between fault 9006 (wrong type) and accepting a value.
bool isValidValue(ValueType type, std::string_view text);

}  // namespace cwmp
