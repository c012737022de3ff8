// acs/api/openapi.h: the OpenAPI 3.0 document served at GET /api/openapi.json.
//
// The document is written by hand in acs/src/api/openapi.json (readable and reviewable as
// JSON) and compiled into the binary at build time, so the server needs no data files. A test
// checks that every route of ApiRouter::routes() appears in it with its method.
#pragma once

#include <string_view>

namespace acs::api {

// The document's bytes, exactly as in openapi.json.
std::string_view openApiDocument();

}  // namespace acs::api
