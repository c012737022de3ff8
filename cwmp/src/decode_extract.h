// decode_extract.h (private): turns a decode_tree.h Tree into typed messages by walking the
// Field descriptions of messages.h. One generic visitor (FieldReader) handles every member
// type the descriptions use; the rules it applies are those of cwmp/doc/tolerance.md:
//
// - children are matched by local name, in any order, qualified or not; the first match
//   wins and unknown extra elements are ignored;
// - a missing element is MissingElement, except for std::optional members and arrays
//   (a missing or empty wrapper is an empty vector);
// - arrays take their actual child elements, whatever the item element is called and
//   whatever SOAP-ENC:arrayType claims;
// - numbers, booleans and dateTimes are trimmed of XML whitespace; strings are kept exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "decode_tree.h"

#include "cwmp/codec.h"
#include "cwmp/messages.h"
#include "cwmp/status.h"
#include "cwmp/value.h"

namespace cwmp::decode_detail {

inline bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view trimXmlSpace(std::string_view text) {
  while (!text.empty() && isXmlSpace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && isXmlSpace(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

inline bool isXmlSpaceOnly(std::string_view text) { return trimXmlSpace(text).empty(); }

// Joins local names from the root into an error path. Paths inside the Body start at the
// RPC element ("Inform/DeviceId/OUI"), paths inside the Header at "Header", others at
// "Envelope".
std::string joinPath(const std::vector<std::string_view>& names);

// A short, quoted excerpt of `text` for error messages (cut at a UTF-8 boundary).
std::string excerpt(std::string_view text);

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

class Extractor {
 public:
  Extractor(const Tree& tree, const DecodeOptions& options) : tree_(tree), options_(options) {}

  bool failed() const { return error_.has_value(); }
  Error takeError() { return std::move(*error_); }

  const Tree& tree() const { return tree_; }
  const Node& node(std::uint32_t index) const { return tree_.nodes[index]; }
  std::string_view nameOf(std::uint32_t index) const { return tree_.name(node(index)); }

  // The first child element of `parent` whose local name is `local`, or kNoNode.
  std::uint32_t findChild(std::uint32_t parent, std::string_view local) const {
    for (std::uint32_t c = node(parent).first_child; c != kNoNode; c = node(c).next_sibling) {
      if (tree_.name(node(c)) == local) {
        return c;
      }
    }
    return kNoNode;
  }

  std::size_t countChildren(std::uint32_t parent) const {
    std::size_t n = 0;
    for (std::uint32_t c = node(parent).first_child; c != kNoNode; c = node(c).next_sibling) {
      ++n;
    }
    return n;
  }

  // Path of `index` from the root (see joinPath), optionally with one more name appended.
  std::string pathTo(std::uint32_t index, std::string_view child = {}) const;

  void fail(ErrorCode code, std::uint32_t at, std::string element, const std::string& what);
  void failMissing(std::uint32_t parent, std::string_view name);
  void failInvalid(std::uint32_t at, std::string_view text, std::string_view expected);

  // The text of a leaf element. An element with child elements where text is expected is
  // InvalidValue (returns false).
  bool leafText(std::uint32_t at, std::string_view& text);

  void readString(const Field& field, std::uint32_t at, std::string& out);
  void readBool(std::uint32_t at, bool& out);
  void readInt(const Field& field, std::uint32_t at, std::int32_t& out);
  void readUnsigned(std::uint32_t at, std::uint32_t& out);
  void readStrings(const Field& field, std::uint32_t wrapper, std::vector<std::string>& out);
  void readOperations(const Field& field, std::uint32_t wrapper, std::vector<DuOperation>& out);

  // Checks an array wrapper: text without items is InvalidValue, more items than the
  // schema allows is LimitExceeded. Returns the item count, or nullopt after failing.
  std::optional<std::size_t> arrayItems(const Field& field, std::uint32_t wrapper);
  bool checkItemCount(const Field& field, std::uint32_t at, std::size_t count);

  template <class S>
  void readStruct(std::uint32_t at, S& out, std::string_view optional_text = {});

  template <class S>
  void readStructs(const Field& field, std::uint32_t wrapper, std::vector<S>& out) {
    if (wrapper == kNoNode) {
      out.clear();
      return;
    }
    const std::optional<std::size_t> count = arrayItems(field, wrapper);
    if (!count) {
      return;
    }
    out.clear();
    out.reserve(*count);
    for (std::uint32_t c = node(wrapper).first_child; c != kNoNode; c = node(c).next_sibling) {
      readStruct(c, out.emplace_back());
      if (failed()) {
        return;
      }
    }
  }

  // FieldKind::Repeated: the items are the children of `parent` named field.name.
  template <class S>
  void readRepeated(const Field& field, std::uint32_t parent, std::vector<S>& out) {
    out.clear();
    std::size_t count = 0;
    for (std::uint32_t c = node(parent).first_child; c != kNoNode; c = node(c).next_sibling) {
      if (tree_.name(node(c)) == field.name) {
        ++count;
      }
    }
    if (!checkItemCount(field, parent, count)) {
      return;
    }
    out.reserve(count);
    for (std::uint32_t c = node(parent).first_child; c != kNoNode; c = node(c).next_sibling) {
      if (tree_.name(node(c)) != field.name) {
        continue;
      }
      readStruct(c, out.emplace_back());
      if (failed()) {
        return;
      }
    }
  }

 private:
  const Tree& tree_;
  const DecodeOptions& options_;
  std::optional<Error> error_;
};

// The visitor handed to the fields() descriptions of messages.h, reading the children of
// one element. `optional_text` names a std::string member that may be absent on the wire
// (the FaultString of a cwmp:Fault detail, TR-069 A.5.1).
class FieldReader {
 public:
  FieldReader(Extractor& ex, std::uint32_t at, std::string_view optional_text = {})
      : ex_(ex), at_(at), optional_text_(optional_text) {}

  template <class T>
  void operator()(const Field& field, T& member) {
    if (ex_.failed()) {
      return;
    }
    if constexpr (IsVector<T>::value) {
      using Item = typename T::value_type;
      if constexpr (std::is_same_v<Item, std::string>) {
        ex_.readStrings(field, ex_.findChild(at_, field.name), member);
      } else if constexpr (std::is_same_v<Item, DuOperation>) {
        ex_.readOperations(field, ex_.findChild(at_, field.name), member);
      } else if (field.kind == FieldKind::Repeated) {
        ex_.readRepeated(field, at_, member);
      } else {
        ex_.readStructs(field, ex_.findChild(at_, field.name), member);
      }
      return;
    } else {
      const std::uint32_t child = ex_.findChild(at_, field.name);
      if constexpr (IsOptional<T>::value) {
        if (child == kNoNode) {
          member.reset();
          return;
        }
        static_assert(std::is_same_v<typename T::value_type, std::string>);
        ex_.readString(field, child, member.emplace());
        return;
      } else {
        if (child == kNoNode) {
          if constexpr (std::is_same_v<T, std::string>) {
            if (!optional_text_.empty() && field.name == optional_text_) {
              member.clear();
              return;
            }
          }
          ex_.failMissing(at_, field.name);
          return;
        }
        if constexpr (std::is_same_v<T, std::string>) {
          ex_.readString(field, child, member);
        } else if constexpr (std::is_same_v<T, bool>) {
          ex_.readBool(child, member);
        } else if constexpr (std::is_same_v<T, std::int32_t>) {
          ex_.readInt(field, child, member);
        } else if constexpr (std::is_same_v<T, std::uint32_t>) {
          ex_.readUnsigned(child, member);
        } else {
          ex_.readStruct(child, member);
        }
      }
    }
  }

  // ParameterValueStruct's Value: the text exactly as sent plus the normalised xsi:type.
  void operator()(const Field& field, std::string& value, std::string& type) {
    if (ex_.failed()) {
      return;
    }
    const std::uint32_t child = ex_.findChild(at_, field.name);
    if (child == kNoNode) {
      ex_.failMissing(at_, field.name);
      return;
    }
    std::string_view text;
    if (!ex_.leafText(child, text)) {
      return;
    }
    value.assign(text);
    type.assign(ex_.tree().type(ex_.node(child)));
  }

 private:
  Extractor& ex_;
  std::uint32_t at_;
  std::string_view optional_text_;
};

template <class S>
void Extractor::readStruct(std::uint32_t at, S& out, std::string_view optional_text) {
  FieldReader reader(*this, at, optional_text);
  S::fields(out, reader);
}

}  // namespace cwmp::decode_detail
