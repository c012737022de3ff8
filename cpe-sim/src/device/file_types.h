// device/file_types.h (internal): FileType strings and URLs of file transfers
// (checklist 11.1, 4.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpesim {

// Download/ScheduleDownload FileType: "1 Firmware Upgrade Image" .. "5 Ringer File", or a
// vendor type "X <OUI> <name>" / "X <VENDOR> <name>"; at most 64 characters.
bool isDownloadFileType(std::string_view type);
// Upload FileType: "1 Vendor Configuration File", "2 Vendor Log File",
// "3 Vendor Configuration File <i>", "4 Vendor Log File <i>" or a vendor type.
bool isUploadFileType(std::string_view type);
// The <i> of "3 Vendor Configuration File <i>" / "4 Vendor Log File <i>".
std::optional<std::uint32_t> uploadFileInstance(std::string_view type);
// ScheduleDownload WindowMode: "1 At Any Time" .. "4 Confirmation Needed" or "X ...".
bool isWindowMode(std::string_view mode);
// The lower-case scheme of an absolute URL ("http" for "HTTP://host/x"), nullopt when
// `url` has no "scheme://authority".
std::optional<std::string> urlScheme(std::string_view url);

}  // namespace cpesim
