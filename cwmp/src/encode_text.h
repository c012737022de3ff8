// cwmp/src/encode_text.h (private): what XML 1.0 can carry, shared by the XML encoder and the
// JSON mapping.
//
// XML 1.0 (Char production, section 2.2) allows tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD and
// U+10000..U+10FFFF, and nothing else, not even as a character reference. A std::string may
// hold anything, so both directions need the same judgement: the encoder replaces what XML
// cannot carry with U+FFFD (it has no error channel), and the JSON reader rejects it with an
// error that names the field, so text typed by a person never reaches the encoder broken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cwmp::encode_text {

// Length (1 to 4) of the well-formed UTF-8 sequence that starts at text[pos], or 0 when the
// bytes there are malformed: a stray continuation byte, a truncated or overlong sequence, a
// surrogate or a code point above U+10FFFF. ASCII bytes, controls included, have length 1.
inline std::size_t utf8SequenceLength(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const std::size_t left = text.size() - pos;
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return 1;
  const auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < left && byte(pos + i) >= lo && byte(pos + i) <= hi;
  };
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (lead == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;  // no surrogates
  if (lead >= 0xE1 && lead <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (lead == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Length (1 to 4) of the UTF-8 sequence at text[pos] when it encodes a character XML 1.0
// allows, or 0 when it does not: malformed UTF-8, U+FFFE/U+FFFF, or a C0 control other than
// tab, LF and CR.
inline std::size_t xmlCharLength(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x20) return lead == '\t' || lead == '\n' || lead == '\r' ? 1 : 0;
  const std::size_t len = utf8SequenceLength(text, pos);
  // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
  if (len == 3 && lead == 0xEF && static_cast<unsigned char>(text[pos + 1]) == 0xBF &&
      static_cast<unsigned char>(text[pos + 2]) >= 0xBE) {
    return 0;
  }
  return len;
}

// Byte offset of the first character XML 1.0 cannot carry, or npos when there is none.
inline std::size_t findNonXmlChar(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t len = xmlCharLength(text, pos);
    if (len == 0) return pos;
    pos += len;
  }
  return std::string_view::npos;
}

// Number of characters (code points) in `text`, counting each byte of a malformed sequence
// as one character. Schema limits (messages.h max_length) are in characters, not bytes.
inline std::size_t characterCount(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); ++count) {
    const std::size_t len = xmlCharLength(text, pos);
    pos += len == 0 ? 1 : len;
  }
  return count;
}

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace cwmp::encode_text
