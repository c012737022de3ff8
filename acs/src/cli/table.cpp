#include "cli/table.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace acs::cli {

namespace {

std::size_t displayWidth(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    // Count every byte except UTF-8 continuation bytes (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string clean(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace

std::string renderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows) {
  const std::size_t columns = headers.size();
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size() + 1);
  cells.push_back(headers);
  for (const auto& row : rows) {
    std::vector<std::string> line(columns);
    for (std::size_t i = 0; i < columns && i < row.size(); ++i) line[i] = clean(row[i]);
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < columns; ++i) {
      widths[i] = std::max(widths[i], displayWidth(line[i]));
    }
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < columns; ++i) {
      text += line[i];
      if (i + 1 < columns) text.append(widths[i] - displayWidth(line[i]) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  }
  return out;
}

std::string renderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, displayWidth(key));
  std::string out;
  for (const auto& [key, value] : fields) {
    out += key;
    out += ':';
    out.append(width - displayWidth(key) + 1, ' ');
    out += clean(value);
    out += '\n';
  }
  return out;
}

}  // namespace acs::cli
