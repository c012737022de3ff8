// acs/http/cwmp_handler.h: the Poco request handler of the CWMP endpoint. It moves bytes
// only: reads the body with a size bound (413 beyond it), undoes Content-Encoding gzip or
// deflate (also bounded), hands a CwmpRequest to CwmpService and writes the CwmpReply.
// `Expect: 100-continue` is answered by Poco's server before the handler runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <Poco/Net/HTTPRequestHandler.h>

#include "acs/src/core/metrics.h"
#include "acs/src/http/cwmp_service.h"

namespace acs::http {

class CwmpRequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  CwmpRequestHandler(CwmpService& service, Metrics& metrics, std::uint64_t max_body_bytes)
      : service_(service), metrics_(metrics), max_body_bytes_(max_body_bytes) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  CwmpService& service_;
  Metrics& metrics_;
  std::uint64_t max_body_bytes_;
};

// Reads at most `limit` bytes of `in` into `out`; false when there was more.
bool readBounded(std::istream& in, std::uint64_t limit, std::string& out);

// Decodes a gzip ("gzip", "x-gzip") or zlib ("deflate") body, at most `limit` bytes of output.
// Returns "" on success, "too large" when the output exceeds the limit, or the decoder error.
std::string inflateBody(const std::string& encoding, const std::string& in, std::uint64_t limit,
                        std::string& out);

}  // namespace acs::http
