#include "acs/src/http/cpe_auth.h"

#include <charconv>
#include <cstdio>
#include <random>
#include <sstream>

#include <Poco/Base64Decoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/HMACEngine.h>
#include <Poco/MD5Engine.h>

namespace acs::http {

namespace {

constexpr std::size_t kMaxTrackedNonces = 50'000;

std::string md5Hex(std::string_view text) {
  Poco::MD5Engine md5;
  md5.update(text.data(), static_cast<unsigned>(text.size()));
  return Poco::DigestEngine::digestToHex(md5.digest());
}

std::string randomHex(std::size_t bytes) {
  std::random_device rd;
  std::string out;
  out.reserve(bytes * 2);
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes; i += 4) {
    std::uint32_t v = rd();
    for (std::size_t j = 0; j < 4 && i + j < bytes; ++j) {
      auto b = static_cast<unsigned char>(v >> (8 * j));
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

// Compares without an early exit, so timing does not reveal how much of a secret matched.
bool constantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string hexMs(store::TimePoint t) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx",
                static_cast<unsigned long long>(t.time_since_epoch().count()));
  return buf;
}

}  // namespace

std::unordered_map<std::string, std::string> parseAuthParams(std::string_view text) {
  std::unordered_map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '\t')) ++i;
    std::size_t key_start = i;
    while (i < text.size() && text[i] != '=' && text[i] != ',') ++i;
    std::string key = lower(trimView(text.substr(key_start, i - key_start)));
    if (i >= text.size() || text[i] != '=') {
      continue;
    }
    ++i;  // '='
    while (i < text.size() && text[i] == ' ') ++i;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value.push_back(text[i]);
        ++i;
      }
      if (i < text.size()) ++i;  // closing quote
    } else {
      std::size_t v_start = i;
      while (i < text.size() && text[i] != ',') ++i;
      value = std::string(trimView(text.substr(v_start, i - v_start)));
    }
    if (!key.empty()) out[key] = value;
  }
  return out;
}

CpeAuthenticator::CpeAuthenticator(CpeAuthConfig config, std::string nonce_secret)
    : config_(std::move(config)),
      secret_(nonce_secret.empty() ? randomHex(32) : std::move(nonce_secret)) {}

std::string CpeAuthenticator::makeNonce(store::TimePoint now) const {
  std::string payload = hexMs(now) + ":" + randomHex(8);
  Poco::HMACEngine<Poco::MD5Engine> hmac(secret_);
  std::string signed_text = payload + ":" + config_.realm;
  hmac.update(signed_text.data(), static_cast<unsigned>(signed_text.size()));
  return payload + ":" + Poco::DigestEngine::digestToHex(hmac.digest());
}

int CpeAuthenticator::verifyNonce(std::string_view nonce, store::TimePoint now) const {
  auto last = nonce.rfind(':');
  if (last == std::string_view::npos || nonce.size() > 200) return 2;
  std::string_view payload = nonce.substr(0, last);
  auto first = payload.find(':');
  if (first == std::string_view::npos) return 2;
  Poco::HMACEngine<Poco::MD5Engine> hmac(secret_);
  std::string signed_text = std::string(payload) + ":" + config_.realm;
  hmac.update(signed_text.data(), static_cast<unsigned>(signed_text.size()));
  if (!constantTimeEquals(Poco::DigestEngine::digestToHex(hmac.digest()), nonce.substr(last + 1))) {
    return 2;
  }
  unsigned long long issued = 0;
  auto [p, ec] = std::from_chars(payload.data(), payload.data() + first, issued, 16);
  if (ec != std::errc() || p != payload.data() + first) return 2;
  const auto age = now.time_since_epoch().count() - static_cast<long long>(issued);
  if (age < -60'000 || age > static_cast<long long>(config_.nonce_lifetime_s) * 1000) return 1;
  return 0;
}

bool CpeAuthenticator::acceptNonceCount(const std::string& nonce, std::uint32_t nc) {
  std::lock_guard lock(mutex_);
  auto it = nonce_counts_.find(nonce);
  if (it == nonce_counts_.end()) {
    nonce_counts_.emplace(nonce, nc);
    nonce_order_.push_back(nonce);
    while (nonce_order_.size() > kMaxTrackedNonces) {
      nonce_counts_.erase(nonce_order_.front());
      nonce_order_.pop_front();
    }
    return true;
  }
  if (nc <= it->second) return false;
  it->second = nc;
  return true;
}

std::string CpeAuthenticator::challenge(store::TimePoint now, bool stale) const {
  if (config_.mode == CpeAuthMode::Basic) return "Basic realm=\"" + config_.realm + "\"";
  std::string h = "Digest realm=\"" + config_.realm + "\", qop=\"auth\", nonce=\"" +
                  makeNonce(now) + "\", opaque=\"" + md5Hex(config_.realm) + "\", algorithm=MD5";
  if (stale) h += ", stale=true";
  return h;
}

std::string CpeAuthenticator::passwordFor(const std::string& username, bool& per_device,
                                          bool& found) const {
  auto it = config_.per_device.find(username);
  if (it != config_.per_device.end()) {
    per_device = true;
    found = true;
    return it->second;
  }
  per_device = false;
  found = !config_.username.empty() && username == config_.username;
  return found ? config_.password : std::string();
}

AuthResult CpeAuthenticator::check(std::string_view method, std::string_view uri,
                                   std::string_view authorization, store::TimePoint now) {
  AuthResult result;
  if (!enabled()) {
    result.kind = AuthResult::Kind::Ok;
    return result;
  }
  auto deny = [&](std::string reason, bool stale = false) {
    AuthResult r;
    r.kind = AuthResult::Kind::Challenge;
    r.www_authenticate = challenge(now, stale);
    r.reason = std::move(reason);
    return r;
  };
  authorization = trimView(authorization);
  if (authorization.empty()) return deny("no credentials");
  auto space = authorization.find(' ');
  std::string scheme = lower(authorization.substr(0, space));
  std::string_view rest =
      space == std::string_view::npos ? std::string_view() : authorization.substr(space + 1);

  if (scheme == "basic") {
    if (config_.mode != CpeAuthMode::Basic)
      return deny("Basic credentials where Digest is required");
    std::istringstream in{std::string(trimView(rest))};
    Poco::Base64Decoder decoder(in);
    std::string decoded;
    char c = 0;
    try {
      while (decoder.get(c)) {
        decoded.push_back(c);
        if (decoded.size() > 1024) return deny("Basic credentials too long");
      }
    } catch (const Poco::Exception&) {
      return deny("malformed Basic credentials");
    }
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return deny("malformed Basic credentials");
    std::string user = decoded.substr(0, colon);
    bool per_device = false;
    bool found = false;
    std::string password = passwordFor(user, per_device, found);
    // Compare even for unknown users so timing does not tell which usernames exist.
    bool match = constantTimeEquals(password, std::string_view(decoded).substr(colon + 1));
    if (!found || !match) return deny("wrong username or password for '" + user + "'");
    result.kind = AuthResult::Kind::Ok;
    result.username = user;
    result.per_device = per_device;
    return result;
  }

  if (scheme != "digest" || config_.mode != CpeAuthMode::Digest) {
    return deny("unsupported authentication scheme '" + scheme + "'");
  }
  auto params = parseAuthParams(rest);
  const std::string& user = params["username"];
  const std::string& nonce = params["nonce"];
  const std::string& response = params["response"];
  const std::string& digest_uri = params["uri"];
  const std::string& qop = params["qop"];
  const std::string& nc_text = params["nc"];
  const std::string& cnonce = params["cnonce"];
  std::string algorithm = lower(params["algorithm"]);
  if (user.empty() || nonce.empty() || response.empty())
    return deny("incomplete Digest credentials");
  if (params["realm"] != config_.realm) return deny("Digest realm mismatch");
  if (!algorithm.empty() && algorithm != "md5" && algorithm != "md5-sess") {
    return deny("unsupported Digest algorithm '" + algorithm + "'");
  }
  // The digest covers the request-URI as the client sent it; accept it when it names the
  // same path (some CPEs send the absolute URL).
  if (digest_uri != uri) {
    auto scheme_end = digest_uri.find("://");
    std::string path = digest_uri;
    if (scheme_end != std::string::npos) {
      auto slash = digest_uri.find('/', scheme_end + 3);
      path = slash == std::string::npos ? "/" : digest_uri.substr(slash);
    }
    if (path != uri) return deny("Digest uri does not match the request");
  }
  int nonce_state = verifyNonce(nonce, now);
  if (nonce_state == 2) return deny("unknown or forged nonce");
  if (nonce_state == 1) return deny("stale nonce", /*stale=*/true);

  bool per_device = false;
  bool found = false;
  std::string password = passwordFor(user, per_device, found);
  std::string ha1 = md5Hex(user + ":" + config_.realm + ":" + password);
  if (algorithm == "md5-sess") ha1 = md5Hex(ha1 + ":" + nonce + ":" + cnonce);
  std::string ha2 = md5Hex(std::string(method) + ":" + digest_uri);
  std::string expected;
  if (qop.empty()) {
    expected = md5Hex(ha1 + ":" + nonce + ":" + ha2);  // RFC 2069 compatibility
  } else if (lower(qop) == "auth") {
    expected = md5Hex(ha1 + ":" + nonce + ":" + nc_text + ":" + cnonce + ":" + qop + ":" + ha2);
  } else {
    return deny("unsupported qop '" + qop + "'");
  }
  if (!found || !constantTimeEquals(expected, lower(response))) {
    return deny("wrong username or password for '" + user + "'");
  }
  if (!qop.empty()) {
    std::uint32_t nc = 0;
    auto [p, ec] = std::from_chars(nc_text.data(), nc_text.data() + nc_text.size(), nc, 16);
    if (nc_text.empty() || ec != std::errc() || p != nc_text.data() + nc_text.size()) {
      return deny("malformed nonce count");
    }
    if (!acceptNonceCount(nonce, nc)) return deny("nonce count replayed", /*stale=*/true);
  }
  result.kind = AuthResult::Kind::Ok;
  result.username = user;
  result.per_device = per_device;
  return result;
}

bool CpeAuthenticator::mayActAs(const AuthResult& result, const std::string& oui,
                                const std::string& product_class,
                                const std::string& serial_number) {
  if (!result.per_device) return true;
  return result.username == store::makeDeviceId(oui, product_class, serial_number) ||
         result.username == store::makeDeviceId(oui, "", serial_number);
}

}  // namespace acs::http
