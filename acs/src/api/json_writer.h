// acs/api/json_writer.h: a small streaming JSON writer for API replies.
//
// Replies are built by appending to one string rather than through a tree of Poco::JSON
// objects: a page of 1,000 devices serialises about twenty times faster this way, and the key
// order stays the order written. Strings are escaped per RFC 8259; bytes that are not UTF-8
// become U+FFFD so the output is always valid JSON whatever a CPE sent.
//
//   JsonWriter w;
//   w.beginObject().key("id").value("dev-1").key("tags").beginArray().value("lab").endArray()
//    .endObject();
//   std::string text = w.take();   // {"id":"dev-1","tags":["lab"]}
//
// The caller keeps the nesting balanced (checked by assert in debug builds). Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acs::api {

class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  // The next member's name; must be followed by exactly one value or container.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
  JsonWriter& value(double number);  // non-finite numbers are written as null
  JsonWriter& null();
  // A string, or null when absent.
  JsonWriter& value(const std::optional<std::string>& text);
  // Inserts `json` verbatim; the caller guarantees it is one valid JSON value.
  JsonWriter& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separator();

  std::string out_;
  // One entry per open container: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal (quotes included) to `out`.
void appendJsonString(std::string& out, std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool isValidUtf8(std::string_view text);

}  // namespace acs::api
