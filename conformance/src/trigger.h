// conformance/trigger.h: ways to make the ACS under test issue an RPC.
#pragma once

#include <memory>
#include <string>

#include "case_model.h"
#include "lab/tls_client.h"

namespace conformance {

// Our ACS's REST API (or any ACS offering the same endpoint): POST
// {api}/devices/{id}/tasks with {"task_type": method, "parameters": args}; an API key goes in
// X-API-Key; "connection_request": true asks for a Connection Request. Any 2xx answer means
// queued. `tls` is the trust for an https:// API URL.
std::shared_ptr<Trigger> makeApiTrigger(std::string api_url, std::string api_key,
                                        lab::ClientTls tls = {});

// Another ACS: runs `/bin/sh -c command` with {device}, {rpc}, {args} and {cr} replaced (args
// is the JSON argument object, cr "1" when a Connection Request is wanted, else "0"; they
// are also in the environment as CONFORMANCE_DEVICE, CONFORMANCE_RPC, CONFORMANCE_ARGS and
// CONFORMANCE_CR, for commands that would rather not quote JSON).
// Exit status 0 means queued; otherwise the command's output is the error.
std::shared_ptr<Trigger> makeCommandTrigger(std::string command);

}  // namespace conformance
