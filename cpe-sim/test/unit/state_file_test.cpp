#include "fleet/state_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace cpesim {
namespace {

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("cpesim_state_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(StateFile, MissingFileIsEmptyNotAnError) {
  StateFileContents c = readStateFile(tempPath("missing"));
  EXPECT_TRUE(c.ok);
  EXPECT_FALSE(c.existed);
  EXPECT_TRUE(c.devices.empty());
}

TEST(StateFile, RoundTripsRecordsWithAwkwardCharacters) {
  const std::string path = tempPath("roundtrip");
  std::map<std::string, StateRecord> records;
  records["SN\t1%"] = StateRecord{"tr181\ngw", "v=1\tx=2"};
  records["SN2"] = StateRecord{"tr098", ""};
  ASSERT_EQ(writeStateFile(path, records), "");
  StateFileContents c = readStateFile(path);
  ASSERT_TRUE(c.ok) << c.error;
  EXPECT_TRUE(c.existed);
  ASSERT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices["SN\t1%"].profile, "tr181\ngw");
  EXPECT_EQ(c.devices["SN\t1%"].state, "v=1\tx=2");
  EXPECT_EQ(c.devices["SN2"].state, "");
  std::remove(path.c_str());
}

TEST(StateFile, RejectsForeignFileAndMalformedLineWithItsNumber) {
  const std::string path = tempPath("bad");
  {
    std::ofstream(path) << "hello\n";
  }
  StateFileContents foreign = readStateFile(path);
  EXPECT_FALSE(foreign.ok);
  EXPECT_NE(foreign.error.find("not a cpe-sim state file"), std::string::npos);
  {
    std::ofstream(path) << "cpe-sim-state 1\nSN1\tp\tstate\nbroken line\n";
  }
  StateFileContents broken = readStateFile(path);
  EXPECT_FALSE(broken.ok);
  EXPECT_NE(broken.error.find(":3:"), std::string::npos) << broken.error;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cpesim
