// conformance/cr_listener.h: the CPE's Connection Request endpoint, played by the harness.
//
// Listens on 127.0.0.1 (port 0) and records every request. With credentials it answers a
// request without valid HTTP Digest authorization with a 401 Digest challenge (qop=auth),
// as a CPE must (Amd 6 §3.2.2); an authorized request gets 200 with an empty body.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace conformance {

struct CrRequest {
  std::string method;
  std::string uri;
  std::string authorization;  // "" when none
  bool accepted = false;      // answered 200
};

class CrListener {
 public:
  CrListener(std::string username, std::string password);
  ~CrListener();
  CrListener(const CrListener&) = delete;
  CrListener& operator=(const CrListener&) = delete;

  // http://127.0.0.1:PORT/cr
  std::string url() const;
  // Waits until an accepted request arrived or `timeout` passed; returns all requests seen.
  std::vector<CrRequest> waitForAccepted(std::chrono::milliseconds timeout);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace conformance
