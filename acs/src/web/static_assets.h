// acs/web/static_assets.h: the dashboard's files (acs/web/static/**), embedded in the binary.
//
// The build turns every file under acs/web/static/ into a byte array of a generated source
// (acs/web/embed_assets.cmake), so the `acs` binary serves the dashboard with no files on
// disk. Each asset carries its content type (from the file extension) and a strong ETag (a
// SHA-256 prefix of the content, computed at build time).
//
//   auto asset = acs::web::findAsset("js/app.js");
//   if (asset) send(asset->content, asset->content_type, asset->etag);
//
// Pure C++ (no Poco). Everything returned points into static storage: valid for the whole
// life of the process and safe to read from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace acs::web {

struct Asset {
  std::string_view path;          // relative to acs/web/static, '/'-separated: "js/app.js"
  std::string_view content;       // the file's bytes
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted, e.g. "\"5d41402abc4b2a76\""
};

// The asset stored under `path` (relative, no leading '/'), nullopt when there is none.
// Paths are matched exactly (case-sensitive); "." and ".." segments never match.
std::optional<Asset> findAsset(std::string_view path);

// Every embedded asset, sorted by path.
std::span<const Asset> allAssets();

// The content type served for a file name, from its extension (case-insensitive):
// html, css, js/mjs, json, svg, png, ico, txt, map, woff2; "application/octet-stream"
// for anything else.
std::string_view contentTypeFor(std::string_view file_name);

// Which asset a URL path names: "/" -> "index.html", "/ui/<p>" -> "<p>" (percent escapes
// decoded). nullopt for any other path, for "/ui/" itself, and for paths with empty, "." or
// ".." segments, a NUL byte or a malformed escape. The query string must already be cut off.
std::optional<std::string> assetPathForUrl(std::string_view url_path);

}  // namespace acs::web
