// cwmp/src/encode.cpp: cwmp::Envelope -> SOAP 1.1 envelope bytes.
//
// The output string is built directly (no DOM, no XML writer object): Poco's XMLWriter costs
// about 40 times as much for the same envelope. Element names come only from the
// `fields(self, visitor)` descriptions of messages.h, walked by one generic visitor
// (BodyWriter); only the Envelope/Header/Body shell and the SOAP Fault wrapper are written by
// hand here.
//
// Wire choices (all deterministic, so golden tests can compare bytes):
// - Namespace declarations on the Envelope, always in this order: SOAP-ENV, SOAP-ENC, cwmp,
//   xsd, xsi. Prefixes of SOAP-ENV, SOAP-ENC and cwmp come from EncodeOptions; xsd and xsi are
//   fixed. No XML declaration unless asked, no whitespace between elements, every element
//   written with an explicit end tag (`<CommandKey></CommandKey>`, never `<CommandKey/>`),
//   since naive CPE parsers match tags literally.
// - RPC children are unqualified (TR-069 A.2.1 / checklist 2.1.3).
// - Booleans are written "1"/"0". XML Schema allows both forms, but icwmp reads HoldRequests
//   and NoMoreRequests with atoi() (so "true" would read as 0) and genieacs sends NextLevel as
//   `+nextLevel`, i.e. "1"/"0": the numeric form is the one every peer we know reads right.
//   Parameter values (ParameterValueStruct Value) are text and pass through untouched.
// - Arrays carry SOAP-ENC:arrayType="<type>[N]" with N the real item count (checklist 8.3);
//   EncodeOptions can make N lie or zero-pad it, to play a broken peer.
// - Every Value carries xsi:type (its type, or "xsd:string" when empty; checklist 2.1.5),
//   unless EncodeOptions::omit_value_types.
// - Header elements in the order of cwmp::Header, with mustUnderstand per checklist 2.2:
//   ID "1", HoldRequests "1", NoMoreRequests none (deprecated, not in the schemas),
//   SessionTimeout "0", SupportedCWMPVersions "0", UseCWMPVersion "1". The Header element is
//   left out when no header field is set. Header::not_understood describes what a received
//   envelope carried; it is never written.
// - ChangeDUState operations are written as <InstallOpStruct xsi:type="cwmp:InstallOpStruct">
//   (likewise Update/Uninstall) inside <Operations SOAP-ENC:arrayType=
//   "cwmp:OperationStruct[N]">: the element name for parsers that match names, the xsi:type
//   for those (icwmp) that dispatch on it.
//
// Escaping (checklist 1.6.1): & < > " become entity references everywhere; CR becomes &#13;
// (a parser would otherwise normalise it away); in attribute values tab and LF become &#9;
// and &#10; for the same reason; DEL becomes &#127;. UTF-8 passes through. Bytes that XML 1.0
// cannot carry in any form (C0 controls other than tab/LF/CR, malformed UTF-8, U+FFFE/U+FFFF)
// are each replaced by U+FFFD so the output always stays well-formed; the JSON reader
// rejects such text up front (json.h), so only C++ callers can reach this case.
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "encode_text.h"

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace cwmp {
namespace {

constexpr std::string_view kSoapEnvUri = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view kSoapEncUri = "http://schemas.xmlsoap.org/soap/encoding/";
constexpr std::string_view kXsdUri = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kXsiUri = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXmlDeclaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";

// What the escaper does with each byte value.
enum class ByteClass : std::uint8_t {
  Plain,      // copied as is
  Markup,     // & < > "
  TabOrLf,    // kept in text, a character reference in attribute values
  Cr,         // always a character reference
  Del,        // always a character reference
  Forbidden,  // C0 control XML 1.0 cannot carry at all
  NonAscii,   // start of (possibly malformed) UTF-8: validated
};

constexpr std::array<ByteClass, 256> makeByteClasses() {
  std::array<ByteClass, 256> classes{};
  for (std::size_t i = 0; i < 256; ++i) {
    if (i < 0x20) {
      classes[i] = ByteClass::Forbidden;
    } else if (i < 0x7F) {
      classes[i] = ByteClass::Plain;
    } else if (i == 0x7F) {
      classes[i] = ByteClass::Del;
    } else {
      classes[i] = ByteClass::NonAscii;
    }
  }
  classes['&'] = classes['<'] = classes['>'] = classes['"'] = ByteClass::Markup;
  classes['\t'] = classes['\n'] = ByteClass::TabOrLf;
  classes['\r'] = ByteClass::Cr;
  return classes;
}

constexpr std::array<ByteClass, 256> kByteClasses = makeByteClasses();

// Appends `text` escaped for element content (in_attribute false) or for a double-quoted
// attribute value (in_attribute true). Runs of plain bytes are copied in one append.
void appendEscaped(std::string& out, std::string_view text, bool in_attribute) {
  std::size_t run_start = 0;
  std::size_t pos = 0;
  const auto flush = [&] {
    if (pos > run_start) out.append(text.data() + run_start, pos - run_start);
  };
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    switch (kByteClasses[byte]) {
      case ByteClass::Plain:
        ++pos;
        continue;
      case ByteClass::NonAscii: {
        const std::size_t len = encode_text::xmlCharLength(text, pos);
        if (len != 0) {
          pos += len;
          continue;
        }
        flush();
        out += encode_text::kReplacementCharacter;
        break;
      }
      case ByteClass::TabOrLf:
        if (!in_attribute) {
          ++pos;
          continue;
        }
        flush();
        out += byte == '\t' ? "&#9;" : "&#10;";
        break;
      case ByteClass::Markup:
        flush();
        switch (byte) {
          case '&':
            out += "&amp;";
            break;
          case '<':
            out += "&lt;";
            break;
          case '>':
            out += "&gt;";
            break;
          default:
            out += "&quot;";
            break;
        }
        break;
      case ByteClass::Cr:
        flush();
        out += "&#13;";
        break;
      case ByteClass::Del:
        flush();
        out += "&#127;";
        break;
      case ByteClass::Forbidden:
        flush();
        out += encode_text::kReplacementCharacter;
        break;
    }
    ++pos;
    run_start = pos;
  }
  flush();
}

template <class Integer>
void appendInteger(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
}

// Walks the Field descriptions of one message (or nested struct) and writes its children.
// `visitor(field, member)` per messages.h; the overload set mirrors the member types listed
// there.
class BodyWriter {
 public:
  BodyWriter(std::string& out, const EncodeOptions& options, std::string_view soap_enc_prefix,
             std::string_view cwmp_prefix)
      : out_(out),
        options_(options),
        soap_enc_prefix_(soap_enc_prefix),
        cwmp_prefix_(cwmp_prefix) {}

  void operator()(const Field& field, const std::string& text) {
    open(field.name);
    appendEscaped(out_, text, false);
    close(field.name);
  }

  // Absent optional elements are left out; a present empty one is written empty.
  void operator()(const Field& field, const std::optional<std::string>& text) {
    if (text) (*this)(field, *text);
  }

  void operator()(const Field& field, const bool& flag) {
    open(field.name);
    out_ += flag ? '1' : '0';
    close(field.name);
  }

  void operator()(const Field& field, const std::int32_t& number) {
    open(field.name);
    appendInteger(out_, number);
    close(field.name);
  }

  void operator()(const Field& field, const std::uint32_t& number) {
    open(field.name);
    appendInteger(out_, number);
    close(field.name);
  }

  // ParameterValueStruct Value with its xsi:type.
  void operator()(const Field& field, const std::string& text, const std::string& type_name) {
    out_ += '<';
    out_ += field.name;
    if (!options_.omit_value_types) {
      out_ += ' ';
      out_ += kXsiTypeAttribute;
      out_ += "=\"";
      if (type_name.empty()) {
        out_ += "xsd:string";
      } else {
        appendEscaped(out_, type_name, true);
      }
      out_ += '"';
    }
    out_ += '>';
    appendEscaped(out_, text, false);
    close(field.name);
  }

  void operator()(const Field& field, const std::vector<std::string>& items) {
    if (field.kind == FieldKind::Repeated) {
      for (const std::string& item : items) (*this)(field, item);
      return;
    }
    openArray(field, items.size());
    const Field item_field{.name = field.item, .max_length = field.max_length, .kind = field.kind};
    for (const std::string& item : items) (*this)(item_field, item);
    close(field.name);
  }

  // A nested struct: <Name>children</Name>.
  template <class Struct>
  void operator()(const Field& field, const Struct& value) {
    open(field.name);
    Struct::fields(value, *this);
    close(field.name);
  }

  // An array of structs, or (FieldKind::Repeated) sibling elements with no wrapper.
  template <class Struct>
  void operator()(const Field& field, const std::vector<Struct>& items) {
    if (field.kind == FieldKind::Repeated) {
      for (const Struct& item : items) (*this)(field, item);
      return;
    }
    openArray(field, items.size());
    const Field item_field{.name = field.item};
    for (const Struct& item : items) (*this)(item_field, item);
    close(field.name);
  }

  void operator()(const Field& field, const std::vector<DuOperation>& operations) {
    openArray(field, operations.size());
    for (const DuOperation& operation : operations) {
      std::visit(
          [this](const auto& op) {
            using Op = std::decay_t<decltype(op)>;
            out_ += '<';
            out_ += Op::kName;
            out_ += ' ';
            out_ += kXsiTypeAttribute;
            out_ += "=\"";
            out_ += cwmp_prefix_;
            out_ += ':';
            out_ += Op::kName;
            out_ += "\">";
            Op::fields(op, *this);
            close(Op::kName);
          },
          operation);
    }
    close(field.name);
  }

 private:
  static constexpr std::string_view kXsiTypeAttribute = "xsi:type";
  static constexpr std::string_view kCwmpTypePrefix = "cwmp:";

  void open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }

  void close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }

  // <Name SOAP-ENC:arrayType="type[N]">, N lying or padded when the options ask for it.
  void openArray(const Field& field, std::size_t count) {
    out_ += '<';
    out_ += field.name;
    out_ += ' ';
    out_ += soap_enc_prefix_;
    out_ += ":arrayType=\"";
    // messages.h writes CWMP item types as "cwmp:EventStruct"; the prefix must be the one
    // this envelope declares.
    std::string_view item_type = field.array_type;
    if (item_type.starts_with(kCwmpTypePrefix)) {
      out_ += cwmp_prefix_;
      out_ += ':';
      item_type.remove_prefix(kCwmpTypePrefix.size());
    }
    appendEscaped(out_, item_type, true);
    out_ += '[';
    const long long shown = static_cast<long long>(count) + options_.array_count_delta;
    if (options_.zero_pad_array_counts) {
      // Field CPEs have been seen sending "[0009]" (checklist 13.4): four digits.
      if (shown < 0) out_ += '-';
      const unsigned long long magnitude = static_cast<unsigned long long>(std::llabs(shown));
      for (unsigned long long limit = 1000; limit > 1 && magnitude < limit; limit /= 10) {
        out_ += '0';
      }
      appendInteger(out_, magnitude);
    } else {
      appendInteger(out_, shown);
    }
    out_ += "]\">";
  }

  std::string& out_;
  const EncodeOptions& options_;
  std::string_view soap_enc_prefix_;
  std::string_view cwmp_prefix_;
};

// An empty prefix would produce `xmlns:="..."`, which is not XML; the defaults stand in.
std::string_view prefixOr(std::string_view prefix, std::string_view fallback) {
  return prefix.empty() ? fallback : prefix;
}

class EnvelopeWriter {
 public:
  EnvelopeWriter(std::string& out, const EncodeOptions& options)
      : out_(out),
        options_(options),
        env_(prefixOr(options.soap_env_prefix, "SOAP-ENV")),
        enc_(prefixOr(options.soap_enc_prefix, "SOAP-ENC")),
        cwmp_(prefixOr(options.cwmp_prefix, "cwmp")) {}

  void write(const Envelope& envelope) {
    if (options_.xml_declaration) out_ += kXmlDeclaration;
    out_ += '<';
    out_ += env_;
    out_ += ":Envelope xmlns:";
    out_ += env_;
    out_ += "=\"";
    out_ += kSoapEnvUri;
    out_ += "\" xmlns:";
    out_ += enc_;
    out_ += "=\"";
    out_ += kSoapEncUri;
    out_ += "\" xmlns:";
    out_ += cwmp_;
    out_ += "=\"";
    appendEscaped(out_, namespaceUri(envelope.ns), true);
    out_ += "\" xmlns:xsd=\"";
    out_ += kXsdUri;
    out_ += "\" xmlns:xsi=\"";
    out_ += kXsiUri;
    out_ += "\">";
    writeHeader(envelope.header);
    openSoap("Body");
    std::visit([this](const auto& message) { writeBody(message); }, envelope.body);
    closeSoap("Body");
    closeSoap("Envelope");
  }

 private:
  void openSoap(std::string_view local) {
    out_ += '<';
    out_ += env_;
    out_ += ':';
    out_ += local;
    out_ += '>';
  }

  void closeSoap(std::string_view local) {
    out_ += "</";
    out_ += env_;
    out_ += ':';
    out_ += local;
    out_ += '>';
  }

  // <cwmp:Name>, or <cwmp:Name SOAP-ENV:mustUnderstand="x"> for a header element.
  void openCwmp(std::string_view local, char must_understand) {
    out_ += '<';
    out_ += cwmp_;
    out_ += ':';
    out_ += local;
    if (must_understand != '\0') {
      out_ += ' ';
      out_ += env_;
      out_ += ":mustUnderstand=\"";
      out_ += must_understand;
      out_ += '"';
    }
    out_ += '>';
  }

  void closeCwmp(std::string_view local) {
    out_ += "</";
    out_ += cwmp_;
    out_ += ':';
    out_ += local;
    out_ += '>';
  }

  void writeHeaderText(std::string_view local, char must_understand, std::string_view text) {
    openCwmp(local, must_understand);
    appendEscaped(out_, text, false);
    closeCwmp(local);
  }

  void writeHeader(const Header& header) {
    if (!header.id && !header.hold_requests && !header.no_more_requests &&
        !header.session_timeout && !header.supported_cwmp_versions && !header.use_cwmp_version) {
      return;
    }
    openSoap("Header");
    if (header.id) writeHeaderText("ID", '1', *header.id);
    if (header.hold_requests) {
      writeHeaderText("HoldRequests", '1', *header.hold_requests ? "1" : "0");
    }
    if (header.no_more_requests) {
      writeHeaderText("NoMoreRequests", '\0', *header.no_more_requests ? "1" : "0");
    }
    if (header.session_timeout) {
      openCwmp("SessionTimeout", '0');
      appendInteger(out_, *header.session_timeout);
      closeCwmp("SessionTimeout");
    }
    if (header.supported_cwmp_versions) {
      writeHeaderText("SupportedCWMPVersions", '0', *header.supported_cwmp_versions);
    }
    if (header.use_cwmp_version) writeHeaderText("UseCWMPVersion", '1', *header.use_cwmp_version);
    closeSoap("Header");
  }

  void writeBody(const EmptyBody&) {}

  void writeBody(const Fault& fault) {
    // TR-069 A.5 / checklist 5.1: faultcode and faultstring unqualified, the CWMP detail in
    // detail/cwmp:Fault.
    openSoap("Fault");
    out_ += "<faultcode>";
    appendEscaped(out_, fault.faultcode, false);
    out_ += "</faultcode><faultstring>";
    appendEscaped(out_, fault.faultstring, false);
    out_ += "</faultstring><detail>";
    openCwmp("Fault", '\0');
    BodyWriter writer(out_, options_, enc_, cwmp_);
    Fault::fields(fault, writer);
    closeCwmp("Fault");
    out_ += "</detail>";
    closeSoap("Fault");
  }

  template <class Message>
  void writeBody(const Message& message) {
    openCwmp(Message::kMethod, '\0');
    BodyWriter writer(out_, options_, enc_, cwmp_);
    Message::fields(message, writer);
    closeCwmp(Message::kMethod);
  }

  std::string& out_;
  const EncodeOptions& options_;
  std::string_view env_;
  std::string_view enc_;
  std::string_view cwmp_;
};

}  // namespace

void encodeEnvelope(const Envelope& envelope, std::string& out, const EncodeOptions& options) {
  // Enough for any typical request in one allocation; large responses grow geometrically.
  out.reserve(out.size() + 1024);
  EnvelopeWriter(out, options).write(envelope);
}

std::string encodeEnvelope(const Envelope& envelope, const EncodeOptions& options) {
  std::string out;
  encodeEnvelope(envelope, out, options);
  return out;
}

}  // namespace cwmp
