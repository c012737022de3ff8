#include "store/sql/sql_text.h"

#include <array>
#include <cstdint>

namespace acs::store::sql {

std::string toDollarPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;  // '\'' or '"' while inside one
  bool comment = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (comment) {
      out.push_back(ch);
      if (ch == '\n') comment = false;
      continue;
    }
    if (quote != 0) {
      out.push_back(ch);
      if (ch == quote) quote = 0;  // a doubled quote re-enters on the next char: same result
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out.push_back(ch);
    } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      comment = true;
      out.push_back(ch);
    } else if (ch == '?') {
      out.push_back('$');
      out += std::to_string(next++);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// Rule: "" is the empty list; otherwise items are escaped and joined by ','. A single empty
// item would also be "", so an empty item is written as "%00" (never produced by escaping).
std::string encodeList(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (items[i].empty()) {
      out += "%00";
      continue;
    }
    for (char ch : items[i]) {
      if (ch == '%') {
        out += "%25";
      } else if (ch == ',') {
        out += "%2C";
      } else {
        out.push_back(ch);
      }
    }
  }
  return out;
}

std::vector<std::string> decodeList(std::string_view text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const std::string_view escape = text.substr(i, 3);
    if (ch == ',') {
      items.push_back(std::move(current));
      current.clear();
    } else if (escape == "%25") {
      current.push_back('%');
      i += 2;
    } else if (escape == "%2C") {
      current.push_back(',');
      i += 2;
    } else if (escape == "%00") {
      i += 2;  // the empty item: contributes nothing
    } else {
      current.push_back(ch);
    }
  }
  items.push_back(std::move(current));
  return items;
}

std::optional<std::string> prefixUpperBound(std::string_view prefix) {
  if (prefix.empty()) return std::nullopt;
  const auto last = static_cast<unsigned char>(prefix.back());
  if (last >= 0x7F) return std::nullopt;
  std::string bound(prefix);
  bound.back() = static_cast<char>(last + 1);
  return bound;
}

bool isStorableText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 == 0) return false;
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1Fu;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0Fu;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07u;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string_view cutUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back off continuation bytes so the cut lands on a sequence start.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
        static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kB64[i])] = i;
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int vals[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char ch = text[i + static_cast<std::size_t>(k)];
      if (ch == '=' && i + 4 == text.size() && k >= 2) {
        vals[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return std::nullopt;
        vals[k] = table[static_cast<unsigned char>(ch)];
        if (vals[k] < 0) return std::nullopt;
      }
    }
    const std::uint32_t v =
        (static_cast<std::uint32_t>(vals[0]) << 18) | (static_cast<std::uint32_t>(vals[1]) << 12) |
        (static_cast<std::uint32_t>(vals[2]) << 6) | static_cast<std::uint32_t>(vals[3]);
    out.push_back(static_cast<char>((v >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

}  // namespace acs::store::sql
