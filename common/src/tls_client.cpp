#include "lab/tls_client.h"

#include <stdexcept>

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetSSL.h>

namespace lab {

Poco::Net::Context::Ptr makeClientContext(const ClientTls& tls) {
  static const bool initialized = [] {
    Poco::Net::initializeSSL();
    return true;
  }();
  (void)initialized;
  Poco::Net::Context::Params params;
  if (tls.insecure) {
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
  } else {
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.caLocation = tls.ca_file;
    params.loadDefaultCAs = tls.ca_file.empty();
  }
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  // Without verification there is no name to check either.
  if (tls.insecure) context->enableExtendedCertificateVerification(false);
  return context;
}

std::unique_ptr<Poco::Net::HTTPClientSession> openClientSession(std::string_view scheme,
                                                                const std::string& host,
                                                                std::uint16_t port,
                                                                const ClientTls& tls,
                                                                Poco::Net::Context::Ptr context) {
  if (scheme == "http") return std::make_unique<Poco::Net::HTTPClientSession>(host, port);
  if (scheme == "https") {
    if (context.isNull()) context = makeClientContext(tls);
    return std::make_unique<Poco::Net::HTTPSClientSession>(host, port, context);
  }
  throw std::invalid_argument("unsupported URL scheme '" + std::string(scheme) +
                              "': use http:// or https://");
}

}  // namespace lab
