// acs/cli/table.h: plain-text tables for acsctl's human output.
//
//   std::cout << renderTable({"ID", "STATUS"}, {{"1", "pending"}, {"12", "completed"}});
//   // ID  STATUS
//   // 1   pending
//   // 12  completed
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace acs::cli {

// Columns are as wide as their widest cell (counted in UTF-8 code points) and separated by two
// spaces; the last column is not padded. Control characters in cells (a newline in a
// parameter value) are shown as spaces so one row stays one line. Rows shorter than the
// header get empty cells.
std::string renderTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows);

// "key: value" lines with the keys padded to one width.
std::string renderFields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace acs::cli
