// cwmp/src/json.cpp: the JSON mapping of json.h.
//
// Output is written directly into a std::string (keys in schema order, so it is
// deterministic). Input is parsed by Poco::JSON's parser into a small tree of our own
// (JsonNode: it keeps key order, duplicate keys and the exact integer/double distinction that
// Poco::Dynamic::Var would blur), then read by one generic visitor over the Field
// descriptions. Poco stays inside this file; nothing here throws past the API.
#include "cwmp/json.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "encode_text.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SharedPtr.h>

#include "cwmp/messages.h"
#include "cwmp/status.h"
#include "cwmp/value.h"

namespace cwmp {
namespace {

using namespace std::string_view_literals;

// ---------------------------------------------------------------------------------------
// Output

template <class Integer>
void appendInteger(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
}


// JSON text builder with optional two-space indentation. `first_` tells whether the
// innermost open container has no member yet.
class JsonOut {
 public:
  JsonOut(std::string& out, bool pretty) : out_(out), pretty_(pretty) {}

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }

  void key(std::string_view name) {
    separate();
    appendJsonString(out_, name);
    out_ += pretty_ ? ": " : ":";
  }
  // Call before each array item.
  void item() { separate(); }

  void string(std::string_view text) { appendJsonString(out_, text); }
  void boolean(bool flag) { out_ += flag ? "true" : "false"; }
  template <class Integer>
  void integer(Integer number) {
    appendInteger(out_, number);
  }

 private:
  void open(char bracket) {
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void close(char bracket) {
    --depth_;
    if (!first_) newline();
    out_ += bracket;
    first_ = false;
  }
  void separate() {
    if (!first_) out_ += ',';
    newline();
    first_ = false;
  }
  void newline() {
    if (!pretty_) return;
    out_ += '\n';
    out_.append(2 * depth_, ' ');
  }

  std::string& out_;
  bool pretty_;
  std::size_t depth_ = 0;
  bool first_ = true;
};

constexpr std::string_view operationName(const InstallOpStruct&) { return "Install"; }
constexpr std::string_view operationName(const UpdateOpStruct&) { return "Update"; }
constexpr std::string_view operationName(const UninstallOpStruct&) { return "Uninstall"; }

// The Field visitor writing one object's members (messages.h lists the member types).
class JsonWriter {
 public:
  explicit JsonWriter(JsonOut& out) : out_(out) {}

  void operator()(const Field& field, const std::string& text) {
    out_.key(field.name);
    out_.string(text);
  }
  void operator()(const Field& field, const std::optional<std::string>& text) {
    if (text) (*this)(field, *text);
  }
  void operator()(const Field& field, const bool& flag) {
    out_.key(field.name);
    out_.boolean(flag);
  }
  void operator()(const Field& field, const std::int32_t& number) {
    out_.key(field.name);
    out_.integer(number);
  }
  void operator()(const Field& field, const std::uint32_t& number) {
    out_.key(field.name);
    out_.integer(number);
  }
  void operator()(const Field& field, const std::string& text, const std::string& type_name) {
    out_.key(field.name);
    out_.string(text);
    if (!type_name.empty()) {
      out_.key(kTypeKey);
      out_.string(type_name);
    }
  }
  void operator()(const Field& field, const std::vector<std::string>& items) {
    out_.key(field.name);
    out_.beginArray();
    for (const std::string& item : items) {
      out_.item();
      out_.string(item);
    }
    out_.endArray();
  }
  template <class Struct>
  void operator()(const Field& field, const Struct& value) {
    out_.key(field.name);
    writeObject(value);
  }
  template <class Struct>
  void operator()(const Field& field, const std::vector<Struct>& items) {
    out_.key(field.name);
    out_.beginArray();
    for (const Struct& item : items) {
      out_.item();
      writeObject(item);
    }
    out_.endArray();
  }
  void operator()(const Field& field, const std::vector<DuOperation>& operations) {
    out_.key(field.name);
    out_.beginArray();
    for (const DuOperation& operation : operations) {
      out_.item();
      std::visit(
          [this](const auto& op) {
            out_.beginObject();
            out_.key(kOperationKey);
            out_.string(operationName(op));
            std::decay_t<decltype(op)>::fields(op, *this);
            out_.endObject();
          },
          operation);
    }
    out_.endArray();
  }

  template <class Struct>
  void writeObject(const Struct& value) {
    out_.beginObject();
    Struct::fields(value, *this);
    out_.endObject();
  }

  void writeObject(const Fault& fault) {
    out_.beginObject();
    out_.key("faultcode");
    out_.string(fault.faultcode);
    out_.key("faultstring");
    out_.string(fault.faultstring);
    Fault::fields(fault, *this);
    out_.endObject();
  }

  static constexpr std::string_view kTypeKey = "Type";
  static constexpr std::string_view kOperationKey = "Operation";

 private:
  JsonOut& out_;
};

void writeHeader(JsonOut& out, const Header& header) {
  out.beginObject();
  if (header.id) {
    out.key("ID");
    out.string(*header.id);
  }
  if (header.hold_requests) {
    out.key("HoldRequests");
    out.boolean(*header.hold_requests);
  }
  if (header.no_more_requests) {
    out.key("NoMoreRequests");
    out.boolean(*header.no_more_requests);
  }
  if (header.session_timeout) {
    out.key("SessionTimeout");
    out.integer(*header.session_timeout);
  }
  if (header.supported_cwmp_versions) {
    out.key("SupportedCWMPVersions");
    out.string(*header.supported_cwmp_versions);
  }
  if (header.use_cwmp_version) {
    out.key("UseCWMPVersion");
    out.string(*header.use_cwmp_version);
  }
  if (!header.not_understood.empty()) {
    out.key("NotUnderstood");
    out.beginArray();
    for (const std::string& name : header.not_understood) {
      out.item();
      out.string(name);
    }
    out.endArray();
  }
  out.endObject();
}

void writeBody(JsonOut& out, const Body& body) {
  JsonWriter writer(out);
  std::visit([&writer](const auto& message) { writer.writeObject(message); }, body);
}

// ---------------------------------------------------------------------------------------
// Input: the parsed tree

struct JsonNode {
  enum class Kind : std::uint8_t { Null, Boolean, Integer, Double, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  bool negative = false;                                    // Integer: the sign ...
  std::uint64_t magnitude = 0;                              // ... and the absolute value
  std::string text{};                                       // String
  std::vector<JsonNode> items{};                            // Array
  std::vector<std::pair<std::string, JsonNode>> members{};  // Object, in document order
  std::string next_key{};  // Object being built: key of the member to come
};

// Builds a JsonNode tree from Poco's parser events.
class TreeBuilder : public Poco::JSON::Handler {
 public:
  void reset() override {
    open_.clear();
    root_.reset();
  }
  void startObject() override { open_.push_back(JsonNode{.kind = JsonNode::Kind::Object}); }
  void endObject() override { closeContainer(); }
  void startArray() override { open_.push_back(JsonNode{.kind = JsonNode::Kind::Array}); }
  void endArray() override { closeContainer(); }
  void key(const std::string& name) override {
    if (!open_.empty()) open_.back().next_key = name;
  }
  void null() override { add(JsonNode{}); }
  void value(int number) override { addSigned(number); }
  void value(unsigned number) override { addUnsigned(number); }
  void value(Poco::Int64 number) override { addSigned(number); }
  void value(Poco::UInt64 number) override { addUnsigned(number); }
  void value(const std::string& text) override {
    add(JsonNode{.kind = JsonNode::Kind::String, .text = text});
  }
  void value(double) override { add(JsonNode{.kind = JsonNode::Kind::Double}); }
  void value(bool flag) override {
    add(JsonNode{.kind = JsonNode::Kind::Boolean, .boolean = flag});
  }

  std::optional<JsonNode>& root() { return root_; }

 private:
  void addSigned(std::int64_t number) {
    JsonNode node{.kind = JsonNode::Kind::Integer};
    node.negative = number < 0;
    // Two's-complement negation in unsigned arithmetic: exact even for INT64_MIN.
    node.magnitude =
        node.negative ? 0 - static_cast<std::uint64_t>(number) : static_cast<std::uint64_t>(number);
    add(std::move(node));
  }
  void addUnsigned(std::uint64_t number) {
    add(JsonNode{.kind = JsonNode::Kind::Integer, .magnitude = number});
  }
  void closeContainer() {
    if (open_.empty()) return;
    JsonNode node = std::move(open_.back());
    open_.pop_back();
    node.next_key.clear();
    add(std::move(node));
  }
  void add(JsonNode node) {
    if (open_.empty()) {
      root_ = std::move(node);
      return;
    }
    JsonNode& parent = open_.back();
    if (parent.kind == JsonNode::Kind::Array) {
      parent.items.push_back(std::move(node));
    } else {
      parent.members.emplace_back(std::move(parent.next_key), std::move(node));
      parent.next_key.clear();
    }
  }

  std::vector<JsonNode> open_;
  std::optional<JsonNode> root_;
};

Error invalidArgument(std::string path, std::string_view what) {
  Error error;
  error.code = ErrorCode::InvalidArgument;
  error.message = path.empty() ? std::string(what) : path + ": " + std::string(what);
  error.element = std::move(path);
  return error;
}

// Parses `json` into a tree, or an error carrying Poco's description of the syntax error.
Result<JsonNode> parseTree(std::string_view json) {
  try {
    Poco::SharedPtr<TreeBuilder> builder = new TreeBuilder;
    Poco::JSON::Parser parser(builder);
    parser.setAllowNullByte(true);  // a \u0000 is reported by the field check, with its path
    parser.parse(std::string(json));
    if (!builder->root()) return invalidArgument("", "invalid JSON: no value");
    return std::move(*builder->root());
  } catch (const Poco::Exception& e) {
    return invalidArgument("", "invalid JSON: " + e.displayText());
  } catch (const std::exception& e) {
    return invalidArgument("", std::string("invalid JSON: ") + e.what());
  }
}

std::string_view kindName(JsonNode::Kind kind) {
  switch (kind) {
    case JsonNode::Kind::Null:
      return "null";
    case JsonNode::Kind::Boolean:
      return "a boolean";
    case JsonNode::Kind::Integer:
      return "an integer";
    case JsonNode::Kind::Double:
      return "a fractional number";
    case JsonNode::Kind::String:
      return "a string";
    case JsonNode::Kind::Array:
      return "an array";
    case JsonNode::Kind::Object:
      return "an object";
  }
  return "a value";
}

// "expected a string, got an integer"
std::string expected(std::string_view what, const JsonNode& node) {
  std::string message = "expected ";
  message += what;
  message += ", got ";
  message += kindName(node.kind);
  return message;
}

// ---------------------------------------------------------------------------------------
// Input: required members (json.h lists them; everything else defaults)

template <class T>
struct Required {
  static constexpr std::array<std::string_view, 0> kNames{};
};

#define CWMP_JSON_REQUIRED(Type, ...)                \
  template <>                                        \
  struct Required<Type> {                            \
    static constexpr std::array kNames{__VA_ARGS__}; \
  }

CWMP_JSON_REQUIRED(ParameterValueStruct, "Name"sv, "Value"sv);
CWMP_JSON_REQUIRED(ParameterInfoStruct, "Name"sv);
CWMP_JSON_REQUIRED(SetParameterAttributesStruct, "Name"sv);
CWMP_JSON_REQUIRED(ParameterAttributeStruct, "Name"sv);
CWMP_JSON_REQUIRED(DeviceIdStruct, "Manufacturer"sv, "OUI"sv, "SerialNumber"sv);
CWMP_JSON_REQUIRED(EventStruct, "EventCode"sv);
CWMP_JSON_REQUIRED(FaultStruct, "FaultCode"sv);
CWMP_JSON_REQUIRED(QueuedTransferStruct, "State"sv);
CWMP_JSON_REQUIRED(AllQueuedTransferStruct, "State"sv, "IsDownload"sv, "FileType"sv);
CWMP_JSON_REQUIRED(TimeWindowStruct, "WindowStart"sv, "WindowEnd"sv, "WindowMode"sv,
                   "MaxRetries"sv);
CWMP_JSON_REQUIRED(ArgStruct, "Name"sv, "Value"sv);
CWMP_JSON_REQUIRED(InstallOpStruct, "URL"sv);
CWMP_JSON_REQUIRED(UninstallOpStruct, "UUID"sv);
CWMP_JSON_REQUIRED(OpResultStruct, "UUID"sv, "CurrentState"sv);
CWMP_JSON_REQUIRED(AutonOpResultStruct, "UUID"sv, "CurrentState"sv, "OperationPerformed"sv);
CWMP_JSON_REQUIRED(OptionStruct, "OptionName"sv);
CWMP_JSON_REQUIRED(SetParameterValuesFault, "ParameterName"sv, "FaultCode"sv);
CWMP_JSON_REQUIRED(GetRPCMethodsResponse, "MethodList"sv);
CWMP_JSON_REQUIRED(SetParameterValues, "ParameterList"sv);
CWMP_JSON_REQUIRED(SetParameterValuesResponse, "Status"sv);
CWMP_JSON_REQUIRED(GetParameterValues, "ParameterNames"sv);
CWMP_JSON_REQUIRED(GetParameterValuesResponse, "ParameterList"sv);
CWMP_JSON_REQUIRED(GetParameterNames, "ParameterPath"sv, "NextLevel"sv);
CWMP_JSON_REQUIRED(GetParameterNamesResponse, "ParameterList"sv);
CWMP_JSON_REQUIRED(SetParameterAttributes, "ParameterList"sv);
CWMP_JSON_REQUIRED(GetParameterAttributes, "ParameterNames"sv);
CWMP_JSON_REQUIRED(GetParameterAttributesResponse, "ParameterList"sv);
CWMP_JSON_REQUIRED(AddObject, "ObjectName"sv);
CWMP_JSON_REQUIRED(AddObjectResponse, "InstanceNumber"sv, "Status"sv);
CWMP_JSON_REQUIRED(DeleteObject, "ObjectName"sv);
CWMP_JSON_REQUIRED(DeleteObjectResponse, "Status"sv);
CWMP_JSON_REQUIRED(Download, "FileType"sv, "URL"sv);
CWMP_JSON_REQUIRED(DownloadResponse, "Status"sv);
CWMP_JSON_REQUIRED(Upload, "FileType"sv, "URL"sv);
CWMP_JSON_REQUIRED(UploadResponse, "Status"sv);
CWMP_JSON_REQUIRED(GetQueuedTransfersResponse, "TransferList"sv);
CWMP_JSON_REQUIRED(GetAllQueuedTransfersResponse, "TransferList"sv);
CWMP_JSON_REQUIRED(ScheduleInform, "DelaySeconds"sv);
CWMP_JSON_REQUIRED(ScheduleDownload, "FileType"sv, "URL"sv, "TimeWindowList"sv);
CWMP_JSON_REQUIRED(CancelTransfer, "CommandKey"sv);
CWMP_JSON_REQUIRED(ChangeDUState, "Operations"sv);
CWMP_JSON_REQUIRED(SetVouchers, "VoucherList"sv);
CWMP_JSON_REQUIRED(GetOptionsResponse, "OptionList"sv);
CWMP_JSON_REQUIRED(Inform, "DeviceId"sv, "Event"sv);
CWMP_JSON_REQUIRED(TransferComplete, "FaultStruct"sv);
CWMP_JSON_REQUIRED(AutonomousTransferComplete, "TransferURL"sv, "IsDownload"sv, "FileType"sv,
                   "FaultStruct"sv);
CWMP_JSON_REQUIRED(DUStateChangeComplete, "Results"sv);
CWMP_JSON_REQUIRED(AutonomousDUStateChangeComplete, "Results"sv);
CWMP_JSON_REQUIRED(RequestDownload, "FileType"sv);
CWMP_JSON_REQUIRED(Kicked, "Command"sv, "Next"sv);
CWMP_JSON_REQUIRED(KickedResponse, "NextURL"sv);
CWMP_JSON_REQUIRED(Fault, "FaultCode"sv);

#undef CWMP_JSON_REQUIRED

// ---------------------------------------------------------------------------------------
// Input: the reading visitor

// The first error of one read; every reader stops once it is set.
struct ReadState {
  std::optional<Error> error;
  void fail(std::string path, std::string_view what) {
    if (!error) error = invalidArgument(std::move(path), what);
  }
  bool failed() const { return error.has_value(); }
};

std::string joinPath(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += key;
  return path;
}

std::string indexPath(std::string_view parent, std::size_t index) {
  std::string path(parent);
  path += '[';
  appendInteger(path, index);
  path += ']';
  return path;
}

// Why `text` cannot be the value of `field`, or "" when it can.
std::string textProblem(const Field& field, std::string_view text) {
  if (const std::size_t bad = encode_text::findNonXmlChar(text); bad != std::string_view::npos) {
    std::string message = "contains a character XML 1.0 cannot carry (byte ";
    appendInteger(message, bad);
    message += ')';
    return message;
  }
  if (field.max_length != 0 && encode_text::characterCount(text) > field.max_length) {
    std::string message = "longer than ";
    appendInteger(message, field.max_length);
    message += " characters";
    return message;
  }
  if (field.kind == FieldKind::DateTime && !parseDateTime(text)) {
    return "expected an xsd:dateTime such as 2024-01-01T00:00:00Z";
  }
  if (field.kind == FieldKind::Base64 && !decodeBase64(text)) return "expected base64 text";
  return {};
}

template <class Struct>
void readObject(ReadState& state, const JsonNode& node, const std::string& path, Struct& out,
                std::string_view consumed_key = {});

// Reads the members of one JSON object into one struct through its Field descriptions.
class ObjectReader {
 public:
  ObjectReader(ReadState& state, const JsonNode& object, const std::string& path,
               std::span<const std::string_view> required)
      : state_(state),
        object_(object),
        path_(path),
        required_(required),
        consumed_(object.members.size(), false) {}

  void operator()(const Field& field, std::string& out) {
    const JsonNode* node = take(field);
    if (node != nullptr) readString(field, *node, joinPath(path_, field.name), out);
  }

  void operator()(const Field& field, std::optional<std::string>& out) {
    const JsonNode* node = take(field);
    if (node == nullptr || node->kind == JsonNode::Kind::Null) {
      out.reset();
      return;
    }
    out.emplace();
    readString(field, *node, joinPath(path_, field.name), *out);
  }

  void operator()(const Field& field, bool& out) {
    const JsonNode* node = take(field);
    if (node == nullptr) return;
    if (node->kind != JsonNode::Kind::Boolean) {
      state_.fail(joinPath(path_, field.name), expected("a boolean", *node));
      return;
    }
    out = node->boolean;
  }

  void operator()(const Field& field, std::int32_t& out) {
    const JsonNode* node = take(field);
    if (node == nullptr) return;
    constexpr std::uint64_t kMaxPositive = std::numeric_limits<std::int32_t>::max();
    if (node->kind != JsonNode::Kind::Integer ||
        node->magnitude > (node->negative ? kMaxPositive + 1 : kMaxPositive)) {
      state_.fail(joinPath(path_, field.name), node->kind == JsonNode::Kind::Integer
                                                   ? "out of range for a 32-bit integer"
                                                   : expected("an integer", *node));
      return;
    }
    out = node->negative ? static_cast<std::int32_t>(-static_cast<std::int64_t>(node->magnitude))
                         : static_cast<std::int32_t>(node->magnitude);
  }

  void operator()(const Field& field, std::uint32_t& out) {
    const JsonNode* node = take(field);
    if (node != nullptr) readUnsigned(*node, joinPath(path_, field.name), out);
  }

  // ParameterValueStruct Value and its Type.
  void operator()(const Field& field, std::string& value, std::string& type_name) {
    if (const JsonNode* node = take(field)) {
      const Field value_field{.name = field.name};
      readString(value_field, *node, joinPath(path_, field.name), value);
    }
    const JsonNode* type_node = take(Field{.name = kTypeKey});
    if (type_node == nullptr || state_.failed()) return;
    const std::string path = joinPath(path_, kTypeKey);
    if (type_node->kind != JsonNode::Kind::String) {
      state_.fail(path, expected("a string", *type_node));
      return;
    }
    if (!isTypeName(type_node->text)) {
      state_.fail(path, "expected an XML Schema type name such as xsd:string");
      return;
    }
    type_name = type_node->text;
  }

  void operator()(const Field& field, std::vector<std::string>& out) {
    const JsonNode* node = take(field);
    if (node == nullptr) return;
    const std::string path = joinPath(path_, field.name);
    if (!checkArray(field, *node, path)) return;
    out.clear();
    out.reserve(node->items.size());
    const Field item_field{.name = field.item, .max_length = field.max_length, .kind = field.kind};
    for (std::size_t i = 0; i < node->items.size() && !state_.failed(); ++i) {
      readString(item_field, node->items[i], indexPath(path, i), out.emplace_back());
    }
  }

  template <class Struct>
  void operator()(const Field& field, Struct& out) {
    const JsonNode* node = take(field);
    if (node != nullptr) readObject(state_, *node, joinPath(path_, field.name), out);
  }

  template <class Struct>
  void operator()(const Field& field, std::vector<Struct>& out) {
    const JsonNode* node = take(field);
    if (node == nullptr) return;
    const std::string path = joinPath(path_, field.name);
    if (!checkArray(field, *node, path)) return;
    out.clear();
    out.reserve(node->items.size());
    for (std::size_t i = 0; i < node->items.size() && !state_.failed(); ++i) {
      readObject(state_, node->items[i], indexPath(path, i), out.emplace_back());
    }
  }

  void operator()(const Field& field, std::vector<DuOperation>& out) {
    const JsonNode* node = take(field);
    if (node == nullptr) return;
    const std::string path = joinPath(path_, field.name);
    if (!checkArray(field, *node, path)) return;
    out.clear();
    for (std::size_t i = 0; i < node->items.size() && !state_.failed(); ++i) {
      readOperation(node->items[i], indexPath(path, i), out);
    }
  }

  // Marks `key` as read by someone else (the "Operation" of a ChangeDUState operation).
  void consume(std::string_view key) {
    for (std::size_t i = 0; i < object_.members.size(); ++i) {
      if (object_.members[i].first == key) consumed_[i] = true;
    }
  }

  // After the fields: reports the first key nothing read, and a required-name table that
  // names a member the struct does not have (a bug here, caught by the tests).
  void finish() {
    if (state_.failed()) return;
    for (std::size_t i = 0; i < consumed_.size(); ++i) {
      if (!consumed_[i]) {
        state_.fail(joinPath(path_, object_.members[i].first), "unknown field");
        return;
      }
    }
    for (std::size_t i = 0; i < required_.size(); ++i) {
      if ((required_seen_ & (1U << i)) == 0) {
        state_.fail(joinPath(path_, required_[i]), "internal error: no such field to require");
        return;
      }
    }
  }

 private:
  static constexpr std::string_view kTypeKey = "Type";

  // The member named field.name, marked as read; nullptr when absent (an error when the
  // field is required), duplicated, or when an earlier error stopped the read.
  const JsonNode* take(const Field& field) {
    if (state_.failed()) return nullptr;
    bool required = false;
    for (std::size_t i = 0; i < required_.size(); ++i) {
      if (required_[i] == field.name) {
        required = true;
        required_seen_ |= 1U << i;
      }
    }
    const JsonNode* found = nullptr;
    for (std::size_t i = 0; i < object_.members.size(); ++i) {
      if (object_.members[i].first != field.name) continue;
      if (found != nullptr) {
        state_.fail(joinPath(path_, field.name), "duplicate key");
        return nullptr;
      }
      found = &object_.members[i].second;
      consumed_[i] = true;
    }
    if (found == nullptr && required) {
      state_.fail(joinPath(path_, field.name), "required field missing");
    }
    return found;
  }

  void readString(const Field& field, const JsonNode& node, const std::string& path,
                  std::string& out) {
    if (node.kind != JsonNode::Kind::String) {
      state_.fail(path, expected("a string", node));
      return;
    }
    if (std::string problem = textProblem(field, node.text); !problem.empty()) {
      state_.fail(path, problem);
      return;
    }
    out = node.text;
  }

  void readUnsigned(const JsonNode& node, const std::string& path, std::uint32_t& out) {
    if (node.kind != JsonNode::Kind::Integer) {
      state_.fail(path, expected("an integer", node));
    } else if (node.negative || node.magnitude > std::numeric_limits<std::uint32_t>::max()) {
      state_.fail(path, "out of range for an unsigned 32-bit integer");
    } else {
      out = static_cast<std::uint32_t>(node.magnitude);
    }
  }

  bool checkArray(const Field& field, const JsonNode& node, const std::string& path) {
    if (node.kind != JsonNode::Kind::Array) {
      state_.fail(path, expected("an array", node));
      return false;
    }
    if (field.max_items != 0 && node.items.size() > field.max_items) {
      std::string message = "more than ";
      appendInteger(message, field.max_items);
      message += " items";
      state_.fail(path, message);
      return false;
    }
    return true;
  }

  void readOperation(const JsonNode& node, const std::string& path, std::vector<DuOperation>& out) {
    if (node.kind != JsonNode::Kind::Object) {
      state_.fail(path, expected("an object", node));
      return;
    }
    const JsonNode* kind = nullptr;
    for (const auto& [key, value] : node.members) {
      if (key == "Operation") kind = &value;
    }
    const std::string kind_path = joinPath(path, "Operation");
    if (kind == nullptr) {
      state_.fail(kind_path, "required field missing");
      return;
    }
    if (kind->kind != JsonNode::Kind::String) {
      state_.fail(kind_path, expected("a string", *kind));
      return;
    }
    if (kind->text == "Install") {
      readObject(state_, node, path, std::get<InstallOpStruct>(out.emplace_back(InstallOpStruct{})),
                 "Operation");
    } else if (kind->text == "Update") {
      readObject(state_, node, path, std::get<UpdateOpStruct>(out.emplace_back(UpdateOpStruct{})),
                 "Operation");
    } else if (kind->text == "Uninstall") {
      readObject(state_, node, path,
                 std::get<UninstallOpStruct>(out.emplace_back(UninstallOpStruct{})), "Operation");
    } else {
      state_.fail(kind_path, "expected \"Install\", \"Update\" or \"Uninstall\"");
    }
  }

  // "prefix:local" with no whitespace or control characters, e.g. "xsd:unsignedInt".
  static bool isTypeName(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == text.size()) return false;
    for (const char c : text) {
      if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '&') return false;
    }
    return encode_text::findNonXmlChar(text) == std::string_view::npos;
  }

  ReadState& state_;
  const JsonNode& object_;
  const std::string& path_;
  std::span<const std::string_view> required_;
  std::vector<bool> consumed_;
  std::uint32_t required_seen_ = 0;
};

template <class Struct>
void readObject(ReadState& state, const JsonNode& node, const std::string& path, Struct& out,
                std::string_view consumed_key) {
  if (state.failed()) return;
  if (node.kind != JsonNode::Kind::Object) {
    state.fail(path, expected("an object", node));
    return;
  }
  ObjectReader reader(state, node, path, Required<Struct>::kNames);
  if (!consumed_key.empty()) reader.consume(consumed_key);
  Struct::fields(out, reader);
  reader.finish();
}

// A Fault: the SOAP-level faultcode/faultstring, then the detail through its fields.
template <>
void readObject<Fault>(ReadState& state, const JsonNode& node, const std::string& path, Fault& out,
                       std::string_view) {
  if (state.failed()) return;
  if (node.kind != JsonNode::Kind::Object) {
    state.fail(path, expected("an object", node));
    return;
  }
  ObjectReader reader(state, node, path, Required<Fault>::kNames);
  std::optional<std::string> faultcode;
  std::optional<std::string> faultstring;
  reader(Field{.name = "faultcode", .max_length = 64}, faultcode);
  reader(Field{.name = "faultstring", .max_length = 256}, faultstring);
  Fault::fields(out, reader);
  reader.finish();
  if (state.failed()) return;
  out.faultcode = faultcode ? *faultcode : makeFault(out.fault_code).faultcode;
  out.faultstring = faultstring ? *faultstring : std::string("CWMP fault");
}

// Reads the body of the Body alternative whose kMethod is `method`.
template <std::size_t... I>
Result<Body> readBodyNamed(std::string_view method, const JsonNode& node, const std::string& path,
                           std::index_sequence<I...>) {
  std::optional<Body> body;
  ReadState state;
  const auto try_one = [&]<std::size_t Index>(std::integral_constant<std::size_t, Index>) {
    using Message = std::variant_alternative_t<Index, Body>;
    if (body || Message::kMethod != method) return;
    Message message{};
    readObject(state, node, path, message);
    body = std::move(message);
  };
  (try_one(std::integral_constant<std::size_t, I>{}), ...);
  if (!body) {
    std::string message = "unknown method \"";
    message += method;
    message += '"';
    return invalidArgument("method", message);
  }
  if (state.error) return std::move(*state.error);
  return std::move(*body);
}

Result<Body> readBody(std::string_view method, const JsonNode& node, const std::string& path) {
  return readBodyNamed(method, node, path, std::make_index_sequence<std::variant_size_v<Body>>{});
}

// The "header" object of an envelope.
void readHeader(ReadState& state, const JsonNode& node, Header& out) {
  const std::string path = "header";
  if (node.kind != JsonNode::Kind::Object) {
    state.fail(path, expected("an object", node));
    return;
  }
  ObjectReader reader(state, node, path, {});
  reader(Field{.name = "ID"}, out.id);
  reader(Field{.name = "SupportedCWMPVersions"}, out.supported_cwmp_versions);
  reader(Field{.name = "UseCWMPVersion"}, out.use_cwmp_version);
  reader(Field{.name = "NotUnderstood"}, out.not_understood);
  if (state.failed()) return;
  // Optional booleans and number: present (non-null) members only.
  const auto present = [&](std::string_view key) -> const JsonNode* {
    for (const auto& [name, value] : node.members) {
      if (name == key && value.kind != JsonNode::Kind::Null) return &value;
    }
    return nullptr;
  };
  bool flag = false;
  if (present("HoldRequests")) {
    reader(Field{.name = "HoldRequests"}, flag);
    out.hold_requests = flag;
  } else {
    reader.consume("HoldRequests");
  }
  if (present("NoMoreRequests")) {
    reader(Field{.name = "NoMoreRequests"}, flag);
    out.no_more_requests = flag;
  } else {
    reader.consume("NoMoreRequests");
  }
  if (present("SessionTimeout")) {
    std::uint32_t seconds = 0;
    reader(Field{.name = "SessionTimeout"}, seconds);
    out.session_timeout = seconds;
  } else {
    reader.consume("SessionTimeout");
  }
  reader.finish();
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run_start = 0;
  std::size_t pos = 0;
  const auto flush = [&] {
    if (pos > run_start) out.append(text.data() + run_start, pos - run_start);
  };
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
      ++pos;
      continue;
    }
    if (byte >= 0x80) {
      const std::size_t len = encode_text::utf8SequenceLength(text, pos);
      if (len != 0) {
        pos += len;
        continue;
      }
      flush();
      out += "\\ufffd";
    } else {
      flush();
      switch (byte) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
          break;
      }
    }
    ++pos;
    run_start = pos;
  }
  flush();
  out += '"';
}

std::string envelopeToJson(const Envelope& envelope, bool pretty) {
  std::string text;
  JsonOut out(text, pretty);
  out.beginObject();
  out.key("cwmp");
  out.string(namespaceUri(envelope.ns));
  out.key("header");
  writeHeader(out, envelope.header);
  out.key("method");
  out.string(methodName(envelope.body));
  out.key("body");
  writeBody(out, envelope.body);
  out.endObject();
  return text;
}

std::string bodyToJson(const Body& body, bool pretty) {
  std::string text;
  JsonOut out(text, pretty);
  writeBody(out, body);
  return text;
}

Result<Body> bodyFromJson(std::string_view method, std::string_view json_object_text) {
  Result<JsonNode> tree = parseTree(json_object_text);
  if (!tree) return tree.error();
  return readBody(method, *tree, "");
}

Result<Envelope> envelopeFromJson(std::string_view json) {
  Result<JsonNode> tree = parseTree(json);
  if (!tree) return tree.error();
  const JsonNode& root = *tree;
  if (root.kind != JsonNode::Kind::Object) {
    return invalidArgument("", expected("an envelope object", root));
  }
  const JsonNode* cwmp = nullptr;
  const JsonNode* header = nullptr;
  const JsonNode* method = nullptr;
  const JsonNode* body = nullptr;
  for (const auto& [key, value] : root.members) {
    const JsonNode** slot = key == "cwmp"     ? &cwmp
                            : key == "header" ? &header
                            : key == "method" ? &method
                            : key == "body"   ? &body
                                              : nullptr;
    if (slot == nullptr) return invalidArgument(key, "unknown field");
    if (*slot != nullptr) return invalidArgument(key, "duplicate key");
    *slot = &value;
  }

  Envelope envelope;
  if (cwmp != nullptr) {
    if (cwmp->kind != JsonNode::Kind::String) {
      return invalidArgument("cwmp", expected("a string", *cwmp));
    }
    const std::optional<CwmpNamespace> ns = namespaceFromUri(cwmp->text);
    if (!ns) {
      return invalidArgument("cwmp",
                             "unknown CWMP namespace (expected urn:dslforum-org:cwmp-1-0 "
                             "to urn:dslforum-org:cwmp-1-4)");
    }
    envelope.ns = *ns;
  }
  if (header != nullptr) {
    ReadState state;
    readHeader(state, *header, envelope.header);
    if (state.error) return std::move(*state.error);
  }
  if (method == nullptr) return invalidArgument("method", "required field missing");
  if (method->kind != JsonNode::Kind::String) {
    return invalidArgument("method", expected("a string", *method));
  }
  static const JsonNode kEmptyObject{.kind = JsonNode::Kind::Object};
  Result<Body> parsed = readBody(method->text, body != nullptr ? *body : kEmptyObject, "body");
  if (!parsed) return parsed.error();
  envelope.body = std::move(*parsed);
  return envelope;
}

}  // namespace cwmp
