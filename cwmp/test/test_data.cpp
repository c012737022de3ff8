#include "test_data.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

#ifndef CWMP_TESTDATA_DIR
#error "CWMP_TESTDATA_DIR must name cwmp/test/testdata (set by cwmp/CMakeLists.txt)"
#endif

std::string readTestData(std::string_view relative_path) {
  std::string path = CWMP_TESTDATA_DIR;
  path += '/';
  path += relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open test data file " + path);
  }
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    throw std::runtime_error("cannot read test data file " + path);
  }
  return bytes;
}
