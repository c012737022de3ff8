#include "acs/src/http/connection_request.h"

namespace acs {

// Defined here, in the pure acs_core library, so code that only holds or fakes a
// ConnectionRequester (the REST API and its tests) does not need the HTTP client.
ConnectionRequester::~ConnectionRequester() = default;

}  // namespace acs
