// transport/cookie_jar.h: the cookies of one CWMP session.
//
// TR-069 3.4.2 (checklist 1.3): the CPE returns every cookie the ACS set on all later
// requests of the same session, whatever their Path or Domain (interop advice: real ACSs
// set paths that do not match after a redirect), and forgets them when the session ends.
// So this jar ignores Path/Domain matching and lives exactly as long as the session.
//
//   CookieJar jar;
//   jar.store(response.headerValues("Set-Cookie"));
//   if (!jar.empty()) request.emplace_back("Cookie", jar.header());
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpesim {

class CookieJar {
 public:
  // Keeps name=value of each Set-Cookie value, replacing a cookie of the same name. A
  // cookie with Max-Age<=0 or an Expires date before `now` is deleted: that is how servers
  // remove one. Malformed values are ignored.
  void store(const std::vector<std::string_view>& set_cookie_values,
             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  // "a=1; b=2", in the order the cookies were first set.
  std::string header() const;
  bool empty() const { return cookies_.empty(); }
  std::size_t size() const { return cookies_.size(); }
  void clear() { cookies_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> cookies_;
};

}  // namespace cpesim
