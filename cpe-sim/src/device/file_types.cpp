#include "device/file_types.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace cpesim {
namespace {

bool noSpace(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
  });
}

// "X <OUI or VENDOR> <name>" (schema patterns "X [0-9A-F]{6} .+" and "X \S+ .+").
bool isVendorType(std::string_view type) {
  if (!type.starts_with("X ")) return false;
  std::string_view rest = type.substr(2);
  auto space = rest.find(' ');
  if (space == std::string_view::npos) return false;
  return noSpace(rest.substr(0, space)) && space + 1 < rest.size();
}

std::optional<std::uint32_t> positive(std::string_view digits) {
  std::uint32_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n == 0 ||
      digits[0] == '0') {
    return std::nullopt;
  }
  return n;
}

}  // namespace

bool isDownloadFileType(std::string_view type) {
  static constexpr std::array<std::string_view, 5> kStandard = {
      "1 Firmware Upgrade Image", "2 Web Content", "3 Vendor Configuration File", "4 Tone File",
      "5 Ringer File"};
  if (type.size() > 64) return false;
  return std::find(kStandard.begin(), kStandard.end(), type) != kStandard.end() ||
         isVendorType(type);
}

std::optional<std::uint32_t> uploadFileInstance(std::string_view type) {
  for (std::string_view prefix : {"3 Vendor Configuration File ", "4 Vendor Log File "}) {
    if (type.starts_with(prefix)) return positive(type.substr(prefix.size()));
  }
  return std::nullopt;
}

bool isUploadFileType(std::string_view type) {
  if (type.size() > 64) return false;
  return type == "1 Vendor Configuration File" || type == "2 Vendor Log File" ||
         uploadFileInstance(type).has_value() || isVendorType(type);
}

bool isWindowMode(std::string_view mode) {
  return mode == "1 At Any Time" || mode == "2 Immediately" || mode == "3 When Idle" ||
         mode == "4 Confirmation Needed" || isVendorType(mode);
}

std::optional<std::string> urlScheme(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0 || sep + 3 >= url.size()) return std::nullopt;
  std::string scheme;
  for (char c : url.substr(0, sep)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) {
      return std::nullopt;
    }
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return std::nullopt;
  return scheme;
}

}  // namespace cpesim
