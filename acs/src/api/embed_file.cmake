# Writes a C++ source defining `std::string_view <FUNCTION>()` that returns the bytes of INPUT.
#   cmake -DINPUT=openapi.json -DOUTPUT=openapi_document.cpp -DNAMESPACE=acs::api
#         -DFUNCTION=openApiDocument -DHEADER=api/openapi.h -P embed_file.cmake
# The bytes go into an unsigned char array (not a string literal), so there is no length limit
# and no escaping to get wrong.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# 16 bytes per line keeps the generated file readable.
set(bytes "")
set(offset 0)
while(offset LESS hex_length)
  string(SUBSTRING "${hex}" ${offset} 32 chunk)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," chunk "${chunk}")
  string(APPEND bytes "${chunk}\n    ")
  math(EXPR offset "${offset} + 32")
endwhile()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by embed_file.cmake; do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {

namespace {
const unsigned char kBytes[${size} + 1] = {
    ${bytes}0x00};
}  // namespace

std::string_view ${FUNCTION}() {
  return std::string_view(reinterpret_cast<const char*>(kBytes), ${size});
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
