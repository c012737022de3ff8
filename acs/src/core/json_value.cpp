#include "acs/src/core/json_value.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "cwmp/json.h"

namespace acs::json {

namespace {

const Value kNull;
const std::string kEmptyString;
const Value::Array kEmptyArray;
const Value::Object kEmptyObject;

cwmp::Error parseError(std::size_t offset, std::string_view what) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.offset = offset;
  e.message = "JSON at offset " + std::to_string(offset) + ": " + std::string(what);
  return e;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  cwmp::Result<Value> parseDocument() {
    skipSpace();
    Value v;
    if (!parseValue(v, 0)) return error_;
    skipSpace();
    if (pos_ != text_.size()) return parseError(pos_, "unexpected text after the document");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  bool fail(std::string_view what) {
    error_ = parseError(pos_, what);
    return false;
  }

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool parseValue(Value& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    if (pos_ >= text_.size()) return fail("unexpected end of input");
    char c = text_[pos_];
    switch (c) {
      case '{':
        return parseObject(out, depth);
      case '[':
        return parseArray(out, depth);
      case '"': {
        std::string s;
        if (!parseString(s)) return false;
        out = Value(std::move(s));
        return true;
      }
      case 't':
        out = Value(true);
        return literal("true");
      case 'f':
        out = Value(false);
        return literal("false");
      case 'n':
        out = Value();
        return literal("null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parseNumber(out);
        return fail("unexpected character");
    }
  }

  bool parseObject(Value& out, int depth) {
    ++pos_;  // '{'
    Value::Object obj;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      out = Value(std::move(obj));
      return true;
    }
    while (true) {
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key");
      std::string key;
      if (!parseString(key)) return false;
      skipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skipSpace();
      Value v;
      if (!parseValue(v, depth + 1)) return false;
      obj.emplace_back(std::move(key), std::move(v));
      skipSpace();
      if (pos_ >= text_.size()) return fail("unexpected end of input in object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        break;
      }
      return fail("expected ',' or '}'");
    }
    out = Value(std::move(obj));
    return true;
  }

  bool parseArray(Value& out, int depth) {
    ++pos_;  // '['
    Value::Array arr;
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      out = Value(std::move(arr));
      return true;
    }
    while (true) {
      skipSpace();
      Value v;
      if (!parseValue(v, depth + 1)) return false;
      arr.push_back(std::move(v));
      skipSpace();
      if (pos_ >= text_.size()) return fail("unexpected end of input in array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        break;
      }
      return fail("expected ',' or ']'");
    }
    out = Value(std::move(arr));
    return true;
  }

  static void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool parseHex4(std::uint32_t& out) {
    if (pos_ + 4 > text_.size()) return fail("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      out <<= 4;
      if (h >= '0' && h <= '9') {
        out |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        out |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        out |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return fail("invalid \\u escape");
      }
    }
    return true;
  }

  bool parseString(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!parseHex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate");
            pos_ += 2;
            if (!parseHex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate");
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          return fail("invalid escape");
      }
    }
  }

  bool parseNumber(Value& out) {
    std::size_t start = pos_;
    bool is_int = true;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        is_int = false;
        ++pos_;
      } else {
        break;
      }
    }
    std::string_view num = text_.substr(start, pos_ - start);
    if (is_int) {
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), i);
      if (ec == std::errc() && p == num.data() + num.size()) {
        out = Value(i);
        return true;
      }
    }
    double d = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), d);
    if (ec != std::errc() || p != num.data() + num.size() || !std::isfinite(d)) {
      pos_ = start;
      return fail("invalid number");
    }
    out = Value(d);
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  cwmp::Error error_;
};

}  // namespace

bool Value::asBool(bool fallback) const { return isBool() ? std::get<bool>(v_) : fallback; }

std::int64_t Value::asInt(std::int64_t fallback) const {
  if (isInt()) return std::get<std::int64_t>(v_);
  if (isDouble()) {
    double d = std::get<double>(v_);
    if (d >= -9.0e18 && d <= 9.0e18) return static_cast<std::int64_t>(d);
  }
  return fallback;
}

double Value::asDouble(double fallback) const {
  if (isDouble()) return std::get<double>(v_);
  if (isInt()) return static_cast<double>(std::get<std::int64_t>(v_));
  return fallback;
}

const std::string& Value::asString() const {
  return isString() ? std::get<std::string>(v_) : kEmptyString;
}

const Value::Array& Value::asArray() const { return isArray() ? std::get<Array>(v_) : kEmptyArray; }

const Value::Object& Value::asObject() const {
  return isObject() ? std::get<Object>(v_) : kEmptyObject;
}

const Value& Value::get(std::string_view key) const {
  for (const auto& [k, v] : asObject()) {
    if (k == key) return v;
  }
  return kNull;
}

bool Value::has(std::string_view key) const {
  for (const auto& [k, v] : asObject()) {
    if (k == key) return true;
  }
  return false;
}

Value& Value::set(std::string_view key, Value value) {
  if (!isObject()) v_ = Object{};
  auto& obj = std::get<Object>(v_);
  for (auto& [k, v] : obj) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  obj.emplace_back(std::string(key), std::move(value));
  return *this;
}

Value& Value::push(Value value) {
  if (!isArray()) v_ = Array{};
  std::get<Array>(v_).push_back(std::move(value));
  return *this;
}

void appendQuoted(std::string& out, std::string_view text) { cwmp::appendJsonString(out, text); }

void Value::dump(std::string& out) const {
  switch (v_.index()) {
    case 0:
      out += "null";
      break;
    case 1:
      out += std::get<bool>(v_) ? "true" : "false";
      break;
    case 2:
      out += std::to_string(std::get<std::int64_t>(v_));
      break;
    case 3: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(v_));
      out.append(buf, ec == std::errc() ? static_cast<std::size_t>(p - buf) : 0);
      break;
    }
    case 4:
      appendQuoted(out, std::get<std::string>(v_));
      break;
    case 5: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : std::get<Array>(v_)) {
        if (!first) out.push_back(',');
        first = false;
        item.dump(out);
      }
      out.push_back(']');
      break;
    }
    default: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : std::get<Object>(v_)) {
        if (!first) out.push_back(',');
        first = false;
        appendQuoted(out, k);
        out.push_back(':');
        v.dump(out);
      }
      out.push_back('}');
      break;
    }
  }
}

std::string Value::dump() const {
  std::string out;
  dump(out);
  return out;
}

cwmp::Result<Value> parse(std::string_view text) { return Parser(text).parseDocument(); }

}  // namespace acs::json
