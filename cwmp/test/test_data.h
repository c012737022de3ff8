// test_data.h: access to the envelopes under cwmp/test/testdata for the codec tests.
//
//   std::string xml = readTestData("inform.xml");
//   std::string odd = readTestData("variants/easycwmp_inform.xml");
#pragma once

#include <string>
#include <string_view>

// Returns the bytes of CWMP_TESTDATA_DIR/`relative_path` exactly as stored (no newline
// conversion). Throws std::runtime_error naming the full path when the file cannot be read,
// so a missing file fails the test that asked for it.
std::string readTestData(std::string_view relative_path);
