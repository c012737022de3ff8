// transport/http_auth.h: HTTP Basic and Digest authentication (RFC 7617, RFC 2617/7616
// with MD5 and MD5-sess, qop=auth), for both sides the simulator plays:
//  - as an HTTP client (CPE -> ACS, CPE -> file server): answer a 401 challenge;
//  - as an HTTP server (the connection-request listener): challenge the ACS and check its
//    answer (TR-069 3.2.2: Connection Requests are authenticated with Digest).
//
//   ClientAuthenticator auth("user", "secret", /*cnonce_seed=*/42);
//   if (response.status == 401 && auth.acceptChallenges(response.headerValues("WWW-Authenticate")))
//     request.headers.emplace_back("Authorization", auth.authorization("POST", "/cwmp"));
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace cpesim {

// One challenge of a WWW-Authenticate header: its scheme and its auth-params (names in
// lower case, values unquoted).
struct AuthChallenge {
  std::string scheme;  // "Basic", "Digest", ... as sent
  std::map<std::string, std::string> params;
  std::string param(std::string_view name) const;
};

// Parses every challenge of one or more WWW-Authenticate (or Authorization) header values;
// a single header may carry several challenges separated by commas. Malformed pieces are
// skipped, never thrown.
std::vector<AuthChallenge> parseAuthChallenges(const std::vector<std::string_view>& header_values);

// Lower-case hex MD5 of `text`.
std::string md5Hex(std::string_view text);

// The client side for one HTTP conversation (one CWMP session, one file transfer).
// Not thread-safe; cheap to copy.
class ClientAuthenticator {
 public:
  ClientAuthenticator(std::string username, std::string password, std::uint64_t cnonce_seed);

  // Takes the best challenge offered (Digest MD5/MD5-sess with qop auth or none, else Basic).
  // Returns false when nothing usable was offered, or when the same credentials were already
  // refused (a second 401 without `stale=true`): retrying would loop.
  bool acceptChallenges(const std::vector<std::string_view>& www_authenticate);

  // True once a challenge was accepted: every later request of the conversation then carries
  // Authorization (TR-069 3.4.5: once challenged, send it on every request).
  bool active() const { return scheme_ != Scheme::None; }
  // The Authorization header value for the next request; advances the nonce count.
  std::string authorization(std::string_view method, std::string_view uri);
  // A new TCP connection: Digest uses a fresh client nonce per connection (TR-069 3.4.5).
  void newConnection();
  // The credentials were sent and the server answered something other than 401.
  void succeeded() { refused_once_ = false; }
  // Forgets the challenge (after a redirect to another origin).
  void reset();

 private:
  enum class Scheme { None, Basic, Digest };
  std::string newCnonce();
  std::uint64_t nextRandom();

  std::string username_;
  std::string password_;
  std::uint64_t rng_state_;  // splitmix64: a cnonce per connection needs no heavier generator
  Scheme scheme_ = Scheme::None;
  bool sent_since_challenge_ = false;
  bool refused_once_ = false;
  std::string realm_;
  std::string nonce_;
  std::string opaque_;
  std::string algorithm_;  // "MD5" or "MD5-sess"; empty when the server named none
  bool qop_auth_ = false;
  std::uint32_t nonce_count_ = 0;
  std::string cnonce_;
};

// The server side of Digest, for the connection-request listener. Issues nonces, remembers
// them for `nonce_lifetime_seconds`, and rejects a reused (nonce, nc) pair so a captured
// request cannot be replayed. Not thread-safe: the caller serialises access.
class DigestServer {
 public:
  DigestServer(std::string realm, std::uint64_t seed, std::int64_t nonce_lifetime_seconds = 300);

  // WWW-Authenticate value for a fresh challenge at `now_seconds`; `stale` tells the client
  // its credentials were right but the nonce had expired.
  std::string challenge(std::int64_t now_seconds, bool stale = false);

  enum class Verdict { Ok, Missing, Malformed, UnknownUser, WrongResponse, StaleNonce, Replayed };
  // Checks an Authorization header value sent with `method` `uri` against the expected
  // credentials.
  Verdict verify(std::string_view authorization, std::string_view method, std::string_view uri,
                 std::string_view username, std::string_view password, std::int64_t now_seconds);

  static std::string_view verdictName(Verdict verdict);

 private:
  struct NonceState {
    std::int64_t issued = 0;
    std::uint32_t last_nc = 0;
  };
  void expire(std::int64_t now_seconds);

  std::string realm_;
  std::mt19937_64 rng_;
  std::int64_t lifetime_;
  std::map<std::string, NonceState> nonces_;
};

}  // namespace cpesim
