// decode_tree.h (private): the compact element tree decodeEnvelope builds while Expat parses,
// before the typed message is extracted from it.
//
// All elements live in one vector of 32-byte nodes in document order, linked by
// first-child / next-sibling indices. Local names (and normalised xsi:type values) are
// interned once per decode in a NameTable, so the parse allocates nothing per element.
// Leaf text is kept as a view into the input whenever Expat reports it byte for byte
// (the usual case) and copied into one arena string otherwise (entity references, CRLF
// normalisation, CDATA split by comments, other input encodings). Text of elements that
// have child elements (indentation between children) is not kept at all.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwmp::decode_detail {

inline constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;

// The namespace of an element, resolved from its URI (never from its prefix).
enum class NsKind : std::uint8_t {
  None,     // no namespace
  SoapEnv,  // http://schemas.xmlsoap.org/soap/envelope/
  SoapEnc,  // http://schemas.xmlsoap.org/soap/encoding/
  Xsd,      // http://www.w3.org/2001/XMLSchema or the 1999 draft namespace
  Xsi,      // http://www.w3.org/2001/XMLSchema-instance or the 1999 draft namespace
  Cwmp10,   // urn:dslforum-org:cwmp-1-0 .. cwmp-1-4, in order
  Cwmp11,
  Cwmp12,
  Cwmp13,
  Cwmp14,
  Other,
};

inline bool isCwmp(NsKind kind) { return kind >= NsKind::Cwmp10 && kind <= NsKind::Cwmp14; }

inline NsKind classifyNamespace(std::string_view uri) {
  if (uri.empty()) {
    return NsKind::None;
  }
  constexpr std::string_view kCwmpPrefix = "urn:dslforum-org:cwmp-1-";
  if (uri.size() == kCwmpPrefix.size() + 1 && uri.substr(0, kCwmpPrefix.size()) == kCwmpPrefix) {
    const char minor = uri.back();
    if (minor >= '0' && minor <= '4') {
      return static_cast<NsKind>(static_cast<int>(NsKind::Cwmp10) + (minor - '0'));
    }
    return NsKind::Other;
  }
  if (uri == "http://schemas.xmlsoap.org/soap/envelope/") {
    return NsKind::SoapEnv;
  }
  if (uri == "http://schemas.xmlsoap.org/soap/encoding/") {
    return NsKind::SoapEnc;
  }
  if (uri == "http://www.w3.org/2001/XMLSchema-instance") {
    return NsKind::Xsi;
  }
  if (uri == "http://www.w3.org/2001/XMLSchema") {
    return NsKind::Xsd;
  }
  if (uri == "http://www.w3.org/1999/XMLSchema-instance") {
    return NsKind::Xsi;
  }
  if (uri == "http://www.w3.org/1999/XMLSchema") {
    return NsKind::Xsd;
  }
  return NsKind::Other;
}

// Interns strings for the length of one decode. Id 0 is the empty string. Ids are dense,
// so a decode with few distinct names touches little memory.
class NameTable {
 public:
  NameTable() : slots_(64, 0) { entries_.push_back(Entry{0, 0, 0}); }

  std::uint32_t intern(std::string_view name) {
    if (name.empty()) {
      return 0;
    }
    const std::uint32_t h = hash(name);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint32_t id = slots_[i];
      if (id == 0) {
        break;
      }
      const Entry& e = entries_[id];
      if (e.hash == h && e.length == name.size() &&
          std::memcmp(chars_.data() + e.offset, name.data(), name.size()) == 0) {
        return id;
      }
    }
    const auto id = static_cast<std::uint32_t>(entries_.size());
    entries_.push_back(Entry{static_cast<std::uint32_t>(chars_.size()),
                             static_cast<std::uint32_t>(name.size()), h});
    chars_.append(name);
    if (entries_.size() * 2 > slots_.size()) {
      rehash(slots_.size() * 2);
    } else {
      place(id);
    }
    return id;
  }

  // The id of `name` if it was interned, else kNotInterned; never inserts.
  static constexpr std::uint32_t kNotInterned = 0xFFFFFFFFu;
  std::uint32_t find(std::string_view name) const {
    if (name.empty()) {
      return 0;
    }
    const std::uint32_t h = hash(name);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::uint32_t id = slots_[i];
      if (id == 0) {
        return kNotInterned;
      }
      const Entry& e = entries_[id];
      if (e.hash == h && e.length == name.size() &&
          std::memcmp(chars_.data() + e.offset, name.data(), name.size()) == 0) {
        return id;
      }
    }
  }

  std::string_view name(std::uint32_t id) const {
    const Entry& e = entries_[id];
    return {chars_.data() + e.offset, e.length};
  }

 private:
  struct Entry {
    std::uint32_t offset;
    std::uint32_t length;
    std::uint32_t hash;
  };

  static std::uint32_t hash(std::string_view s) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 16777619u;
    }
    return h;
  }

  void place(std::uint32_t id) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = entries_[id].hash & mask;
    while (slots_[i] != 0) {
      i = (i + 1) & mask;
    }
    slots_[i] = id;
  }

  void rehash(std::size_t size) {
    slots_.assign(size, 0);
    for (std::uint32_t id = 1; id < entries_.size(); ++id) {
      place(id);
    }
  }

  std::string chars_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_;
};

struct Node {
  static constexpr std::uint8_t kTextInArena = 1;     // text lives in Tree::arena
  static constexpr std::uint8_t kMustUnderstand = 2;  // soap-env:mustUnderstand="1"/"true"

  std::uint32_t name = 0;  // NameTable id of the local name
  std::uint32_t type = 0;  // NameTable id of the xsi:type ("xsd:int", or as sent); 0 = none
  std::uint32_t first_child = kNoNode;
  std::uint32_t next_sibling = kNoNode;
  std::uint32_t text_offset = 0;  // into the input, or into the arena with kTextInArena
  std::uint32_t text_length = 0;
  std::uint32_t byte_offset = 0;  // of the start tag's '<'
  NsKind ns = NsKind::None;
  std::uint8_t flags = 0;
};
static_assert(sizeof(Node) <= 32, "keep nodes small: a 10,000-parameter response has 30,000");

struct Tree {
  std::string_view input;
  std::vector<Node> nodes;  // nodes[0] is the root element
  std::string arena;
  NameTable names;
  // Qualified names ("{uri}local") of Header children that carry mustUnderstand, by node.
  std::vector<std::pair<std::uint32_t, std::string>> must_understand;
  // The first cwmp namespace declared anywhere (xmlns:cwmp="urn:dslforum-org:cwmp-1-x").
  NsKind declared_cwmp = NsKind::None;

  std::string_view text(const Node& n) const {
    const std::string_view source =
        (n.flags & Node::kTextInArena) ? std::string_view(arena) : input;
    return source.substr(n.text_offset, n.text_length);
  }
  std::string_view name(const Node& n) const { return names.name(n.name); }
  std::string_view type(const Node& n) const { return names.name(n.type); }
};

}  // namespace cwmp::decode_detail
