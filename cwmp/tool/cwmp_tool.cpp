// cwmp-tool: reads captured CWMP traffic and writes envelopes by hand.
//
//   cwmp-tool decode capture.xml          # the envelope as pretty JSON
//   cwmp-tool encode request.json | curl --data-binary @- ...
//
// Exit status: 0 success, 1 the input could not be read, decoded or encoded (the message
// names the element/field and, for XML, the byte offset), 2 wrong usage.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "cwmp/codec.h"
#include "cwmp/json.h"
#include "cwmp/status.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// JSON input is typed by people or built by scripts: far below this.
constexpr std::size_t kMaxJsonBytes = 64 * 1024 * 1024;

constexpr std::string_view kUsage =
    "usage: cwmp-tool decode [--compact] FILE|-\n"
    "       cwmp-tool encode [--xml-declaration] FILE.json|-\n"
    "       cwmp-tool --help\n";

constexpr std::string_view kHelp =
    "cwmp-tool: convert CWMP (TR-069) SOAP envelopes to JSON and back.\n"
    "\n"
    "  decode FILE|-     Decode one SOAP envelope (a file, or standard input for -) and\n"
    "                    print it as JSON: {\"cwmp\", \"header\", \"method\", \"body\"}.\n"
    "      --compact     One line instead of indented JSON.\n"
    "  encode FILE|-     Read that JSON form and print the SOAP envelope.\n"
    "      --xml-declaration\n"
    "                    Start the envelope with <?xml version=\"1.0\" encoding=\"UTF-8\"?>.\n"
    "\n"
    "Exit status: 0 on success; 1 when the input cannot be read, decoded or encoded (the\n"
    "message names the element or JSON field, and the byte offset for XML); 2 on wrong usage.\n";

void writeOut(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }
void writeErr(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); }

int usageError(std::string_view problem) {
  writeErr("cwmp-tool: ");
  writeErr(problem);
  writeErr("\n");
  writeErr(kUsage);
  return kExitUsage;
}

// Reads all of `path` ("-": standard input), at most `limit` bytes plus one so the caller can
// tell that the input was too long. Returns false with `error` set when reading fails.
bool readInput(const std::string& path, std::size_t limit, std::string& data, std::string& error) {
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<char> buffer(64 * 1024);
  bool ok = true;
  while (data.size() <= limit) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file);
    data.append(buffer.data(), got);
    if (got < buffer.size()) {
      if (std::ferror(file) != 0) {
        error = path + ": read error: " + std::strerror(errno);
        ok = false;
      }
      break;
    }
  }
  if (file != stdin) std::fclose(file);
  return ok;
}

// The decoder's message already names the element and byte offset; the code name helps
// when searching cwmp/doc/tolerance.md.
std::string describe(const cwmp::Error& error) {
  return error.message + " [" + std::string(cwmp::errorCodeName(error.code)) + "]";
}

int decodeCommand(const std::string& path, bool compact) {
  const cwmp::DecodeOptions options;
  std::string data;
  std::string read_error;
  if (!readInput(path, options.max_bytes, data, read_error)) {
    writeErr("cwmp-tool: " + read_error + "\n");
    return kExitFailure;
  }
  // Reading stopped just past the limit, so the real size is unknown here.
  if (data.size() > options.max_bytes) {
    writeErr("cwmp-tool: " + path + ": larger than " + std::to_string(options.max_bytes) +
             " bytes, the envelope size limit (DecodeOptions::max_bytes) [" +
             std::string(cwmp::errorCodeName(cwmp::ErrorCode::LimitExceeded)) + "]\n");
    return kExitFailure;
  }
  const cwmp::Result<cwmp::Envelope> envelope = cwmp::decodeEnvelope(data, options);
  if (!envelope) {
    writeErr("cwmp-tool: " + path + ": " + describe(envelope.error()) + "\n");
    return kExitFailure;
  }
  writeOut(cwmp::envelopeToJson(*envelope, !compact));
  writeOut("\n");
  return kExitOk;
}

int encodeCommand(const std::string& path, bool xml_declaration) {
  std::string data;
  std::string read_error;
  if (!readInput(path, kMaxJsonBytes, data, read_error)) {
    writeErr("cwmp-tool: " + read_error + "\n");
    return kExitFailure;
  }
  if (data.size() > kMaxJsonBytes) {
    writeErr("cwmp-tool: " + path + ": JSON input larger than " + std::to_string(kMaxJsonBytes) +
             " bytes\n");
    return kExitFailure;
  }
  const cwmp::Result<cwmp::Envelope> envelope = cwmp::envelopeFromJson(data);
  if (!envelope) {
    writeErr("cwmp-tool: " + path + ": " + envelope.error().message + "\n");
    return kExitFailure;
  }
  cwmp::EncodeOptions options;
  options.xml_declaration = xml_declaration;
  writeOut(cwmp::encodeEnvelope(*envelope, options));
  writeOut("\n");
  return kExitOk;
}

int run(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return usageError("missing command");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    writeOut(kHelp);
    writeOut("\n");
    writeOut(kUsage);
    return kExitOk;
  }
  const std::string_view command = args[0];
  if (command != "decode" && command != "encode") {
    return usageError("unknown command '" + std::string(command) + "'");
  }
  bool compact = false;
  bool xml_declaration = false;
  std::string path;
  bool have_path = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      writeOut(kHelp);
      return kExitOk;
    }
    if (command == "decode" && arg == "--compact") {
      compact = true;
    } else if (command == "encode" && arg == "--xml-declaration") {
      xml_declaration = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usageError("unknown option '" + std::string(arg) + "' for " + std::string(command));
    } else if (have_path) {
      return usageError("more than one input file");
    } else {
      path = arg;
      have_path = true;
    }
  }
  if (!have_path) return usageError("missing input file (use - for standard input)");
  return command == "decode" ? decodeCommand(path, compact) : encodeCommand(path, xml_declaration);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int status = run(argc, argv);
    if (std::fflush(stdout) != 0) {
      writeErr(std::string("cwmp-tool: cannot write output: ") + std::strerror(errno) + "\n");
      return kExitFailure;
    }
    return status;
  } catch (const std::exception& e) {  // out of memory on a huge input
    writeErr(std::string("cwmp-tool: ") + e.what() + "\n");
    return kExitFailure;
  }
}
