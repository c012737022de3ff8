// The OpenAPI document served at /api/openapi.json describes exactly the routes the router
// serves.
#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "api/api_router.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace acs::api {
namespace {

Poco::JSON::Object::Ptr document() {
  Poco::JSON::Parser parser;
  return parser.parse(std::string(openApiDocument())).extract<Poco::JSON::Object::Ptr>();
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

TEST(OpenApiDocument, IsOpenApi3WithInfo) {
  auto doc = document();
  EXPECT_EQ(doc->getValue<std::string>("openapi").substr(0, 2), "3.");
  EXPECT_FALSE(doc->getObject("info")->getValue<std::string>("title").empty());
  EXPECT_TRUE(doc->getObject("components")->has("schemas"));
}

TEST(OpenApiDocument, DescribesEveryRouteTheRouterServes) {
  auto paths = document()->getObject("paths");
  for (const RouteSpec& route : ApiRouter::routes()) {
    const std::string path(route.pattern);
    ASSERT_TRUE(paths->has(path)) << "missing path " << path;
    EXPECT_TRUE(paths->getObject(path)->has(lower(route.method)))
        << "missing " << route.method << " " << path;
  }
}

TEST(OpenApiDocument, DescribesNoRouteTheRouterDoesNotServe) {
  std::set<std::string> served;
  for (const RouteSpec& route : ApiRouter::routes()) {
    served.insert(lower(route.method) + " " + std::string(route.pattern));
  }
  auto paths = document()->getObject("paths");
  std::vector<std::string> names;
  paths->getNames(names);
  for (const std::string& path : names) {
    std::vector<std::string> keys;
    paths->getObject(path)->getNames(keys);
    for (const std::string& key : keys) {
      if (key == "parameters" || key == "summary" || key == "description") continue;
      EXPECT_TRUE(served.contains(key + " " + path))
          << "documented but not served: " << key << " " << path;
    }
  }
}

TEST(OpenApiDocument, ResolvesEveryLocalReference) {
  const std::string text(openApiDocument());
  auto doc = document();
  std::size_t pos = 0;
  int checked = 0;
  while ((pos = text.find("\"$ref\": \"#/", pos)) != std::string::npos) {
    const std::size_t start = pos + 9;  // the '#'
    const std::size_t end = text.find('"', start);
    std::string pointer = text.substr(start + 2, end - start - 2);  // after "#/"
    Poco::JSON::Object::Ptr node = doc;
    std::size_t from = 0;
    while (true) {
      const std::size_t slash = pointer.find('/', from);
      const std::string key = pointer.substr(from, slash - from);
      ASSERT_TRUE(node->has(key)) << "unresolved $ref #/" << pointer;
      if (slash == std::string::npos) break;
      node = node->getObject(key);
      ASSERT_FALSE(node.isNull()) << "unresolved $ref #/" << pointer;
      from = slash + 1;
    }
    ++checked;
    pos = end;
  }
  EXPECT_GT(checked, 50);
}

}  // namespace
}  // namespace acs::api
