#include "transport/cookie_jar.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "transport/http_parser.h"

namespace cpesim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void CookieJar::store(const std::vector<std::string_view>& set_cookie_values,
                      std::chrono::system_clock::time_point now) {
  for (std::string_view value : set_cookie_values) {
    std::size_t semicolon = value.find(';');
    std::string_view pair = trim(value.substr(0, semicolon));
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;  // RFC 6265 5.2: ignore it
    std::string name(trim(pair.substr(0, eq)));
    std::string cookie_value(trim(pair.substr(eq + 1)));
    // Quotes around a value belong to it (RFC 6265 4.1.1) and go back as they came.
    bool remove = false;
    std::string_view attributes =
        semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
    while (!attributes.empty()) {
      std::size_t next = attributes.find(';');
      std::string_view attribute = trim(attributes.substr(0, next));
      std::size_t attr_eq = attribute.find('=');
      std::string_view attr_name = trim(attribute.substr(0, attr_eq));
      std::string_view attr_value =
          attr_eq == std::string_view::npos ? std::string_view() : trim(attribute.substr(attr_eq + 1));
      if (equalsIgnoreCase(attr_name, "Max-Age")) {
        long long seconds = 0;
        auto [end, ec] =
            std::from_chars(attr_value.data(), attr_value.data() + attr_value.size(), seconds);
        if (ec == std::errc() && end == attr_value.data() + attr_value.size() && seconds <= 0) {
          remove = true;
        }
      } else if (equalsIgnoreCase(attr_name, "Expires")) {
        Poco::DateTime expires;
        int zone = 0;
        if (Poco::DateTimeParser::tryParse(std::string(attr_value), expires, zone) &&
            expires.timestamp().epochMicroseconds() - std::int64_t{zone} * 1000000 <
                std::chrono::duration_cast<std::chrono::microseconds>(
                    now.time_since_epoch()).count()) {
          remove = true;
        }
      }
      if (next == std::string_view::npos) break;
      attributes.remove_prefix(next + 1);
    }
    auto it = std::find_if(cookies_.begin(), cookies_.end(),
                           [&](const auto& cookie) { return cookie.first == name; });
    if (remove) {
      if (it != cookies_.end()) cookies_.erase(it);
    } else if (it != cookies_.end()) {
      it->second = std::move(cookie_value);
    } else {
      cookies_.emplace_back(std::move(name), std::move(cookie_value));
    }
  }
}

std::string CookieJar::header() const {
  std::string out;
  for (const auto& [name, value] : cookies_) {
    if (!out.empty()) out += "; ";
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace cpesim
