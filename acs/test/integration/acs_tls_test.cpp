// HTTPS on the ACS, over real TLS on loopback with a throw-away self-signed certificate made
// by the `openssl` command: a whole CWMP session with Basic auth on the separate CWMP
// listener, the REST API on the main one, plain HTTP to a TLS port, start-up refusals for
// unusable certificate files, acsctl with --ca-file / --insecure, and gzip-compressed REST
// replies (over plain HTTP and over HTTPS).
#include <chrono>
#include <fstream>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <Poco/Base64Encoder.h>
#include <Poco/InflatingStream.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "acs/src/api/api_router.h"
#include "acs/test/integration/cwmp_test_support.h"
#include "cwmp/codec.h"

#ifndef ACSCTL_PATH
#error "ACSCTL_PATH must name the acsctl binary"
#endif

namespace acs::itest {
namespace {

struct ProgramRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `program` with `args` and exactly `env` added to an emptied-out set of the variables
// the programs here read.
ProgramRun run(const std::string& program, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {}) {
  Poco::Process::Env environment{{"ACS_URL", ""}, {"ACS_API_KEY", ""}, {"ACS_CA_FILE", ""}};
  for (const auto& [name, value] : env) environment[name] = value;
  Poco::Pipe in_pipe;  // empty: the program reads end-of-file at once
  Poco::Pipe out_pipe;
  Poco::Pipe err_pipe;
  Poco::ProcessHandle handle =
      Poco::Process::launch(program, args, ".", &in_pipe, &out_pipe, &err_pipe, environment);
  in_pipe.close(Poco::Pipe::CLOSE_WRITE);
  Poco::PipeInputStream out(out_pipe);
  Poco::PipeInputStream err(err_pipe);
  ProgramRun result;
  Poco::StreamCopier::copyToString(out, result.out);
  Poco::StreamCopier::copyToString(err, result.err);
  result.code = handle.wait();
  return result;
}

// A self-signed certificate for 127.0.0.1 / localhost, its key, and a second key that does
// not belong to it. Made once per test program (EC keys: milliseconds to generate).
struct Certificates {
  TempDir dir;
  std::string cert;
  std::string key;
  std::string other_key;
  std::string error;  // why they could not be made ("" when fine)
};

const Certificates& certificates() {
  static const std::unique_ptr<Certificates> made = [] {
    auto c = std::make_unique<Certificates>();
    c->cert = (c->dir.path() / "cert.pem").string();
    c->key = (c->dir.path() / "key.pem").string();
    c->other_key = (c->dir.path() / "other-key.pem").string();
    ProgramRun self_signed =
        run("openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", c->key, "-out", c->cert, "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    ProgramRun other = run("openssl", {"genpkey", "-algorithm", "EC", "-pkeyopt",
                                       "ec_paramgen_curve:prime256v1", "-out", c->other_key});
    if (self_signed.code != 0 || other.code != 0) {
      c->error = "openssl failed: " + self_signed.err + other.err;
    }
    return c;
  }();
  return *made;
}

std::string lower(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

// A TLS client context that trusts exactly the test certificate.
Poco::Net::Context::Ptr trustingContext() {
  static const Poco::Net::Context::Ptr context = [] {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.caLocation = certificates().cert;
    params.loadDefaultCAs = false;
    return Poco::Net::Context::Ptr(
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params));
  }();
  return context;
}

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One request on `session`; `body` sent as given with `headers`.
HttpReply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
                   const std::string& target, const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpReply reply;
  Poco::StreamCopier::copyToString(in, reply.body);
  reply.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) reply.headers[lower(name)] = value;
  return reply;
}

// One request on a fresh HTTPS connection.
HttpReply https(std::uint16_t port, const std::string& method, const std::string& target,
                const std::string& body = "",
                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Poco::Net::HTTPSClientSession session("127.0.0.1", port, trustingContext());
  session.setTimeout(Poco::Timespan(10, 0));
  return exchange(session, method, target, body, headers);
}

// One request on a fresh plain-HTTP connection.
HttpReply plain(std::uint16_t port, const std::string& method, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  return exchange(session, method, target, "", headers);
}

std::string gunzip(const std::string& compressed) {
  std::istringstream in(compressed);
  Poco::InflatingInputStream inflate(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::string out;
  Poco::StreamCopier::copyToString(inflate, out);
  return out;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A CPE speaking HTTPS to the ACS: one kept-alive TLS connection, the session cookie, Basic
// credentials sent with every request.
class HttpsCpe {
 public:
  HttpsCpe(std::uint16_t port, const std::string& username, const std::string& password)
      : session_("127.0.0.1", port, trustingContext()) {
    session_.setTimeout(Poco::Timespan(10, 0));
    session_.setKeepAlive(true);
    std::ostringstream encoded;
    Poco::Base64Encoder encoder(encoded);
    encoder << username << ':' << password;
    encoder.close();
    authorization_ = "Basic " + encoded.str();
  }

  void sendCredentials(bool on) { send_credentials_ = on; }
  void forgetCookie() { cookie_.clear(); }

  HttpReply post(const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!body.empty()) {
      headers.emplace_back("Content-Type", "text/xml; charset=\"utf-8\"");
      headers.emplace_back("SOAPAction", "");
    }
    if (send_credentials_) headers.emplace_back("Authorization", authorization_);
    if (!cookie_.empty()) headers.emplace_back("Cookie", "session=" + cookie_);
    HttpReply reply = exchange(session_, "POST", "/cwmp", body, headers);
    const std::string set_cookie = reply.header("set-cookie");
    if (set_cookie.rfind("session=", 0) == 0) {
      cookie_ = set_cookie.substr(8, set_cookie.find(';') - 8);
    }
    return reply;
  }

  // Posts `envelope`; the reply's envelope is decoded into `decoded` when there is one.
  HttpReply send(const cwmp::Envelope& envelope, std::optional<cwmp::Envelope>& decoded) {
    HttpReply reply = post(cwmp::encodeEnvelope(envelope));
    decoded.reset();
    if (reply.status == 200 && !reply.body.empty()) {
      auto parsed = cwmp::decodeEnvelope(reply.body);
      if (parsed.ok()) decoded = std::move(*parsed);
    }
    return reply;
  }

 private:
  Poco::Net::HTTPSClientSession session_;
  std::string authorization_;
  std::string cookie_;
  bool send_credentials_ = true;
};

class AcsTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Once for the program (the client contexts here are static): never undone.
    static const bool ssl = [] {
      Poco::Net::initializeSSL();
      return true;
    }();
    ASSERT_TRUE(ssl);
    ASSERT_TRUE(certificates().error.empty()) << certificates().error;
  }

  AcsConfig tlsConfig() const {
    AcsConfig config = testConfig("sqlite://" + (dir_.path() / "acs.db").string());
    config.tls.cert_file = certificates().cert;
    config.tls.key_file = certificates().key;
    return config;
  }

  TempDir dir_;
};

TEST_F(AcsTlsTest, FullCwmpSessionOverHttpsWithBasicAuthAndTheRestApiOverHttps) {
  AcsConfig config = tlsConfig();
  config.cwmp_port = 0;  // a separate CWMP listener: TLS as well
  config.cpe_auth.mode = CpeAuthMode::Basic;
  config.cpe_auth.username = "cpe";
  config.cpe_auth.password = "s3cret";
  config.cpe_auth.realm = "lab";
  ASSERT_FALSE(config.cpe_auth.allow_basic_without_tls);
  TestServer acs(config);
  ASSERT_NE(acs.cwmpPort(), acs.port());
  EXPECT_EQ(acs.server().urls()[0], "https://127.0.0.1:" + std::to_string(acs.port()));
  EXPECT_EQ(acs.server().urls()[1],
            "https://127.0.0.1:" + std::to_string(acs.cwmpPort()) + "/cwmp");

  const std::string serial = uniqueSerial("TLS");
  const std::string device = deviceIdFor(serial);
  HttpsCpe cpe(acs.cwmpPort(), "cpe", "s3cret");
  std::optional<cwmp::Envelope> decoded;

  // Without credentials: a Basic challenge.
  cpe.sendCredentials(false);
  HttpReply challenge = cpe.send(informEnvelope(serial, {"0 BOOTSTRAP", "1 BOOT"}), decoded);
  EXPECT_EQ(challenge.status, 401) << challenge.body;
  EXPECT_EQ(challenge.header("www-authenticate"), "Basic realm=\"lab\"");
  cpe.sendCredentials(true);
  cpe.forgetCookie();

  // Session 1 creates the device.
  HttpReply ir = cpe.send(informEnvelope(serial, {"0 BOOTSTRAP", "1 BOOT"}, 0, "boot-1"), decoded);
  ASSERT_EQ(ir.status, 200) << ir.body;
  ASSERT_TRUE(decoded && std::holds_alternative<cwmp::InformResponse>(decoded->body)) << ir.body;
  EXPECT_EQ(decoded->header.id, "boot-1");
  ASSERT_EQ(cpe.post("").status, 204);
  cpe.forgetCookie();

  // The REST API on the main listener, over HTTPS: the device, then a task for it.
  HttpReply shown = https(acs.port(), "GET", "/api/devices/" + device);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(json(shown.body)->getValue<std::string>("id"), device);
  HttpReply created = https(acs.port(), "POST", "/api/devices/" + device + "/tasks",
                            R"({"task_type":"GetParameterValues",)"
                            R"("parameters":{"ParameterNames":["Device.DeviceInfo.UpTime"]}})",
                            {{"Content-Type", "application/json"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const auto task_id = json(created.body)->getValue<std::int64_t>("id");

  // Session 2 delivers it: Inform, empty POST -> GPV, GPV response -> 204.
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"}), decoded).status, 200);
  HttpReply request = cpe.post("");
  ASSERT_EQ(request.status, 200) << request.body;
  auto gpv = cwmp::decodeEnvelope(request.body);
  ASSERT_TRUE(gpv.ok()) << request.body;
  ASSERT_TRUE(std::holds_alternative<cwmp::GetParameterValues>(gpv->body)) << request.body;
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.DeviceInfo.UpTime", "4321", "xsd:unsignedInt"}};
  HttpReply last = cpe.send(envelopeOf(values, *gpv->header.id), decoded);
  EXPECT_EQ(last.status, 204) << last.body;

  HttpReply task = https(acs.port(), "GET", "/api/tasks/" + std::to_string(task_id));
  ASSERT_EQ(task.status, 200) << task.body;
  EXPECT_EQ(json(task.body)->getValue<std::string>("status"), "completed") << task.body;
  HttpReply parameters = https(acs.port(), "GET", "/api/devices/" + device + "/parameters");
  ASSERT_EQ(parameters.status, 200) << parameters.body;
  EXPECT_NE(parameters.body.find("4321"), std::string::npos) << parameters.body;
}

TEST_F(AcsTlsTest, PlainHttpToTheTlsPortFailsCleanlyAndTheServerKeepsServing) {
  TestServer acs(tlsConfig());
  bool failed = false;
  try {
    HttpReply reply = plain(acs.port(), "GET", "/api/health");
    ADD_FAILURE() << "plain HTTP got an HTTP answer from the TLS port: " << reply.status;
  } catch (const Poco::TimeoutException& e) {
    ADD_FAILURE() << "plain HTTP to the TLS port hung until the timeout: " << e.displayText();
  } catch (const Poco::Exception&) {
    failed = true;  // the server ended the connection: no HTTP reply
  }
  EXPECT_TRUE(failed);
  HttpReply health = https(acs.port(), "GET", "/api/health");
  EXPECT_EQ(health.status, 200) << health.body;
}

TEST_F(AcsTlsTest, OnlyTls12AndNewerAreAccepted) {
  TestServer acs(tlsConfig());
  const std::string address = "127.0.0.1:" + std::to_string(acs.port());
  // SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal must come from the ACS.
  ProgramRun old = run("openssl", {"s_client", "-connect", address, "-tls1_1", "-cipher",
                                   "DEFAULT@SECLEVEL=0", "-CAfile", certificates().cert});
  EXPECT_NE(old.code, 0) << old.out;
  EXPECT_NE((old.out + old.err).find("protocol version"), std::string::npos) << old.out << old.err;
  ProgramRun tls12 = run("openssl", {"s_client", "-connect", address, "-tls1_2", "-CAfile",
                                     certificates().cert, "-verify_return_error"});
  EXPECT_EQ(tls12.code, 0) << tls12.out << tls12.err;
  EXPECT_NE(tls12.out.find("Protocol  : TLSv1.2"), std::string::npos) << tls12.out;
  ProgramRun tls13 = run("openssl", {"s_client", "-connect", address, "-tls1_3", "-CAfile",
                                     certificates().cert, "-verify_return_error"});
  EXPECT_EQ(tls13.code, 0) << tls13.out << tls13.err;
}

TEST_F(AcsTlsTest, UnusableCertificateFilesRefuseStartWithAClearMessage) {
  struct Case {
    std::string cert;
    std::string key;
    std::string expected;  // part of the message
  };
  const std::string garbage = (dir_.path() / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate\n";
  const std::vector<Case> cases = {
      {(dir_.path() / "missing.pem").string(), certificates().key, "cannot be read"},
      {certificates().cert, (dir_.path() / "missing-key.pem").string(), "cannot be read"},
      {garbage, certificates().key, "cannot load tls.cert_file"},
      {certificates().cert, garbage, "cannot load tls.cert_file"},
      {certificates().cert, certificates().other_key, "does not match the certificate"},
  };
  for (const Case& c : cases) {
    AcsConfig config = tlsConfig();
    config.tls.cert_file = c.cert;
    config.tls.key_file = c.key;
    http::AcsServer server(config);
    const std::string error = server.start();
    EXPECT_EQ(error.rfind(http::AcsServer::kTlsErrorPrefix, 0), 0u)
        << c.cert << " " << c.key << ": " << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
}

TEST_F(AcsTlsTest, TheAcsBinaryExitsWithTheConfigCodeForAMismatchedKey) {
  const std::string data = (dir_.path() / "data").string();
  ProgramRun mismatched =
      run(acsBinary(), {"--tls-cert", certificates().cert, "--tls-key", certificates().other_key},
          {{"ACS_PORT", "0"}, {"ACS_DATA_DIR", data}});
  EXPECT_EQ(mismatched.code, 78) << mismatched.out << mismatched.err;
  EXPECT_NE(mismatched.err.find("invalid TLS configuration"), std::string::npos) << mismatched.err;
  EXPECT_NE(mismatched.err.find(certificates().other_key), std::string::npos) << mismatched.err;

  ProgramRun half =
      run(acsBinary(), {},
          {{"ACS_PORT", "0"}, {"ACS_DATA_DIR", data}, {"ACS_TLS_CERT", certificates().cert}});
  EXPECT_EQ(half.code, 78) << half.out << half.err;
  EXPECT_NE(half.err.find("HTTPS needs both"), std::string::npos) << half.err;
}

TEST_F(AcsTlsTest, AcsctlTrustsTheAcsWithCaFileOrInsecureAndRefusesOtherwise) {
  TestServer acs(tlsConfig());
  const std::string url = "https://127.0.0.1:" + std::to_string(acs.port());

  ProgramRun with_ca =
      run(ACSCTL_PATH, {"--url", url, "--ca-file", certificates().cert, "--json", "stats"});
  EXPECT_EQ(with_ca.code, 0) << with_ca.err;
  EXPECT_TRUE(json(with_ca.out)->has("devices_total")) << with_ca.out;

  ProgramRun from_env = run(ACSCTL_PATH, {"devices", "list"},
                            {{"ACS_URL", url}, {"ACS_CA_FILE", certificates().cert}});
  EXPECT_EQ(from_env.code, 0) << from_env.err;

  ProgramRun insecure = run(ACSCTL_PATH, {"--url", url, "--insecure", "--json", "stats"});
  EXPECT_EQ(insecure.code, 0) << insecure.err;

  ProgramRun untrusted = run(ACSCTL_PATH, {"--url", url, "--json", "stats"});
  EXPECT_EQ(untrusted.code, 1) << untrusted.out;
  EXPECT_NE(untrusted.err.find("--ca-file"), std::string::npos) << untrusted.err;

  ProgramRun both =
      run(ACSCTL_PATH, {"--url", url, "--insecure", "--ca-file", certificates().cert, "stats"});
  EXPECT_EQ(both.code, 2) << both.err;
}

// Compressed replies: the same bytes as the uncompressed reply once decoded; small replies
// and clients refusing gzip get them uncompressed; every such reply says Vary.
void checkCompression(const std::function<HttpReply(const std::string&, const std::string&)>& get) {
  HttpReply identity = get("/api/openapi.json", "");
  ASSERT_EQ(identity.status, 200);
  ASSERT_GT(identity.body.size(), 1024u);
  EXPECT_EQ(identity.header("content-encoding"), "");
  EXPECT_NE(identity.header("vary").find("Accept-Encoding"), std::string::npos);

  HttpReply compressed = get("/api/openapi.json", "gzip, deflate");
  ASSERT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.header("content-encoding"), "gzip");
  EXPECT_NE(compressed.header("vary").find("Accept-Encoding"), std::string::npos);
  EXPECT_LT(compressed.body.size(), identity.body.size() / 2);
  EXPECT_EQ(compressed.header("content-length"), std::to_string(compressed.body.size()));
  EXPECT_EQ(gunzip(compressed.body), identity.body);

  HttpReply refused = get("/api/openapi.json", "gzip;q=0, identity");
  EXPECT_EQ(refused.header("content-encoding"), "");
  EXPECT_EQ(refused.body, identity.body);

  HttpReply small = get("/api/health", "gzip");
  ASSERT_EQ(small.status, 200);
  EXPECT_LT(small.body.size(), 1024u);
  EXPECT_EQ(small.header("content-encoding"), "");
  EXPECT_NE(small.header("vary").find("Accept-Encoding"), std::string::npos);

  HttpReply metrics = get("/metrics", "gzip");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-encoding"), "gzip");
  const std::string text = gunzip(metrics.body);
  EXPECT_EQ(text.rfind("# HELP ", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("acs_tasks_failed_total "), std::string::npos);
}

TEST(AcceptEncoding, GzipIsAcceptedByNameOrWildcardUnlessItsQValueIsZero) {
  EXPECT_TRUE(api::acceptsGzip("gzip"));
  EXPECT_TRUE(api::acceptsGzip("deflate, GZip;q=0.5"));
  EXPECT_TRUE(api::acceptsGzip("x-gzip"));
  EXPECT_TRUE(api::acceptsGzip("br, *"));
  EXPECT_TRUE(api::acceptsGzip("gzip ; q=1.000"));
  EXPECT_FALSE(api::acceptsGzip(""));
  EXPECT_FALSE(api::acceptsGzip("identity"));
  EXPECT_FALSE(api::acceptsGzip("deflate, br"));
  EXPECT_FALSE(api::acceptsGzip("gzip;q=0"));
  EXPECT_FALSE(api::acceptsGzip("gzip; q=0.000, identity"));
  EXPECT_FALSE(api::acceptsGzip("*, gzip;q=0"));
  EXPECT_FALSE(api::acceptsGzip("*;q=0"));
  EXPECT_FALSE(api::acceptsGzip("gzipped"));
}

TEST_F(AcsTlsTest, LargeApiRepliesAreGzippedForClientsThatAcceptIt) {
  TestServer acs(testConfig("sqlite://" + (dir_.path() / "plain.db").string()));
  checkCompression([&](const std::string& target, const std::string& encoding) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!encoding.empty()) headers.emplace_back("Accept-Encoding", encoding);
    return plain(acs.port(), "GET", target, headers);
  });
}

TEST_F(AcsTlsTest, LargeApiRepliesAreGzippedOverHttpsToo) {
  TestServer acs(tlsConfig());
  checkCompression([&](const std::string& target, const std::string& encoding) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!encoding.empty()) headers.emplace_back("Accept-Encoding", encoding);
    return https(acs.port(), "GET", target, "", headers);
  });
}

}  // namespace
}  // namespace acs::itest
