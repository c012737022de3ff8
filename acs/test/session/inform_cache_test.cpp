#include "acs/src/core/inform_cache.h"

#include <gtest/gtest.h>

namespace acs {
namespace {

store::Parameter param(std::string name, std::string value, std::string type = "xsd:string") {
  store::Parameter p;
  p.name = std::move(name);
  p.value = std::move(value);
  p.type = std::move(type);
  return p;
}

std::vector<std::string> names(const std::vector<store::Parameter>& params) {
  std::vector<std::string> out;
  for (const auto& p : params) out.push_back(p.name);
  return out;
}

TEST(InformCache, UnknownDeviceNeedsEverything) {
  InformCache cache(10);
  std::vector<store::Parameter> params = {param("A", "1"), param("B", "2")};
  EXPECT_EQ(names(cache.changed("d1", params)), (std::vector<std::string>{"A", "B"}));
}

TEST(InformCache, OnlyChangedValuesOrTypesAreReturned) {
  InformCache cache(10);
  cache.remember("d1", {param("A", "1"), param("B", "2"), param("C", "3")});
  std::vector<store::Parameter> next = {param("A", "1"), param("B", "20"),
                                        param("C", "3", "xsd:int"), param("D", "4")};
  EXPECT_EQ(names(cache.changed("d1", next)), (std::vector<std::string>{"B", "C", "D"}));
  EXPECT_TRUE(cache.changed("d1", {param("A", "1")}).empty());
  // Another device is independent.
  EXPECT_EQ(cache.changed("d2", {param("A", "1")}).size(), 1u);
}

TEST(InformCache, InvalidateForgetsTheDevice) {
  InformCache cache(10);
  cache.remember("d1", {param("A", "1")});
  cache.invalidate("d1");
  EXPECT_EQ(cache.changed("d1", {param("A", "1")}).size(), 1u);
  cache.invalidate("never-seen");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(InformCache, ValueAndNameBoundaryDoNotCollide) {
  InformCache cache(10);
  cache.remember("d1", {param("A", "bc", "xsd:a")});
  EXPECT_EQ(cache.changed("d1", {param("A", "c", "xsd:ab")}).size(), 1u);
}

TEST(InformCache, DropsLeastRecentlyUsedDevicesBeyondTheBound) {
  InformCache cache(2);
  cache.remember("d1", {param("A", "1")});
  cache.remember("d2", {param("A", "1")});
  cache.remember("d1", {param("A", "1")});  // d1 is now the newest
  cache.remember("d3", {param("A", "1")});  // evicts d2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.changed("d1", {param("A", "1")}).empty());
  EXPECT_EQ(cache.changed("d2", {param("A", "1")}).size(), 1u);
  EXPECT_TRUE(cache.changed("d3", {param("A", "1")}).empty());
}

TEST(InformCache, AHitCountsAsUseWithoutRemembering) {
  InformCache cache(2);
  cache.remember("d1", {param("A", "1")});
  cache.remember("d2", {param("A", "1")});
  // d1's Inform repeats its values: nothing to write, nothing to remember, but d1 is now
  // the most recently used, so d3 evicts d2.
  EXPECT_TRUE(cache.changed("d1", {param("A", "1")}).empty());
  cache.remember("d3", {param("A", "1")});
  EXPECT_TRUE(cache.changed("d1", {param("A", "1")}).empty());
  EXPECT_EQ(cache.changed("d2", {param("A", "1")}).size(), 1u);
}

TEST(InformCache, ZeroCapacityRemembersNothing) {
  InformCache cache(0);
  cache.remember("d1", {param("A", "1")});
  EXPECT_EQ(cache.changed("d1", {param("A", "1")}).size(), 1u);
}

}  // namespace
}  // namespace acs
