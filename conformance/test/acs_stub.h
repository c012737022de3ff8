// conformance/test/acs_stub.h: a small ACS built from the codec, for the harness's own tests.
//
// With no defect switched on it follows the rules the ACS-mode cases check, so every case
// passes against it; each defect breaks one rule on purpose, so the case that checks that
// rule must fail (the negative control). It also offers the REST trigger endpoint
// POST /api/devices/{id}/tasks ({"task_type": M, "parameters": {...}}).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

namespace conformance::test {

struct StubOptions {
  std::set<std::string> defects;  // names listed in acs_stub.cpp
  std::string username;           // non-empty: HTTP Digest authentication of CPEs
  std::string password;
};

class AcsStub {
 public:
  explicit AcsStub(StubOptions options);
  ~AcsStub();
  AcsStub(const AcsStub&) = delete;
  AcsStub& operator=(const AcsStub&) = delete;

  std::uint16_t port() const;
  std::string cwmpUrl() const;
  std::string apiUrl() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Every defect the stub knows.
const std::set<std::string>& stubDefects();

}  // namespace conformance::test
