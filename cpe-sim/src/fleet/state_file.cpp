#include "fleet/state_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cpesim {
namespace {
constexpr std::string_view kHeader = "cpe-sim-state 1";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string encodeStateField(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '\t' || c == '\n' || c == '\r') {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buffer;
    } else {
      out += c;
    }
  }
  return out;
}

std::string decodeStateField(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
        hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

StateFileContents readStateFile(const std::string& path) {
  StateFileContents contents;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return contents;
    contents.ok = false;
    contents.error = "cannot read state file '" + path + "': " + std::strerror(errno);
    return contents;
  }
  contents.existed = true;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      if (line != kHeader) {
        contents.ok = false;
        contents.error = "'" + path + "' is not a cpe-sim state file (first line must be '" +
                         std::string(kHeader) + "')";
        return contents;
      }
      continue;
    }
    if (line.empty()) continue;
    std::size_t tab1 = line.find('\t');
    std::size_t tab2 = tab1 == std::string::npos ? std::string::npos : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos || tab1 == 0) {
      contents.ok = false;
      contents.error = path + ":" + std::to_string(number) +
                       ": expected <serial> TAB <profile> TAB <state>";
      return contents;
    }
    std::string serial = decodeStateField(std::string_view(line).substr(0, tab1));
    StateRecord record{decodeStateField(std::string_view(line).substr(tab1 + 1, tab2 - tab1 - 1)),
                       line.substr(tab2 + 1)};
    if (!contents.devices.emplace(serial, std::move(record)).second) {
      contents.ok = false;
      contents.error = path + ":" + std::to_string(number) + ": serial '" + serial + "' appears twice";
      return contents;
    }
  }
  if (number == 0) {
    contents.ok = false;
    contents.error = "state file '" + path + "' is empty";
  }
  return contents;
}

std::string writeStateFile(const std::string& path, const std::map<std::string, StateRecord>& devices) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write '" + temp + "': " + std::strerror(errno);
    out << kHeader << '\n';
    for (const auto& [serial, record] : devices) {
      out << encodeStateField(serial) << '\t' << encodeStateField(record.profile) << '\t'
          << record.state << '\n';
    }
    out.flush();
    if (!out) return "cannot write '" + temp + "': " + std::strerror(errno);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::string error = "cannot replace '" + path + "': " + std::strerror(errno);
    std::remove(temp.c_str());
    return error;
  }
  return {};
}

}  // namespace cpesim
