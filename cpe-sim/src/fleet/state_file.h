// fleet/state_file.h: the fleet's saved device state, so a rerun resumes the same fleet.
//
// Format (text, one device per line, so a damaged line names itself):
//   cpe-sim-state 1
//   <serial>\t<profile name>\t<Device::save() text>
// Serial and profile name are percent-encoded (%, tab, CR, LF). A device absent from the
// file starts fresh, so its first contact is BOOTSTRAP. Lines for devices the current run
// does not simulate are written back unchanged, so a smaller rerun loses nothing.
//
//   auto contents = readStateFile("fleet.state");      // missing file: empty contents
//   if (!contents) fail(contents.error);
//   writeStateFile("fleet.state", records);             // atomic: temp file + rename
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace cpesim {

struct StateRecord {
  std::string profile;
  std::string state;
};

struct StateFileContents {
  bool ok = true;
  std::string error;
  bool existed = false;
  std::map<std::string, StateRecord> devices;  // by serial number
};

// Reads `path`. A missing file is not an error (existed = false). A file that is not a
// state file, or a malformed line, is an error naming the path and line number.
StateFileContents readStateFile(const std::string& path);

// Writes every record, atomically (a temporary file in the same directory renamed over
// `path`). Returns an empty string on success, else the error.
std::string writeStateFile(const std::string& path, const std::map<std::string, StateRecord>& devices);

std::string encodeStateField(std::string_view text);
std::string decodeStateField(std::string_view text);

}  // namespace cpesim
