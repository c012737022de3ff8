// decodeEnvelope: SOAP 1.1 envelope bytes -> cwmp::Envelope.
//
// Two passes. Expat (namespace-aware, so names resolve by URI and never by prefix) builds
// the compact tree of decode_tree.h, enforcing the size, depth and item limits and
// rejecting DTDs, entity declarations and processing instructions as it goes. The
// Extractor of decode_extract.h then walks the Field descriptions of messages.h over that
// tree. What is tolerated and what is rejected is listed in cwmp/doc/tolerance.md.

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "decode_extract.h"
#include "decode_tree.h"
#include <expat.h>

#include "cwmp/codec.h"

namespace cwmp {

namespace decode_detail {

namespace {

// Separates namespace URI and local name in the names Expat reports. U+0001 cannot occur
// in XML 1.0 text, so it cannot occur in a URI either.
constexpr char kNsSeparator = '\x01';

// Expat is fed in slices so that its internal copy of the input stays small.
constexpr std::size_t kParseSlice = std::size_t{64} * 1024;

// Offsets and lengths are stored in 32 bits (decode_tree.h).
constexpr std::size_t kMaxInputBytes = std::numeric_limits<std::uint32_t>::max() - 1;

// The number of bytes equal to `c` in `text`, eight bytes at a time (std::count is not
// vectorised at -O2 and would cost more than a tenth of a small decode).
std::size_t countByte(std::string_view text, char c) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const std::uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  std::size_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    const std::uint64_t x = word ^ pattern;  // zero bytes where text[i..] == c
    // High bit of each byte set iff that byte of x is non-zero; then one bit per match,
    // summed into the top byte by the multiplication (no popcount instruction needed).
    const std::uint64_t nonzero = (((x & kLow7) + kLow7) | x) & ~kLow7;
    const std::uint64_t matches = (~nonzero & ~kLow7) >> 7;
    count += static_cast<std::size_t>((matches * kOnes) >> 56);
  }
  for (; i < text.size(); ++i) {
    count += text[i] == c ? 1u : 0u;
  }
  return count;
}

struct SplitName {
  std::string_view uri;
  std::string_view local;
};

SplitName splitName(const XML_Char* name) {
  const char* p = name;
  while (*p != '\0' && *p != kNsSeparator) {
    ++p;  // one pass: names are short
  }
  const std::string_view before(name, static_cast<std::size_t>(p - name));
  if (*p == '\0') {
    return {{}, before};
  }
  return {before, std::string_view(p + 1)};
}

std::string qualifiedName(std::string_view uri, std::string_view local) {
  if (uri.empty()) {
    return std::string(local);
  }
  std::string out;
  out.reserve(uri.size() + local.size() + 2);
  out += '{';
  out += uri;
  out += '}';
  out += local;
  return out;
}

std::string atByte(std::size_t offset) { return " (byte " + std::to_string(offset) + ")"; }

// One Expat parser per thread, reset between documents. Creating a parser per document cost
// a dozen allocations and a getrandom() call for its hash salt, about a tenth of decoding a
// 25-parameter Inform. The salt stays secret (random, drawn once per thread), so hash
// flooding through many names is still not predictable; a reset parser gets it again
// (XML_ParserReset clears it) and keeps its buffers, bounded by one parse slice.
class ThreadParser {
 public:
  ThreadParser() = default;
  ThreadParser(const ThreadParser&) = delete;
  ThreadParser& operator=(const ThreadParser&) = delete;
  ~ThreadParser() {
    if (parser_ != nullptr) XML_ParserFree(parser_);
  }

  // A parser ready for a new document, with no handlers set; nullptr when out of memory.
  XML_Parser fresh() {
    if (parser_ == nullptr) {
      parser_ = XML_ParserCreateNS(nullptr, kNsSeparator);
      if (parser_ == nullptr) return nullptr;
      std::random_device rd;
      salt_ = (static_cast<unsigned long>(rd()) << 32U) ^ rd();
    } else if (XML_ParserReset(parser_, nullptr) != XML_TRUE) {
      XML_ParserFree(parser_);
      parser_ = nullptr;
      return fresh();
    }
    XML_SetHashSalt(parser_, salt_);
    return parser_;
  }

 private:
  XML_Parser parser_ = nullptr;
  unsigned long salt_ = 0;
};

// Builds a Tree from the input with Expat. One instance per decode.
class TreeBuilder {
 public:
  TreeBuilder(Tree& tree, const DecodeOptions& options) : tree_(tree), options_(options) {}

  // Parses `xml` (the whole input; `skip` leading bytes are not fed to Expat) into the
  // tree. Returns the first error.
  std::optional<Error> parse(std::string_view xml, std::size_t skip) {
    base_ = skip;
    tree_.input = xml;
    // Well-formed documents have about two '<' per element. The cap keeps a hostile input
    // (a megabyte of '<') from reserving more than twice its size before Expat rejects it;
    // a real envelope spends far more than 16 bytes per element.
    tree_.nodes.reserve(std::min(countByte(xml, '<') / 2, xml.size() / 16) + 8);
    open_.reserve(std::min<std::size_t>(options_.max_depth, 64) + 1);

    thread_local ThreadParser thread_parser;
    parser_ = thread_parser.fresh();
    if (parser_ == nullptr) {
      throw std::bad_alloc();
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &TreeBuilder::onStart, &TreeBuilder::onEnd);
    XML_SetCharacterDataHandler(parser_, &TreeBuilder::onText);
    XML_SetNamespaceDeclHandler(parser_, &TreeBuilder::onStartNamespace,
                                &TreeBuilder::onEndNamespace);
    XML_SetStartDoctypeDeclHandler(parser_, &TreeBuilder::onDoctype);
    XML_SetEntityDeclHandler(parser_, &TreeBuilder::onEntityDecl);
    XML_SetProcessingInstructionHandler(parser_, &TreeBuilder::onProcessingInstruction);
    // Never fetch or expand anything outside the document.
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);

    std::string_view rest = xml.substr(skip);
    do {
      const std::string_view slice = rest.substr(0, kParseSlice);
      rest.remove_prefix(slice.size());
      const bool is_final = rest.empty();
      if (XML_Parse(parser_, slice.data(), static_cast<int>(slice.size()), is_final ? 1 : 0) !=
          XML_STATUS_OK) {
        if (error_) {
          return std::move(error_);
        }
        return expatError();
      }
      if (error_) {
        return std::move(error_);
      }
    } while (!rest.empty());
    return std::nullopt;
  }

 private:
  struct Open {
    std::uint32_t node;
    std::uint32_t last_child;
    std::size_t child_count;
  };
  // Namespace declarations in scope form one stack per prefix (the prefix's NameTable id),
  // linked through `previous`, so resolving an xsi:type prefix costs one hash lookup however
  // many declarations a document makes.
  struct Binding {
    std::uint32_t prefix;
    std::uint32_t previous;  // index + 1 of the binding it shadows; 0 for none
    NsKind kind;
  };

  static TreeBuilder& self(void* user_data) { return *static_cast<TreeBuilder*>(user_data); }

  static void XMLCALL onStart(void* user_data, const XML_Char* name, const XML_Char** atts) {
    self(user_data).startElement(name, atts);
  }
  static void XMLCALL onEnd(void* user_data, const XML_Char*) {
    TreeBuilder& b = self(user_data);
    if (b.error_ || b.open_.empty()) {
      return;
    }
    b.open_.pop_back();
  }
  static void XMLCALL onText(void* user_data, const XML_Char* s, int len) {
    self(user_data).text(s, static_cast<std::size_t>(len));
  }
  static void XMLCALL onStartNamespace(void* user_data, const XML_Char* prefix,
                                       const XML_Char* uri) {
    TreeBuilder& b = self(user_data);
    if (b.error_) {
      return;
    }
    const NsKind kind =
        classifyNamespace(uri != nullptr ? std::string_view(uri) : std::string_view());
    if (isCwmp(kind) && b.tree_.declared_cwmp == NsKind::None) {
      b.tree_.declared_cwmp = kind;
    }
    const std::uint32_t id =
        b.tree_.names.intern(prefix != nullptr ? std::string_view(prefix) : std::string_view());
    if (id >= b.top_binding_.size()) {
      b.top_binding_.resize(id + 1, 0);
    }
    b.bindings_.push_back(Binding{id, b.top_binding_[id], kind});
    b.top_binding_[id] = static_cast<std::uint32_t>(b.bindings_.size());
  }
  static void XMLCALL onEndNamespace(void* user_data, const XML_Char* prefix) {
    TreeBuilder& b = self(user_data);
    if (b.error_) {
      return;
    }
    const std::uint32_t id =
        b.tree_.names.find(prefix != nullptr ? std::string_view(prefix) : std::string_view());
    if (id >= b.top_binding_.size() || b.top_binding_[id] == 0) {
      return;
    }
    b.top_binding_[id] = b.bindings_[b.top_binding_[id] - 1].previous;
  }
  static void XMLCALL onDoctype(void* user_data, const XML_Char* doctype_name, const XML_Char*,
                                const XML_Char*, int) {
    self(user_data).forbid(std::string("document type declaration <!DOCTYPE ") +
                           (doctype_name != nullptr ? doctype_name : "") + ">");
  }
  static void XMLCALL onEntityDecl(void* user_data, const XML_Char* entity_name, int,
                                   const XML_Char*, int, const XML_Char*, const XML_Char*,
                                   const XML_Char*, const XML_Char*) {
    self(user_data).forbid(std::string("entity declaration <!ENTITY ") +
                           (entity_name != nullptr ? entity_name : "") + ">");
  }
  static void XMLCALL onProcessingInstruction(void* user_data, const XML_Char* target,
                                              const XML_Char*) {
    self(user_data).forbid(std::string("processing instruction <?") +
                           (target != nullptr ? target : "") + "?>");
  }

  std::size_t currentOffset() const {
    const XML_Index index = XML_GetCurrentByteIndex(parser_);
    return index < 0 ? base_ : base_ + static_cast<std::size_t>(index);
  }

  // Path of the open elements, plus `local` when given.
  std::string openPath(std::string_view local = {}) const {
    std::vector<std::string_view> names;
    names.reserve(open_.size() + 1);
    for (const Open& o : open_) {
      names.push_back(tree_.name(tree_.nodes[o.node]));
    }
    if (!local.empty()) {
      names.push_back(local);
    }
    return joinPath(names);
  }

  void stop(ErrorCode code, std::string element, const std::string& what) {
    if (error_) {
      return;
    }
    const std::size_t offset = currentOffset();
    std::string message =
        (element.empty() ? std::string("Envelope") : element) + atByte(offset) + ": " + what;
    error_ = Error{code, std::move(message), std::move(element), offset, std::nullopt};
    XML_StopParser(parser_, XML_FALSE);
  }

  void forbid(const std::string& what) {
    stop(ErrorCode::ForbiddenConstruct, openPath(), what + " is not allowed in a CWMP envelope");
  }

  Error expatError() const {
    const XML_Error code = XML_GetErrorCode(parser_);
    const std::size_t offset = currentOffset();
    std::string element = openPath();
    // Expat counts lines from 1 and columns from 0; editors count both from 1.
    std::string message =
        "malformed XML at line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
        std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + atByte(offset) +
        (element.empty() ? std::string() : " inside " + element) + ": " + XML_ErrorString(code);
    return Error{ErrorCode::MalformedXml, std::move(message), std::move(element), offset,
                 std::nullopt};
  }

  NsKind prefixKind(std::string_view prefix) const {
    const std::uint32_t id = tree_.names.find(prefix);
    if (id >= top_binding_.size() || top_binding_[id] == 0) {
      return NsKind::None;
    }
    return bindings_[top_binding_[id] - 1].kind;
  }

  // xsi:type="p:local": "xsd:local" when p is bound to an XML Schema namespace (2001 or
  // 1999), otherwise the value as sent (trimmed).
  std::uint32_t internType(std::string_view value) {
    value = trimXmlSpace(value);
    const std::size_t colon = value.find(':');
    const std::string_view prefix =
        colon == std::string_view::npos ? std::string_view() : value.substr(0, colon);
    const std::string_view local =
        colon == std::string_view::npos ? value : value.substr(colon + 1);
    if (!local.empty() && prefixKind(prefix) == NsKind::Xsd) {
      type_buffer_.assign("xsd:");
      type_buffer_.append(local);
      return tree_.names.intern(type_buffer_);
    }
    return tree_.names.intern(value);
  }

  void startElement(const XML_Char* raw_name, const XML_Char** atts) {
    if (error_) {
      return;
    }
    const SplitName name = splitName(raw_name);
    const NsKind ns = classifyNamespace(name.uri);
    if (open_.size() >= options_.max_depth) {
      stop(ErrorCode::LimitExceeded, openPath(name.local),
           "element nesting deeper than " + std::to_string(options_.max_depth) +
               " levels (DecodeOptions::max_depth)");
      return;
    }
    if (tree_.nodes.empty() && (ns != NsKind::SoapEnv || name.local != "Envelope")) {
      stop(ErrorCode::NotSoapEnvelope, std::string(name.local),
           "the root element is " + qualifiedName(name.uri, name.local) +
               ", not a SOAP 1.1 Envelope (http://schemas.xmlsoap.org/soap/envelope/)");
      return;
    }

    Node n;
    n.name = tree_.names.intern(name.local);
    n.ns = ns;
    n.byte_offset = static_cast<std::uint32_t>(currentOffset());
    for (const XML_Char** a = atts; *a != nullptr; a += 2) {
      const SplitName attr = splitName(a[0]);
      if (attr.uri.empty()) {
        continue;  // unqualified attributes carry nothing we read
      }
      const NsKind attr_ns = classifyNamespace(attr.uri);
      if (attr_ns == NsKind::Xsi && attr.local == "type") {
        n.type = internType(a[1]);
      } else if (attr_ns == NsKind::SoapEnv && attr.local == "mustUnderstand") {
        const std::string_view v = trimXmlSpace(a[1]);
        if (v == "1" || v == "true") {
          n.flags |= Node::kMustUnderstand;
        }
      }
    }

    const auto index = static_cast<std::uint32_t>(tree_.nodes.size());
    tree_.nodes.push_back(n);
    if (!open_.empty()) {
      Open& parent = open_.back();
      Node& parent_node = tree_.nodes[parent.node];
      if (parent.last_child == kNoNode) {
        parent_node.first_child = index;
        // The parent is a container: its text so far is indentation, not content.
        dropText(parent_node);
      } else {
        tree_.nodes[parent.last_child].next_sibling = index;
      }
      parent.last_child = index;
      if (++parent.child_count > options_.max_items) {
        stop(ErrorCode::LimitExceeded, openPath(),
             "more than " + std::to_string(options_.max_items) +
                 " child elements (DecodeOptions::max_items)");
        return;
      }
      if (open_.size() == 1 && ns == NsKind::SoapEnv && name.local == "Header" &&
          header_ == kNoNode) {
        header_ = index;
      }
      if (open_.size() == 2 && parent.node == header_ && (n.flags & Node::kMustUnderstand)) {
        tree_.must_understand.emplace_back(index, qualifiedName(name.uri, name.local));
      }
    }
    open_.push_back(Open{index, kNoNode, 0});
  }

  void dropText(Node& n) {
    if ((n.flags & Node::kTextInArena) && n.text_offset + n.text_length == tree_.arena.size()) {
      tree_.arena.resize(n.text_offset);
    }
    n.flags = static_cast<std::uint8_t>(n.flags & ~Node::kTextInArena);
    n.text_offset = 0;
    n.text_length = 0;
  }

  void text(const XML_Char* s, std::size_t len) {
    if (error_ || open_.empty() || len == 0) {
      return;
    }
    const Open& top = open_.back();
    if (top.last_child != kNoNode) {
      return;  // text between child elements: not content
    }
    Node& n = tree_.nodes[top.node];
    // Expat reports most text byte for byte at the current input offset: keep a view.
    const std::size_t offset = currentOffset();
    const bool in_input = offset <= tree_.input.size() && len <= tree_.input.size() - offset &&
                          std::memcmp(tree_.input.data() + offset, s, len) == 0;
    if (n.text_length == 0) {
      if (in_input) {
        n.text_offset = static_cast<std::uint32_t>(offset);
        n.flags = static_cast<std::uint8_t>(n.flags & ~Node::kTextInArena);
      } else {
        n.text_offset = static_cast<std::uint32_t>(tree_.arena.size());
        tree_.arena.append(s, len);
        n.flags |= Node::kTextInArena;
      }
      n.text_length = static_cast<std::uint32_t>(len);
      return;
    }
    if (!(n.flags & Node::kTextInArena)) {
      if (in_input && n.text_offset + n.text_length == offset) {
        n.text_length += static_cast<std::uint32_t>(len);  // the next slice of the same text
        return;
      }
      // Not contiguous (an entity, a CDATA section, a comment in between): copy.
      const std::string_view so_far = tree_.input.substr(n.text_offset, n.text_length);
      n.text_offset = static_cast<std::uint32_t>(tree_.arena.size());
      tree_.arena.append(so_far);
      n.flags |= Node::kTextInArena;
    }
    // The open leaf's text is always the tail of the arena.
    tree_.arena.append(s, len);
    n.text_length += static_cast<std::uint32_t>(len);
  }

  Tree& tree_;
  const DecodeOptions& options_;
  XML_Parser parser_ = nullptr;
  std::size_t base_ = 0;
  std::vector<Open> open_;
  std::vector<Binding> bindings_;           // every declaration seen, in document order
  std::vector<std::uint32_t> top_binding_;  // by prefix id: index + 1 of the binding in scope
  std::string type_buffer_;
  std::uint32_t header_ = kNoNode;
  std::optional<Error> error_;
};

std::size_t utf8Length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) {
      ++n;
    }
  }
  return n;
}

// --- Body dispatch -----------------------------------------------------------------------

using ExtractFn = void (*)(Extractor&, std::uint32_t, Body&);

template <std::size_t I>
void extractAlternative(Extractor& ex, std::uint32_t at, Body& body) {
  ex.readStruct(at, body.emplace<I>());
}

struct MethodEntry {
  std::string_view name;
  ExtractFn extract;
};

template <std::size_t... I>
constexpr std::array<MethodEntry, sizeof...(I)> makeMethodTable(std::index_sequence<I...>) {
  return {{MethodEntry{std::variant_alternative_t<I, Body>::kMethod, &extractAlternative<I>}...}};
}

constexpr auto kMethods = makeMethodTable(std::make_index_sequence<std::variant_size_v<Body>>{});

const MethodEntry* findMethod(std::string_view local) {
  if (local.empty() || local == Fault::kMethod) {
    return nullptr;  // see readBody
  }
  for (const MethodEntry& m : kMethods) {
    if (m.name == local) {
      return &m;
    }
  }
  return nullptr;
}

CwmpNamespace toCwmpNamespace(NsKind kind) {
  return static_cast<CwmpNamespace>(static_cast<int>(kind) - static_cast<int>(NsKind::Cwmp10));
}

// Reads the SOAP header, the Body and the envelope namespace.
class EnvelopeReader {
 public:
  explicit EnvelopeReader(Extractor& ex) : ex_(ex) {}

  void read(Envelope& env) {
    const std::uint32_t root = 0;
    std::uint32_t header = kNoNode;
    std::uint32_t body = kNoNode;
    for (std::uint32_t c = ex_.node(root).first_child; c != kNoNode; c = ex_.node(c).next_sibling) {
      if (ex_.node(c).ns != NsKind::SoapEnv) {
        continue;  // SOAP 1.1 allows extra elements
      }
      const std::string_view name = ex_.nameOf(c);
      std::uint32_t* slot = name == "Header" ? &header : name == "Body" ? &body : nullptr;
      if (slot == nullptr) {
        continue;
      }
      if (*slot != kNoNode) {
        ex_.fail(ErrorCode::NotSoapEnvelope, c, ex_.pathTo(c),
                 "the Envelope has more than one " + std::string(name));
        return;
      }
      *slot = c;
    }
    if (body == kNoNode) {
      ex_.fail(ErrorCode::NotSoapEnvelope, root, "Envelope", "the Envelope has no SOAP Body");
      return;
    }
    NsKind header_ns = NsKind::None;
    if (header != kNoNode) {
      readHeader(header, env.header, header_ns);
    }
    if (ex_.failed()) {
      return;
    }
    NsKind body_ns = NsKind::None;
    readBody(body, env.body, body_ns);
    if (ex_.failed()) {
      return;
    }
    // The namespace to answer in: the RPC element's, else the header elements', else one
    // declared on the way, else cwmp-1-0, which every peer understands.
    NsKind ns = body_ns;
    if (!isCwmp(ns)) {
      ns = header_ns;
    }
    if (!isCwmp(ns)) {
      ns = ex_.tree().declared_cwmp;
    }
    env.ns = isCwmp(ns) ? toCwmpNamespace(ns) : CwmpNamespace::V1_0;
  }

 private:
  void readHeader(std::uint32_t header, Header& out, NsKind& ns) {
    // Tree::must_understand lists the flagged Header children in document order, the order
    // of this loop, so one cursor walks it (no quadratic scan for hostile headers).
    const auto& flagged = ex_.tree().must_understand;
    std::size_t next_flagged = 0;
    for (std::uint32_t c = ex_.node(header).first_child; c != kNoNode && !ex_.failed();
         c = ex_.node(c).next_sibling) {
      const Node& n = ex_.node(c);
      const std::string_view name = ex_.nameOf(c);
      if (isCwmp(n.ns)) {
        if (ns == NsKind::None) {
          ns = n.ns;
        }
        if (name == "ID") {
          if (!out.id) {
            readText(c, out.id);
          }
          continue;
        }
        if (name == "HoldRequests") {
          if (!out.hold_requests) {
            readFlag(c, out.hold_requests);
          }
          continue;
        }
        if (name == "NoMoreRequests") {
          if (!out.no_more_requests) {
            readFlag(c, out.no_more_requests);
          }
          continue;
        }
        // genieacs spells it sessionTimeout (docs/cwmp-checklist.md 13.13).
        if (name == "SessionTimeout" || name == "sessionTimeout") {
          if (!out.session_timeout) {
            std::uint32_t value = 0;
            ex_.readUnsigned(c, value);
            if (!ex_.failed()) {
              out.session_timeout = value;
            }
          }
          continue;
        }
        if (name == "SupportedCWMPVersions") {
          if (!out.supported_cwmp_versions) {
            readText(c, out.supported_cwmp_versions);
          }
          continue;
        }
        if (name == "UseCWMPVersion") {
          if (!out.use_cwmp_version) {
            readText(c, out.use_cwmp_version);
          }
          continue;
        }
      }
      // A header element we do not understand: SOAP 1.1 section 4.2.3 obliges the receiver
      // to fault only when it carries mustUnderstand="1".
      if (n.flags & Node::kMustUnderstand) {
        while (next_flagged < flagged.size() && flagged[next_flagged].first < c) {
          ++next_flagged;
        }
        if (next_flagged < flagged.size() && flagged[next_flagged].first == c) {
          out.not_understood.push_back(flagged[next_flagged].second);
        }
      }
    }
  }

  void readText(std::uint32_t at, std::optional<std::string>& out) {
    std::string_view text;
    if (ex_.leafText(at, text)) {
      out.emplace(text);
    }
  }

  void readFlag(std::uint32_t at, std::optional<bool>& out) {
    bool value = false;
    ex_.readBool(at, value);
    if (!ex_.failed()) {
      out = value;
    }
  }

  void readBody(std::uint32_t body, Body& out, NsKind& ns) {
    const std::uint32_t rpc = ex_.node(body).first_child;
    if (rpc == kNoNode) {
      std::string_view text;
      if (ex_.leafText(body, text) && !isXmlSpaceOnly(text)) {
        ex_.fail(ErrorCode::NotSoapEnvelope, body, "Envelope/Body",
                 "the SOAP Body holds text instead of an RPC element");
        return;
      }
      out.emplace<EmptyBody>();
      return;
    }
    if (ex_.node(rpc).next_sibling != kNoNode) {
      ex_.fail(ErrorCode::NotSoapEnvelope, ex_.node(rpc).next_sibling, "Envelope/Body",
               "the SOAP Body holds " + std::to_string(ex_.countChildren(body)) +
                   " elements; it must hold exactly one");
      return;
    }
    const Node& n = ex_.node(rpc);
    const std::string_view name = ex_.nameOf(rpc);
    if (name == Fault::kMethod) {
      if (n.ns != NsKind::SoapEnv) {
        ex_.fail(ErrorCode::UnknownMethod, rpc, std::string(name),
                 "a Body element named Fault must be the SOAP Fault, in the SOAP envelope "
                 "namespace");
        return;
      }
      readFault(rpc, out.emplace<Fault>(), ns);
      return;
    }
    // Matched by local name: a CPE that puts the RPC in no namespace or a namespace we do
    // not know still gets understood (tolerance.md, "Envelope and Body").
    const MethodEntry* method = findMethod(name);
    if (method == nullptr) {
      ex_.fail(ErrorCode::UnknownMethod, rpc, std::string(name),
               "unknown CWMP method " + std::string(name));
      return;
    }
    ns = n.ns;
    method->extract(ex_, rpc, out);
  }

  // The SOAP Fault (SOAP 1.1 section 4.4) and its cwmp:Fault detail (TR-069 A.5.1).
  void readFault(std::uint32_t at, Fault& out, NsKind& ns) {
    const std::uint32_t faultcode = ex_.findChild(at, "faultcode");
    if (faultcode == kNoNode) {
      return ex_.failMissing(at, "faultcode");
    }
    std::string_view code;
    if (!ex_.leafText(faultcode, code)) {
      return;
    }
    code = trimXmlSpace(code);
    // "SOAP-ENV:Client" and "Client" both mean Client; the prefix is not resolved.
    if (const std::size_t colon = code.rfind(':'); colon != std::string_view::npos) {
      // Space after the colon ("SOAP-ENV: Client", not a valid QName) goes too, as around
      // the whole value: the encoder writes the bare name, which must decode the same.
      code = trimXmlSpace(code.substr(colon + 1));
    }
    out.faultcode.assign(code);
    const std::uint32_t faultstring = ex_.findChild(at, "faultstring");
    if (faultstring == kNoNode) {
      return ex_.failMissing(at, "faultstring");
    }
    std::string_view text;
    if (!ex_.leafText(faultstring, text)) {
      return;
    }
    out.faultstring.assign(text);
    // A SOAP fault without a cwmp:Fault detail (e.g. a MustUnderstand fault from a SOAP
    // stack) decodes with fault_code 0 so the receiver still sees faultcode/faultstring.
    out.fault_code = 0;
    out.fault_string.clear();
    out.set_parameter_values_fault.clear();
    const std::uint32_t detail = ex_.findChild(at, "detail");
    if (detail == kNoNode) {
      return;
    }
    const std::uint32_t cwmp_fault = ex_.findChild(detail, "Fault");
    if (cwmp_fault == kNoNode) {
      return;
    }
    ns = ex_.node(cwmp_fault).ns;
    ex_.readStruct(cwmp_fault, out, "FaultString");
  }

  Extractor& ex_;
};

}  // namespace

std::string joinPath(const std::vector<std::string_view>& names) {
  std::size_t start = 0;
  if (names.size() >= 2 && names[0] == "Envelope") {
    if (names[1] == "Body" && names.size() >= 3) {
      start = 2;
    } else if (names[1] == "Header") {
      start = 1;
    }
  }
  std::string path;
  for (std::size_t i = start; i < names.size(); ++i) {
    if (!path.empty()) {
      path += '/';
    }
    path += names[i];
  }
  return path;
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  if (text.size() <= kMax) {
    out += text;
  } else {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) {
      --cut;
    }
    out += text.substr(0, cut);
    out += "...";
  }
  out += '"';
  return out;
}

std::string Extractor::pathTo(std::uint32_t index, std::string_view child) const {
  // Nodes are in document order and every subtree is a contiguous index range, so the
  // child of `at` that contains `index` is its last child with an index <= `index`.
  std::vector<std::string_view> names;
  std::uint32_t at = 0;
  names.push_back(nameOf(at));
  while (at != index) {
    std::uint32_t next = kNoNode;
    for (std::uint32_t c = node(at).first_child; c != kNoNode && c <= index;
         c = node(c).next_sibling) {
      next = c;
    }
    if (next == kNoNode) {
      break;
    }
    at = next;
    names.push_back(nameOf(at));
  }
  if (!child.empty()) {
    names.push_back(child);
  }
  return joinPath(names);
}

void Extractor::fail(ErrorCode code, std::uint32_t at, std::string element,
                     const std::string& what) {
  if (error_) {
    return;
  }
  const std::size_t offset = node(at).byte_offset;
  std::string message = element + atByte(offset) + ": " + what;
  error_ = Error{code, std::move(message), std::move(element), offset, std::nullopt};
}

void Extractor::failMissing(std::uint32_t parent, std::string_view name) {
  fail(ErrorCode::MissingElement, parent, pathTo(parent, name),
       "required element " + std::string(name) + " is missing from " + pathTo(parent));
}

void Extractor::failInvalid(std::uint32_t at, std::string_view text, std::string_view expected) {
  fail(ErrorCode::InvalidValue, at, pathTo(at),
       excerpt(text) + " is not a valid " + std::string(expected));
}

bool Extractor::leafText(std::uint32_t at, std::string_view& text) {
  const Node& n = node(at);
  if (n.first_child != kNoNode) {
    fail(ErrorCode::InvalidValue, at, pathTo(at),
         "expected text, found the child element " + std::string(nameOf(n.first_child)));
    return false;
  }
  text = tree_.text(n);
  return true;
}

void Extractor::readString(const Field& field, std::uint32_t at, std::string& out) {
  std::string_view text;
  if (!leafText(at, text)) {
    return;
  }
  if (field.kind == FieldKind::DateTime) {
    text = trimXmlSpace(text);
    if (!parseDateTime(text)) {
      return failInvalid(at, text, "dateTime");
    }
  } else if (field.kind == FieldKind::Base64) {
    if (!decodeBase64(text)) {
      return failInvalid(at, text, "base64 value");
    }
  }
  if (options_.enforce_string_limits && field.max_length != 0 && text.size() > field.max_length) {
    const std::size_t length = utf8Length(text);
    if (length > field.max_length) {
      return fail(ErrorCode::TooLong, at, pathTo(at),
                  std::to_string(length) + " characters; the schema allows at most " +
                      std::to_string(field.max_length));
    }
  }
  out.assign(text);
}

void Extractor::readBool(std::uint32_t at, bool& out) {
  std::string_view text;
  if (!leafText(at, text)) {
    return;
  }
  const std::optional<bool> value = parseBoolean(text);
  if (!value) {
    return failInvalid(at, text, "boolean (true, false, 1 or 0)");
  }
  out = *value;
}

void Extractor::readInt(const Field& field, std::uint32_t at, std::int32_t& out) {
  std::string_view text;
  if (!leafText(at, text)) {
    return;
  }
  // genieacs sends <Notification/> in SetParameterAttributes when NotificationChange is
  // false (docs/cwmp-checklist.md 13.9); it means "off".
  if (field.name == "Notification" && isXmlSpaceOnly(text)) {
    out = 0;
    return;
  }
  const std::optional<std::int32_t> value = parseInt(text);
  if (!value) {
    return failInvalid(at, text, "int");
  }
  out = *value;
}

void Extractor::readUnsigned(std::uint32_t at, std::uint32_t& out) {
  std::string_view text;
  if (!leafText(at, text)) {
    return;
  }
  const std::optional<std::uint32_t> value = parseUnsignedInt(text);
  if (!value) {
    return failInvalid(at, text, "unsignedInt");
  }
  out = *value;
}

bool Extractor::checkItemCount(const Field& field, std::uint32_t at, std::size_t count) {
  if (options_.enforce_string_limits && field.max_items != 0 && count > field.max_items) {
    fail(ErrorCode::LimitExceeded, at, pathTo(at),
         std::to_string(count) + " items; the schema allows at most " +
             std::to_string(field.max_items));
    return false;
  }
  return true;
}

std::optional<std::size_t> Extractor::arrayItems(const Field& field, std::uint32_t wrapper) {
  const Node& n = node(wrapper);
  if (n.first_child == kNoNode) {
    if (!isXmlSpaceOnly(tree_.text(n))) {
      failInvalid(wrapper, tree_.text(n), "array (expected item elements)");
      return std::nullopt;
    }
    return 0;
  }
  const std::size_t count = countChildren(wrapper);
  if (!checkItemCount(field, wrapper, count)) {
    return std::nullopt;
  }
  return count;
}

void Extractor::readStrings(const Field& field, std::uint32_t wrapper,
                            std::vector<std::string>& out) {
  out.clear();
  if (wrapper == kNoNode) {
    return;
  }
  const std::optional<std::size_t> count = arrayItems(field, wrapper);
  if (!count) {
    return;
  }
  out.reserve(*count);
  for (std::uint32_t c = node(wrapper).first_child; c != kNoNode; c = node(c).next_sibling) {
    readString(field, c, out.emplace_back());
    if (failed()) {
      return;
    }
  }
}

void Extractor::readOperations(const Field& field, std::uint32_t wrapper,
                               std::vector<DuOperation>& out) {
  out.clear();
  if (wrapper == kNoNode) {
    return;
  }
  const std::optional<std::size_t> count = arrayItems(field, wrapper);
  if (!count) {
    return;
  }
  out.reserve(*count);
  for (std::uint32_t c = node(wrapper).first_child; c != kNoNode; c = node(c).next_sibling) {
    // The element name says which operation it is; an element with another name
    // (e.g. <Operation>) says it with xsi:type="cwmp:InstallOpStruct".
    std::string_view kind = nameOf(c);
    if (kind != InstallOpStruct::kName && kind != UpdateOpStruct::kName &&
        kind != UninstallOpStruct::kName) {
      kind = tree_.type(node(c));
      if (const std::size_t colon = kind.rfind(':'); colon != std::string_view::npos) {
        kind.remove_prefix(colon + 1);
      }
    }
    if (kind == InstallOpStruct::kName) {
      readStruct(c, out.emplace_back().emplace<InstallOpStruct>());
    } else if (kind == UpdateOpStruct::kName) {
      readStruct(c, out.emplace_back().emplace<UpdateOpStruct>());
    } else if (kind == UninstallOpStruct::kName) {
      readStruct(c, out.emplace_back().emplace<UninstallOpStruct>());
    } else {
      return fail(ErrorCode::InvalidValue, c, pathTo(c),
                  "operation " + std::string(nameOf(c)) +
                      " is neither InstallOpStruct, UpdateOpStruct nor UninstallOpStruct "
                      "(by element name or xsi:type)");
    }
    if (failed()) {
      return;
    }
  }
}

}  // namespace decode_detail

Result<Envelope> decodeEnvelope(std::string_view xml, const DecodeOptions& options) {
  using namespace decode_detail;
  if (xml.size() > options.max_bytes || xml.size() > kMaxInputBytes) {
    const std::size_t limit = std::min(options.max_bytes, kMaxInputBytes);
    return Error{ErrorCode::LimitExceeded,
                 "the envelope is " + std::to_string(xml.size()) + " bytes; the limit is " +
                     std::to_string(limit) + " (DecodeOptions::max_bytes)",
                 "", limit, std::nullopt};
  }
  // Leading whitespace before the XML declaration is not well-formed XML, but some HTTP
  // stacks add a newline there; skip it rather than refuse the envelope.
  std::size_t skip = 0;
  while (skip < xml.size() && isXmlSpace(xml[skip])) {
    ++skip;
  }
  try {
    Tree tree;
    TreeBuilder builder(tree, options);
    if (std::optional<Error> error = builder.parse(xml, skip)) {
      return std::move(*error);
    }
    Extractor ex(tree, options);
    Envelope env;
    EnvelopeReader(ex).read(env);
    if (ex.failed()) {
      Error error = ex.takeError();
      error.header_id = std::move(env.header.id);  // set only when the Header decoded
      return error;
    }
    return env;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::LimitExceeded, "out of memory while decoding the envelope", "", 0,
                 std::nullopt};
  } catch (const std::length_error&) {
    return Error{ErrorCode::LimitExceeded, "the envelope needs more memory than is available", "",
                 0, std::nullopt};
  }
}

}  // namespace cwmp
