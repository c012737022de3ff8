#include "web/static_assets.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "web/embedded_files.h"

namespace acs::web {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Built once from the generated table; the table is already sorted by path.
const std::vector<Asset>& assetTable() {
  static const std::vector<Asset> table = [] {
    std::vector<Asset> assets;
    assets.reserve(detail::kEmbeddedFileCount);
    for (std::size_t i = 0; i < detail::kEmbeddedFileCount; ++i) {
      const detail::EmbeddedFile& file = detail::kEmbeddedFiles[i];
      assets.push_back(Asset{file.path, std::string_view(file.data, file.size),
                             contentTypeFor(file.path), file.etag});
    }
    std::sort(assets.begin(), assets.end(),
              [](const Asset& a, const Asset& b) { return a.path < b.path; });
    return assets;
  }();
  return table;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view contentTypeFor(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes = {{
      {"html", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"woff2", "font/woff2"},
  }};
  const std::size_t slash = file_name.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    const std::string_view extension = base.substr(dot + 1);
    for (const auto& [known, type] : kTypes) {
      if (iequals(extension, known)) return type;
    }
  }
  return "application/octet-stream";
}

std::optional<Asset> findAsset(std::string_view path) {
  const std::vector<Asset>& table = assetTable();
  auto it =
      std::lower_bound(table.begin(), table.end(), path,
                       [](const Asset& asset, std::string_view key) { return asset.path < key; });
  if (it == table.end() || it->path != path) return std::nullopt;
  return *it;
}

std::span<const Asset> allAssets() { return assetTable(); }

std::optional<std::string> assetPathForUrl(std::string_view url_path) {
  if (url_path == "/") return std::string("index.html");
  constexpr std::string_view kPrefix = "/ui/";
  if (!url_path.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = url_path.substr(kPrefix.size());

  std::string decoded;
  decoded.reserve(rest.size());
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      decoded.push_back(rest[i]);
      continue;
    }
    if (i + 2 >= rest.size()) return std::nullopt;  // needs two hex digits after '%'
    const int high = hexDigit(rest[i + 1]);
    const int low = hexDigit(rest[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (decoded.empty()) return std::nullopt;

  // Every segment must be a plain name: no "", ".", "..", backslash or NUL, so a request can
  // never name anything outside the embedded set (there is no file system behind it anyway,
  // but the rule keeps URLs canonical: one URL per asset).
  std::string_view remaining = decoded;
  while (true) {
    const std::size_t slash = remaining.find('/');
    const std::string_view segment = remaining.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    if (segment.find('\0') != std::string_view::npos ||
        segment.find('\\') != std::string_view::npos) {
      return std::nullopt;
    }
    if (slash == std::string_view::npos) break;
    remaining.remove_prefix(slash + 1);
  }
  return decoded;
}

}  // namespace acs::web
