// acs/http/cpe_auth.h: HTTP authentication of CPEs on the CWMP endpoint (TR-069 Amd 6
// §3.4.4-3.4.5, checklist 1.4): Digest (RFC 2617, MD5 and MD5-sess, qop=auth) and Basic.
//
// Nonces are stateless and verifiable by every ACS process that shares `nonce_secret`:
//   nonce = <issued ms, hex> ":" <random, hex> ":" HMAC-MD5(secret, issued ":" random ":" realm)
// A nonce with a good MAC but older than the configured lifetime is answered with a fresh
// challenge carrying stale=true (the CPE retries without asking its user again). Each
// challenge carries a fresh nonce; nonce counts seen by this process must increase (replay
// protection within one process).
//
//   acs::http::CpeAuthenticator auth(config.cpe_auth, secret);
//   auto r = auth.check("POST", "/cwmp", request.get("Authorization", ""), now);
//   if (r.kind == AuthResult::Kind::Challenge) reply401(r.www_authenticate);
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "acs/src/app/config.h"
#include "acs/src/store/store.h"

namespace acs::http {

struct AuthResult {
  enum class Kind : std::uint8_t { Ok, Challenge };
  Kind kind = Kind::Challenge;
  std::string username;          // Ok: who authenticated
  bool per_device = false;       // Ok: matched a per-device entry (see mayActAs)
  std::string www_authenticate;  // Challenge: the WWW-Authenticate header value
  std::string reason;            // Challenge: why (for logs), e.g. "wrong password for 'x'"
};

class CpeAuthenticator {
 public:
  // `nonce_secret` empty: a random per-process secret (nonces then only verify in the
  // process that issued them; other processes answer with a fresh challenge).
  CpeAuthenticator(CpeAuthConfig config, std::string nonce_secret);

  bool enabled() const { return config_.mode != CpeAuthMode::None; }

  // Checks an Authorization header value for a request with `method` and request `uri`.
  AuthResult check(std::string_view method, std::string_view uri, std::string_view authorization,
                   store::TimePoint now);

  // A challenge with a fresh nonce (Digest) or the Basic realm.
  std::string challenge(store::TimePoint now, bool stale = false) const;

  // A per-device credential may only speak for its own device: the username must be the
  // device id (`OUI-ProductClass-Serial`) or `OUI-Serial` (checklist 1.4.5). Shared
  // credentials may speak for any device.
  static bool mayActAs(const AuthResult& result, const std::string& oui,
                       const std::string& product_class, const std::string& serial_number);

 private:
  std::string passwordFor(const std::string& username, bool& per_device, bool& found) const;
  std::string makeNonce(store::TimePoint now) const;
  // 0 = valid, 1 = stale, 2 = forged/garbled.
  int verifyNonce(std::string_view nonce, store::TimePoint now) const;
  // False when `nc` is not above the highest count this process saw for `nonce`.
  bool acceptNonceCount(const std::string& nonce, std::uint32_t nc);

  CpeAuthConfig config_;
  std::string secret_;

  std::mutex mutex_;
  std::unordered_map<std::string, std::uint32_t> nonce_counts_;  // guarded by mutex_
  std::deque<std::string> nonce_order_;                          // guarded by mutex_
};

// Parses `Digest k=v, k="v"` style parameters (lower-cased keys). Exposed for tests.
std::unordered_map<std::string, std::string> parseAuthParams(std::string_view text);

}  // namespace acs::http
