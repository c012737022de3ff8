#include "cwmp/value.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <system_error>

namespace cwmp {

namespace {

constexpr bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimXmlSpace(std::string_view text) {
  while (!text.empty() && isXmlSpace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && isXmlSpace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

constexpr bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses all of `text` (already trimmed) as a decimal integer of type T. XML Schema allows a
// leading '+' on every integer type and a leading '-' on unsigned ones only for zero ("-0").
template <class T>
std::optional<T> parseInteger(std::string_view text) {
  text = trimXmlSpace(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !isDigit(text.front())) {
    return std::nullopt;
  }
  if constexpr (std::numeric_limits<T>::is_signed) {
    // Parse the magnitude as unsigned so that the most negative value fits.
    using U = std::make_unsigned_t<T>;
    U magnitude = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return std::nullopt;
    }
    const U max_positive = static_cast<U>(std::numeric_limits<T>::max());
    if (negative) {
      if (magnitude > max_positive + 1) {
        return std::nullopt;
      }
      if (magnitude == max_positive + 1) {
        return std::numeric_limits<T>::min();
      }
      return static_cast<T>(-static_cast<T>(magnitude));
    }
    if (magnitude > max_positive) {
      return std::nullopt;
    }
    return static_cast<T>(magnitude);
  } else {
    T value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return std::nullopt;
    }
    if (negative && value != 0) {
      return std::nullopt;
    }
    return value;
  }
}

// Reads exactly `count` digits at `pos` into `out`; advances `pos`.
bool readDigits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!isDigit(c)) {
      return false;
    }
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += count;
  return true;
}

bool expectChar(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) {
    return false;
  }
  ++pos;
  return true;
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && isLeapYear(year)) {
    return 29;
  }
  return kDays[static_cast<std::size_t>(month - 1)];
}

// Base64 alphabet value of `c`, or -1.
int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

struct TypeName {
  std::string_view name;
  ValueType type;
};

// The xsd: names TR-069 A.2.1 uses for parameter values. "xsd:base64" is what CWMP peers
// send (TR-069 names the type "base64"); XML Schema's own "xsd:base64Binary" is accepted too.
constexpr std::array<TypeName, 10> kTypeNames = {{
    {"xsd:string", ValueType::String},
    {"xsd:int", ValueType::Int},
    {"xsd:unsignedInt", ValueType::UnsignedInt},
    {"xsd:long", ValueType::Long},
    {"xsd:unsignedLong", ValueType::UnsignedLong},
    {"xsd:boolean", ValueType::Boolean},
    {"xsd:dateTime", ValueType::DateTime},
    {"xsd:base64", ValueType::Base64},
    {"xsd:base64Binary", ValueType::Base64},
    {"xsd:hexBinary", ValueType::HexBinary},
}};

}  // namespace

ValueType valueTypeFromName(std::string_view type_name) {
  if (type_name.empty()) {
    return ValueType::Unspecified;
  }
  for (const TypeName& entry : kTypeNames) {
    if (entry.name == type_name) {
      return entry.type;
    }
  }
  return ValueType::Other;
}

std::string_view valueTypeName(ValueType type) {
  switch (type) {
    case ValueType::Int:
      return "xsd:int";
    case ValueType::UnsignedInt:
      return "xsd:unsignedInt";
    case ValueType::Long:
      return "xsd:long";
    case ValueType::UnsignedLong:
      return "xsd:unsignedLong";
    case ValueType::Boolean:
      return "xsd:boolean";
    case ValueType::DateTime:
      return "xsd:dateTime";
    case ValueType::Base64:
      return "xsd:base64";
    case ValueType::HexBinary:
      return "xsd:hexBinary";
    case ValueType::Unspecified:
    case ValueType::String:
    case ValueType::Other:
      return "xsd:string";
  }
  return "xsd:string";
}

std::optional<bool> parseBoolean(std::string_view text) {
  text = trimXmlSpace(text);
  if (text == "true" || text == "1") {
    return true;
  }
  if (text == "false" || text == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::int32_t> parseInt(std::string_view text) {
  return parseInteger<std::int32_t>(text);
}

std::optional<std::uint32_t> parseUnsignedInt(std::string_view text) {
  return parseInteger<std::uint32_t>(text);
}

std::optional<std::int64_t> parseLong(std::string_view text) {
  return parseInteger<std::int64_t>(text);
}

std::optional<std::uint64_t> parseUnsignedLong(std::string_view text) {
  return parseInteger<std::uint64_t>(text);
}

bool DateTime::isUnknown() const {
  return year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
         microsecond == 0;
}

std::chrono::sys_time<std::chrono::microseconds> DateTime::toSysTime() const {
  using namespace std::chrono;
  const sys_days date{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                      std::chrono::day{static_cast<unsigned>(day)}};
  sys_time<microseconds> t = date;
  t += hours{hour} + minutes{minute} + seconds{second} + microseconds{microsecond};
  if (utc_offset_minutes) {
    t -= minutes{*utc_offset_minutes};
  }
  return t;
}

std::optional<DateTime> parseDateTime(std::string_view text) {
  text = trimXmlSpace(text);
  DateTime dt;
  std::size_t pos = 0;
  // Year: exactly four digits. XML Schema allows longer and negative years; CWMP peers
  // never send them and std::chrono::year stops at 32767.
  if (!readDigits(text, pos, 4, dt.year) || dt.year == 0) {
    return std::nullopt;
  }
  if (!expectChar(text, pos, '-') || !readDigits(text, pos, 2, dt.month) ||
      !expectChar(text, pos, '-') || !readDigits(text, pos, 2, dt.day) ||
      !expectChar(text, pos, 'T') || !readDigits(text, pos, 2, dt.hour) ||
      !expectChar(text, pos, ':') || !readDigits(text, pos, 2, dt.minute) ||
      !expectChar(text, pos, ':') || !readDigits(text, pos, 2, dt.second)) {
    return std::nullopt;
  }
  if (dt.month < 1 || dt.month > 12) {
    return std::nullopt;
  }
  if (dt.day < 1 || dt.day > daysInMonth(dt.year, dt.month)) {
    return std::nullopt;
  }
  if (dt.hour > 23 || dt.minute > 59 || dt.second > 59) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    std::uint32_t micro = 0;
    while (pos < text.size() && isDigit(text[pos])) {
      if (digits < 6) {
        micro = micro * 10 + static_cast<std::uint32_t>(text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (std::size_t i = digits; i < 6; ++i) {
      micro *= 10;
    }
    dt.microsecond = micro;
  }
  if (pos == text.size()) {
    return dt;
  }
  if (text[pos] == 'Z') {
    dt.utc_offset_minutes = 0;
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0;
    int om = 0;
    if (!readDigits(text, pos, 2, oh) || !expectChar(text, pos, ':') ||
        !readDigits(text, pos, 2, om)) {
      return std::nullopt;
    }
    if (oh > 14 || om > 59 || (oh == 14 && om != 0)) {
      return std::nullopt;
    }
    dt.utc_offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return dt;
}

std::string formatDateTime(const DateTime& value) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", value.year, value.month,
                        value.day, value.hour, value.minute, value.second);
  std::string out(buf, static_cast<std::size_t>(n));
  if (value.microsecond != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06u", static_cast<unsigned>(value.microsecond % 1000000));
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (value.utc_offset_minutes) {
    const int offset = *value.utc_offset_minutes;
    if (offset == 0) {
      out += 'Z';
    } else {
      const int magnitude = offset < 0 ? -offset : offset;
      n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 60,
                        magnitude % 60);
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  return out;
}

std::string formatDateTime(std::chrono::system_clock::time_point instant) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(instant);
  const auto days = floor<std::chrono::days>(secs);
  const year_month_day ymd{days};
  const hh_mm_ss<seconds> tod{secs - days};
  DateTime dt;
  dt.year = static_cast<int>(ymd.year());
  dt.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  dt.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  dt.hour = static_cast<int>(tod.hours().count());
  dt.minute = static_cast<int>(tod.minutes().count());
  dt.second = static_cast<int>(tod.seconds().count());
  dt.utc_offset_minutes = 0;
  return formatDateTime(dt);
}

std::optional<std::string> decodeBase64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t accumulator = 0;
  int bits = 0;
  std::size_t symbols = 0;  // alphabet characters and '=' seen, whitespace excluded
  std::size_t padding = 0;
  for (char c : text) {
    if (isXmlSpace(c)) {
      continue;
    }
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    const int v = base64Value(c);
    if (v < 0 || padding > 0) {
      return std::nullopt;  // junk, or data after padding
    }
    ++symbols;
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xFFu));
    }
  }
  if (symbols % 4 != 0 || padding > 2) {
    return std::nullopt;
  }
  // Padding only completes the last quantum: 2 data symbols + "==" or 3 + "=".
  if (padding > 0 && (symbols - padding) % 4 != 4 - padding) {
    return std::nullopt;
  }
  return out;
}

std::string encodeBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kAlphabet[(n >> 18) & 63u]);
    out.push_back(kAlphabet[(n >> 12) & 63u]);
    out.push_back(kAlphabet[(n >> 6) & 63u]);
    out.push_back(kAlphabet[n & 63u]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) {
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out.push_back(kAlphabet[(n >> 18) & 63u]);
    out.push_back(kAlphabet[(n >> 12) & 63u]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63u] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> decodeHexBinary(std::string_view text) {
  text = trimXmlSpace(text);
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hexValue(text[i]);
    const int lo = hexValue(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string encodeHexBinary(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0Fu]);
  }
  return out;
}

bool isValidValue(ValueType type, std::string_view text) {
  switch (type) {
    case ValueType::Unspecified:
    case ValueType::String:
    case ValueType::Other:
      return true;
    case ValueType::Int:
      return parseInt(text).has_value();
    case ValueType::UnsignedInt:
      return parseUnsignedInt(text).has_value();
    case ValueType::Long:
      return parseLong(text).has_value();
    case ValueType::UnsignedLong:
      return parseUnsignedLong(text).has_value();
    case ValueType::Boolean:
      return parseBoolean(text).has_value();
    case ValueType::DateTime:
      return parseDateTime(text).has_value();
    case ValueType::Base64:
      return decodeBase64(text).has_value();
    case ValueType::HexBinary:
      return decodeHexBinary(text).has_value();
  }
  return false;
}

}  // namespace cwmp
