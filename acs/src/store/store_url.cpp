// DATABASE_URL parsing (store_factory.h); pure so it can be unit-tested without a database.
#include <charconv>

#include "store/store_factory.h"

namespace acs::store {
namespace {

constexpr std::string_view kAccepted =
    "expected sqlite:///abs/path.db, sqlite://relative/path.db, sqlite::memory: or "
    "postgresql://user[:password]@host[:port]/dbname";

StoreError invalid(std::string message) {
  return storeError(StoreErrc::Invalid, std::move(message) + " (" + std::string(kAccepted) + ")");
}

int hexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; nullopt on a broken escape.
std::optional<std::string> percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hexValue(in[i + 1]);
    const int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Result<DatabaseUrl> parsePostgres(std::string_view rest) {
  DatabaseUrl url;
  url.backend = DatabaseUrl::Backend::Postgres;
  // rest = [userinfo@]host[:port]/dbname[?query]
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return invalid("PostgreSQL URL has no /dbname");
  std::string_view authority = rest.substr(0, slash);
  std::string_view db = rest.substr(slash + 1);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::string_view user = userinfo;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      auto password = percentDecode(userinfo.substr(colon + 1));
      if (!password) return invalid("PostgreSQL URL has a broken %-escape in the password");
      url.password = std::move(*password);
    }
    auto decoded_user = percentDecode(user);
    if (!decoded_user) return invalid("PostgreSQL URL has a broken %-escape in the user");
    url.user = std::move(*decoded_user);
  }
  std::string_view host = authority;
  std::string_view port;
  if (startsWith(authority, "[")) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("PostgreSQL URL has an unclosed [host]");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return invalid("PostgreSQL URL has junk after ]");
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return invalid("PostgreSQL URL has no host");
  url.host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return invalid("PostgreSQL URL has an invalid port '" + std::string(port) + "'");
    }
    url.port = value;
  }
  auto dbname = percentDecode(db);
  if (!dbname || dbname->empty()) return invalid("PostgreSQL URL has no database name");
  url.dbname = std::move(*dbname);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return invalid("PostgreSQL URL has a query item without key=value: '" + std::string(item) +
                     "'");
    }
    auto key = percentDecode(item.substr(0, eq));
    auto value = percentDecode(item.substr(eq + 1));
    if (!key || !value) return invalid("PostgreSQL URL has a broken %-escape in the query");
    for (char ch : *key) {
      const bool ok = (ch >= 'a' && ch <= 'z') || ch == '_';
      if (!ok) return invalid("PostgreSQL URL has an invalid option name '" + *key + "'");
    }
    url.options[*key] = *value;
  }
  return url;
}

}  // namespace

Result<DatabaseUrl> parseDatabaseUrl(std::string_view database_url) {
  if (database_url == "sqlite::memory:") {
    DatabaseUrl url;
    url.sqlite_path = ":memory:";
    return url;
  }
  if (startsWith(database_url, "sqlite://")) {
    std::string_view path = database_url.substr(9);  // "/abs" or "rel"
    if (path.empty() || path == "/") return invalid("SQLite URL has no file path");
    if (path.find('?') != std::string_view::npos) {
      return invalid("SQLite URL must not have a query string");
    }
    auto decoded = percentDecode(path);
    if (!decoded) return invalid("SQLite URL has a broken %-escape");
    if (decoded->back() == '/') return invalid("SQLite URL names a directory, not a file");
    DatabaseUrl url;
    url.sqlite_path = std::move(*decoded);
    return url;
  }
  if (startsWith(database_url, "postgresql://")) return parsePostgres(database_url.substr(13));
  if (startsWith(database_url, "postgres://")) return parsePostgres(database_url.substr(11));
  if (database_url.empty()) return invalid("empty database URL");
  const auto colon = database_url.find(':');
  if (colon == std::string_view::npos) return invalid("database URL has no scheme");
  return invalid("unsupported database URL scheme '" + std::string(database_url.substr(0, colon)) +
                 "'");
}

std::string redactDatabaseUrl(std::string_view database_url) {
  const auto scheme_end = database_url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(database_url);
  const auto authority_begin = scheme_end + 3;
  const auto authority_end = database_url.find('/', authority_begin);
  std::string_view authority = database_url.substr(
      authority_begin, authority_end == std::string_view::npos ? std::string_view::npos
                                                               : authority_end - authority_begin);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(database_url);
  const auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(database_url);
  std::string out(database_url.substr(0, authority_begin + colon + 1));
  out += "***";
  out += database_url.substr(authority_begin + at);
  return out;
}

namespace {

void appendOption(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out.push_back(' ');
  out.append(key);
  out.append("='");
  for (char ch : value) {
    if (ch == '\'' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('\'');
}

}  // namespace

std::string postgresConnectorString(const DatabaseUrl& url) {
  std::string out;
  appendOption(out, "host", url.host);
  appendOption(out, "port", std::to_string(url.port));
  if (!url.user.empty()) appendOption(out, "user", url.user);
  if (!url.password.empty()) appendOption(out, "password", url.password);
  appendOption(out, "dbname", url.dbname);
  for (const auto& [key, value] : url.options) appendOption(out, key, value);
  return out;
}

}  // namespace acs::store
