#include "transport/http_auth.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <charconv>
#include <cstdio>
#include <sstream>

#include "transport/http_parser.h"

namespace cpesim {
namespace {

std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool isTokenChar(char c) {
  return c > 32 && c < 127 && std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
}

void skipSpace(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string_view readToken(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && isTokenChar(s[i])) ++i;
  return s.substr(start, i - start);
}

// Parses one header value into challenges appended to `out`.
void parseOne(std::string_view s, std::vector<AuthChallenge>& out) {
  std::size_t i = 0;
  AuthChallenge* current = nullptr;
  while (i < s.size()) {
    skipSpace(s, i);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    std::string_view token = readToken(s, i);
    if (token.empty()) {
      ++i;  // junk character: skip it
      continue;
    }
    std::size_t after = i;
    skipSpace(s, after);
    if (after < s.size() && s[after] == '=') {
      // name=value (a token68 of Basic credentials also contains '='; it has no value
      // after the '=' run, which the value parser below returns as empty).
      i = after + 1;
      while (i < s.size() && s[i] == '=') ++i;
      skipSpace(s, i);
      std::string value;
      if (i < s.size() && s[i] == '"') {
        ++i;
        while (i < s.size() && s[i] != '"') {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          value += s[i++];
        }
        if (i < s.size()) ++i;  // closing quote
      } else {
        std::size_t start = i;
        while (i < s.size() && s[i] != ',' && s[i] != ' ' && s[i] != '\t') ++i;
        value = std::string(s.substr(start, i - start));
      }
      if (current != nullptr) current->params[lowerCase(token)] = std::move(value);
      continue;
    }
    // A token not followed by '=' starts a new challenge (the scheme name).
    out.push_back(AuthChallenge{std::string(token), {}});
    current = &out.back();
  }
}

std::string base64(std::string_view text) {
  std::ostringstream stream;
  Poco::Base64Encoder encoder(stream);
  encoder.rdbuf()->setLineLength(0);
  encoder << text;
  encoder.close();
  return stream.str();
}

std::string hex8(std::uint32_t value) {
  char buffer[9];
  std::snprintf(buffer, sizeof buffer, "%08x", value);
  return buffer;
}

std::string randomHex(std::mt19937_64& rng) {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buffer;
}

bool qopOffersAuth(std::string_view qop) {
  while (!qop.empty()) {
    std::size_t comma = qop.find(',');
    std::string_view item = qop.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (equalsIgnoreCase(item, "auth")) return true;
    if (comma == std::string_view::npos) break;
    qop.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string AuthChallenge::param(std::string_view name) const {
  auto it = params.find(lowerCase(name));
  return it == params.end() ? std::string() : it->second;
}

std::vector<AuthChallenge> parseAuthChallenges(const std::vector<std::string_view>& header_values) {
  std::vector<AuthChallenge> out;
  for (std::string_view value : header_values) parseOne(value, out);
  return out;
}

std::string md5Hex(std::string_view text) {
  Poco::MD5Engine engine;
  engine.update(text.data(), static_cast<unsigned>(text.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// ---------------------------------------------------------------------------------------

ClientAuthenticator::ClientAuthenticator(std::string username, std::string password,
                                         std::uint64_t cnonce_seed)
    : username_(std::move(username)), password_(std::move(password)), rng_state_(cnonce_seed) {}

std::uint64_t ClientAuthenticator::nextRandom() {
  std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string ClientAuthenticator::newCnonce() {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(nextRandom()),
                static_cast<unsigned long long>(nextRandom()));
  return buffer;
}

void ClientAuthenticator::reset() {
  scheme_ = Scheme::None;
  sent_since_challenge_ = false;
  refused_once_ = false;
  nonce_count_ = 0;
}

void ClientAuthenticator::newConnection() { cnonce_.clear(); }

bool ClientAuthenticator::acceptChallenges(const std::vector<std::string_view>& www_authenticate) {
  std::vector<AuthChallenge> challenges = parseAuthChallenges(www_authenticate);
  const AuthChallenge* digest = nullptr;
  const AuthChallenge* basic = nullptr;
  for (const AuthChallenge& c : challenges) {
    if (equalsIgnoreCase(c.scheme, "Digest") && digest == nullptr) {
      std::string algorithm = c.param("algorithm");
      std::string qop = c.param("qop");
      bool algorithm_ok = algorithm.empty() || equalsIgnoreCase(algorithm, "MD5") ||
                          equalsIgnoreCase(algorithm, "MD5-sess");
      bool qop_ok = qop.empty() || qopOffersAuth(qop);
      if (algorithm_ok && qop_ok && !c.param("nonce").empty()) digest = &c;
    } else if (equalsIgnoreCase(c.scheme, "Basic") && basic == nullptr) {
      basic = &c;
    }
  }
  const bool stale = digest != nullptr && equalsIgnoreCase(digest->param("stale"), "true");
  // Credentials already sent since the last challenge and refused again: a wrong password.
  // One more attempt is allowed only when the server says the nonce was merely stale.
  if (sent_since_challenge_ && !stale) {
    if (refused_once_) return false;
    refused_once_ = true;
  }
  sent_since_challenge_ = false;
  if (digest != nullptr) {
    scheme_ = Scheme::Digest;
    realm_ = digest->param("realm");
    if (nonce_ != digest->param("nonce")) nonce_count_ = 0;
    nonce_ = digest->param("nonce");
    opaque_ = digest->param("opaque");
    algorithm_ = digest->param("algorithm");
    qop_auth_ = !digest->param("qop").empty();
    return true;
  }
  if (basic != nullptr) {
    scheme_ = Scheme::Basic;
    realm_ = basic->param("realm");
    return true;
  }
  return false;
}

std::string ClientAuthenticator::authorization(std::string_view method, std::string_view uri) {
  sent_since_challenge_ = true;
  if (scheme_ == Scheme::Basic) return "Basic " + base64(username_ + ":" + password_);
  if (scheme_ != Scheme::Digest) return {};
  if (cnonce_.empty()) cnonce_ = newCnonce();
  ++nonce_count_;
  const std::string nc = hex8(nonce_count_);
  std::string ha1 = md5Hex(username_ + ":" + realm_ + ":" + password_);
  if (equalsIgnoreCase(algorithm_, "MD5-sess")) ha1 = md5Hex(ha1 + ":" + nonce_ + ":" + cnonce_);
  const std::string ha2 = md5Hex(std::string(method) + ":" + std::string(uri));
  const std::string response =
      qop_auth_ ? md5Hex(ha1 + ":" + nonce_ + ":" + nc + ":" + cnonce_ + ":auth:" + ha2)
                : md5Hex(ha1 + ":" + nonce_ + ":" + ha2);
  std::string out = "Digest username=\"" + username_ + "\", realm=\"" + realm_ + "\", nonce=\"" +
                    nonce_ + "\", uri=\"" + std::string(uri) + "\", response=\"" + response + "\"";
  if (!algorithm_.empty()) out += ", algorithm=" + algorithm_;
  if (!opaque_.empty()) out += ", opaque=\"" + opaque_ + "\"";
  if (qop_auth_) out += ", qop=auth, nc=" + nc + ", cnonce=\"" + cnonce_ + "\"";
  return out;
}

// ---------------------------------------------------------------------------------------

DigestServer::DigestServer(std::string realm, std::uint64_t seed,
                           std::int64_t nonce_lifetime_seconds)
    : realm_(std::move(realm)), rng_(seed), lifetime_(nonce_lifetime_seconds) {}

void DigestServer::expire(std::int64_t now_seconds) {
  for (auto it = nonces_.begin(); it != nonces_.end();) {
    if (now_seconds - it->second.issued > lifetime_) {
      it = nonces_.erase(it);
    } else {
      ++it;
    }
  }
}

std::string DigestServer::challenge(std::int64_t now_seconds, bool stale) {
  expire(now_seconds);
  // Bound the table: an ACS hammering the listener without answering challenges must not
  // grow memory without limit. The oldest nonces go first.
  while (nonces_.size() >= 10000) {
    auto oldest = nonces_.begin();
    for (auto it = nonces_.begin(); it != nonces_.end(); ++it) {
      if (it->second.issued < oldest->second.issued) oldest = it;
    }
    nonces_.erase(oldest);
  }
  std::string nonce = randomHex(rng_);
  nonces_[nonce] = NonceState{now_seconds, 0};
  std::string out = "Digest realm=\"" + realm_ + "\", qop=\"auth\", algorithm=MD5, nonce=\"" +
                    nonce + "\", opaque=\"" + md5Hex(realm_) + "\"";
  if (stale) out += ", stale=true";
  return out;
}

DigestServer::Verdict DigestServer::verify(std::string_view authorization, std::string_view method,
                                           std::string_view uri, std::string_view username,
                                           std::string_view password, std::int64_t now_seconds) {
  if (authorization.empty()) return Verdict::Missing;
  std::vector<AuthChallenge> parsed = parseAuthChallenges({authorization});
  if (parsed.empty() || !equalsIgnoreCase(parsed.front().scheme, "Digest")) {
    return Verdict::Malformed;
  }
  const AuthChallenge& a = parsed.front();
  const std::string nonce = a.param("nonce");
  const std::string response = a.param("response");
  const std::string qop = a.param("qop");
  const std::string algorithm = a.param("algorithm");
  if (nonce.empty() || response.empty() || a.param("uri").empty()) return Verdict::Malformed;
  if (!algorithm.empty() && !equalsIgnoreCase(algorithm, "MD5") &&
      !equalsIgnoreCase(algorithm, "MD5-sess")) {
    return Verdict::Malformed;
  }
  // The uri parameter must name the request it came with, or it could be lifted from
  // another request.
  if (a.param("uri") != uri) return Verdict::Malformed;
  if (a.param("username") != username || a.param("realm") != realm_) return Verdict::UnknownUser;
  expire(now_seconds);
  auto it = nonces_.find(nonce);
  std::uint32_t nc = 0;
  std::string cnonce = a.param("cnonce");
  if (!qop.empty()) {
    if (!equalsIgnoreCase(qop, "auth") || cnonce.empty()) return Verdict::Malformed;
    std::string nc_text = a.param("nc");
    auto [end, ec] = std::from_chars(nc_text.data(), nc_text.data() + nc_text.size(), nc, 16);
    if (nc_text.empty() || ec != std::errc() || end != nc_text.data() + nc_text.size()) {
      return Verdict::Malformed;
    }
  }
  std::string ha1 = md5Hex(std::string(username) + ":" + realm_ + ":" + std::string(password));
  if (equalsIgnoreCase(algorithm, "MD5-sess")) ha1 = md5Hex(ha1 + ":" + nonce + ":" + cnonce);
  const std::string ha2 = md5Hex(std::string(method) + ":" + std::string(uri));
  const std::string expected =
      qop.empty() ? md5Hex(ha1 + ":" + nonce + ":" + ha2)
                  : md5Hex(ha1 + ":" + nonce + ":" + a.param("nc") + ":" + cnonce + ":auth:" + ha2);
  if (!equalsIgnoreCase(expected, response)) return Verdict::WrongResponse;
  // Right credentials: now the nonce must be one we issued, still fresh, and the nonce
  // count must grow (RFC 7616 3.4: a repeated nc is a replay).
  if (it == nonces_.end()) return Verdict::StaleNonce;
  if (qop.empty()) {
    // Without qop there is no nonce count; a nonce is then good for one request only.
    nonces_.erase(it);
    return Verdict::Ok;
  }
  if (nc <= it->second.last_nc) return Verdict::Replayed;
  it->second.last_nc = nc;
  return Verdict::Ok;
}

std::string_view DigestServer::verdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::Ok: return "ok";
    case Verdict::Missing: return "missing credentials";
    case Verdict::Malformed: return "malformed Authorization";
    case Verdict::UnknownUser: return "unknown user or realm";
    case Verdict::WrongResponse: return "wrong digest response";
    case Verdict::StaleNonce: return "stale nonce";
    case Verdict::Replayed: return "replayed nonce count";
  }
  return "unknown";
}

}  // namespace cpesim
