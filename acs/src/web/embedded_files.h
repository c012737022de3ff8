// acs/web/embedded_files.h: the table the build generates from acs/web/static/** (see
// acs/web/embed_assets.cmake). Internal to acs_web: use static_assets.h.
#pragma once

#include <cstddef>

namespace acs::web::detail {

struct EmbeddedFile {
  const char* path;  // relative to acs/web/static, '/'-separated
  const char* data;  // the bytes (NUL-terminated as a string literal; `size` excludes it)
  std::size_t size;
  const char* etag;  // quoted SHA-256 prefix of the bytes
};

// Sorted by path (byte order). Defined in the generated web_assets_data.cpp.
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace acs::web::detail
