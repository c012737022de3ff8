#include "web/static_assets.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace acs::web {
namespace {

// The source folder the build embedded (acs/web.cmake defines ACS_WEB_STATIC_DIR).
std::filesystem::path staticDir() { return std::filesystem::path(ACS_WEB_STATIC_DIR); }

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(StaticAssets, EmbedsEveryFileOfTheStaticFolderByteForByte) {
  const std::filesystem::path dir = staticDir();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string relative = entry.path().lexically_relative(dir).generic_string();
    const auto asset = findAsset(relative);
    ASSERT_TRUE(asset.has_value()) << relative << " is not embedded";
    EXPECT_EQ(asset->path, relative);
    EXPECT_EQ(asset->content, readFile(entry.path())) << relative;
  }
  EXPECT_GT(files, 3U);
  EXPECT_EQ(allAssets().size(), files);
}

TEST(StaticAssets, ListsAssetsSortedByPath) {
  const auto assets = allAssets();
  ASSERT_FALSE(assets.empty());
  for (std::size_t i = 1; i < assets.size(); ++i) {
    EXPECT_LT(assets[i - 1].path, assets[i].path);
  }
}

TEST(StaticAssets, IndexPageAndScriptsHaveTheirContentTypes) {
  const auto index = findAsset("index.html");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->content.find("<!doctype html>"), std::string_view::npos);
  const auto app = findAsset("js/app.js");
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
}

TEST(StaticAssets, EtagsAreQuotedAndDistinctForDistinctContent) {
  std::set<std::string_view> etags;
  std::set<std::string_view> contents;
  for (const Asset& asset : allAssets()) {
    ASSERT_GE(asset.etag.size(), 3U);
    EXPECT_EQ(asset.etag.front(), '"');
    EXPECT_EQ(asset.etag.back(), '"');
    etags.insert(asset.etag);
    contents.insert(asset.content);
  }
  EXPECT_EQ(etags.size(), contents.size());
}

TEST(StaticAssets, UnknownOrNonCanonicalPathsAreNotFound) {
  EXPECT_FALSE(findAsset("").has_value());
  EXPECT_FALSE(findAsset("no-such-file.js").has_value());
  EXPECT_FALSE(findAsset("/index.html").has_value());
  EXPECT_FALSE(findAsset("INDEX.HTML").has_value());
  EXPECT_FALSE(findAsset("js/../index.html").has_value());
}

TEST(ContentTypeFor, MapsKnownExtensionsCaseInsensitively) {
  EXPECT_EQ(contentTypeFor("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(contentTypeFor("dir/A.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(contentTypeFor("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("icon.svg"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("data.json"), "application/json");
}

TEST(ContentTypeFor, FallsBackToOctetStream) {
  EXPECT_EQ(contentTypeFor("README"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor(".html"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("dir.js/file"), "application/octet-stream");
  EXPECT_EQ(contentTypeFor("x.exe"), "application/octet-stream");
}

TEST(AssetPathForUrl, RootIsTheIndexPage) { EXPECT_EQ(assetPathForUrl("/"), "index.html"); }

TEST(AssetPathForUrl, UiPrefixNamesAnAsset) {
  EXPECT_EQ(assetPathForUrl("/ui/app.css"), "app.css");
  EXPECT_EQ(assetPathForUrl("/ui/js/pages/device.js"), "js/pages/device.js");
}

TEST(AssetPathForUrl, DecodesPercentEscapes) {
  EXPECT_EQ(assetPathForUrl("/ui/js%2Fapp.js"), "js/app.js");
  EXPECT_EQ(assetPathForUrl("/ui/a%20b.css"), "a b.css");
}

TEST(AssetPathForUrl, RejectsTraversalAndEmptySegments) {
  EXPECT_FALSE(assetPathForUrl("/ui/../etc/passwd").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/%2e%2e/x").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/js/./app.js").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/js//app.js").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/js/").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/a%00b").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/a%5Cb").has_value());
}

TEST(AssetPathForUrl, RejectsMalformedEscapes) {
  EXPECT_FALSE(assetPathForUrl("/ui/a%").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/a%2").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui/a%zz").has_value());
}

TEST(AssetPathForUrl, RejectsPathsOutsideTheDashboard) {
  EXPECT_FALSE(assetPathForUrl("").has_value());
  EXPECT_FALSE(assetPathForUrl("/index.html").has_value());
  EXPECT_FALSE(assetPathForUrl("/api/devices").has_value());
  EXPECT_FALSE(assetPathForUrl("/uiapp.css").has_value());
  EXPECT_FALSE(assetPathForUrl("/ui").has_value());
}

}  // namespace
}  // namespace acs::web
