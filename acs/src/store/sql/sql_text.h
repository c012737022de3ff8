// Pure text helpers of the SQL backends (no Poco), unit-tested in acs/test/store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acs::store::sql {

// Rewrites `?` placeholders to PostgreSQL's `$1, $2, ...`, leaving `?` inside '...' string
// literals, "..." identifiers and -- comments alone.
std::string toDollarPlaceholders(std::string_view sql);

// A list of strings as one text column: items joined by ',' with '%' and ',' escaped as
// %25 and %2C; an empty item is written "%00" so that "" means only the empty list. Any list
// round-trips through encodeList/decodeList.
std::string encodeList(const std::vector<std::string>& items);
std::vector<std::string> decodeList(std::string_view text);

// The smallest string greater than every string starting with `prefix`, when it can be made
// by incrementing an ASCII last byte (below 0x7F) - keeps the result valid UTF-8 for
// PostgreSQL. nullopt otherwise (callers then filter the prefix themselves).
std::optional<std::string> prefixUpperBound(std::string_view prefix);

// True when `text` is valid UTF-8 without NUL bytes (storable in a PostgreSQL text column).
bool isStorableText(std::string_view text);

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view cutUtf8(std::string_view text, std::size_t max_bytes);

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace acs::store::sql
