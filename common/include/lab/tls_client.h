// lab/tls_client.h: HTTP and HTTPS client sessions with one trust policy, for the tools
// that talk to an ACS over Poco (acsctl, the conformance harness).
//
//   lab::ClientTls tls{.ca_file = "acs-ca.pem"};             // or {.insecure = true}
//   auto session = lab::openClientSession("https", "acs.example", 443, tls);
//   // ... session->sendRequest(...); an untrusted certificate throws Poco::Net::SSLException
//
// Verification (the default) checks the certificate chain against `ca_file` (PEM) or, when
// empty, the system's CAs, and that the certificate names the host. `insecure` turns both
// off: only for test servers with self-signed certificates. TLS 1.2 or newer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

namespace lab {

struct ClientTls {
  bool insecure = false;
  std::string ca_file = {};
};

// A client context for `tls` (initialises Poco's SSL library once per process). Throws
// Poco::Exception when the CA file cannot be loaded.
Poco::Net::Context::Ptr makeClientContext(const ClientTls& tls);

// An HTTPClientSession for "http", an HTTPSClientSession for "https" (with `context`, or a
// context made from `tls` when it is null). Throws std::invalid_argument for other schemes.
std::unique_ptr<Poco::Net::HTTPClientSession> openClientSession(
    std::string_view scheme, const std::string& host, std::uint16_t port, const ClientTls& tls,
    Poco::Net::Context::Ptr context = nullptr);

// The hint to append to a certificate error: how to trust a self-signed ACS.
inline constexpr std::string_view kTrustHint =
    " (a self-signed certificate needs --ca-file FILE, or --insecure)";

}  // namespace lab
