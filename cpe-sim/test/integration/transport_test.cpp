// The transport over real HTTP on loopback: the event-loop driver and the blocking driver
// against the ACS stub, the connection-request listener against Poco's own Digest client,
// and file transfers against a file server.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPDigestCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <sstream>
#include <thread>

#include "cwmp/codec.h"
#include "test/integration/acs_stub.h"
#include "test/integration/file_server.h"
#include "transport/blocking_http.h"
#include "transport/cr_listener.h"
#include "transport/file_transfer.h"
#include "transport/session_connection.h"

namespace cpesim::testing {
namespace {

// Runs one POST through the event loop on a helper thread and returns the outcome.
HttpOutcome postViaLoop(CwmpHttpClient& client, std::string body, std::chrono::milliseconds timeout) {
  EventLoop loop;
  AddressResolver resolver;
  SessionConnection connection(loop, resolver, timeout);
  client.post(std::move(body), std::string());
  connection.drive(client, [&] { loop.stop(); });
  loop.run();
  return client.outcome();
}

TEST(EventLoopTransport, AuthenticatesWithDigestOnTheSameConnection) {
  AcsStub stub({.auth = AcsStub::Auth::Digest, .username = "cpe", .password = "pw"});
  EventLoop loop;
  AddressResolver resolver;
  SessionConnection connection(loop, resolver, std::chrono::seconds(5));
  CwmpHttpClient client(*parseHttpUrl(stub.url()), {.username = "cpe", .password = "pw"});
  std::vector<HttpOutcome> outcomes;
  client.post(informXml("SN1", "0 BOOTSTRAP"), std::string());
  connection.drive(client, [&] {
    outcomes.push_back(client.outcome());
    client.post("", std::string());
    connection.drive(client, [&] {
      outcomes.push_back(client.outcome());
      loop.stop();
    });
  });
  loop.run();
  ASSERT_EQ(outcomes.size(), 2u);
  ASSERT_TRUE(outcomes[0].ok) << outcomes[0].error;
  EXPECT_EQ(outcomes[0].status, 200);
  EXPECT_EQ(outcomes[0].auth_rounds, 1);
  EXPECT_NE(outcomes[0].body.find("InformResponse"), std::string::npos);
  EXPECT_EQ(outcomes[1].status, 204);
  auto requests = stub.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].reply_status, 401);
  EXPECT_FALSE(requests[0].hasHeader("Authorization"));
  EXPECT_EQ(requests[1].reply_status, 200);
  EXPECT_EQ(requests[1].header("Authorization").rfind("Digest ", 0), 0u);
  EXPECT_EQ(requests[2].header("Cookie"), "session=1");
  EXPECT_NE(requests[2].header("Authorization"), "");
  // One TCP connection for the challenge, the retry and the rest of the session.
  EXPECT_EQ(requests[0].client_port, requests[1].client_port);
  EXPECT_EQ(requests[1].client_port, requests[2].client_port);
  EXPECT_EQ(client.connectionsOpened(), 1u);
}

TEST(EventLoopTransport, FollowsRedirectWithTheSamePost) {
  AcsStub stub({.redirect_first_post = true});
  CwmpHttpClient client(*parseHttpUrl(stub.url()), {});
  const std::string body = informXml("SN2", "0 BOOTSTRAP");
  HttpOutcome out = postViaLoop(client, body, std::chrono::seconds(5));
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.redirects, 1);
  auto requests = stub.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].uri, "/acs");
  EXPECT_EQ(requests[0].reply_status, 307);
  EXPECT_EQ(requests[1].uri, "/acs2");
  EXPECT_EQ(requests[1].method, "POST");
  EXPECT_EQ(requests[1].body, body);
}

TEST(EventLoopTransport, TimesOutOnSilentServer) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  CwmpHttpClient client(*parseHttpUrl("http://127.0.0.1:" + std::to_string(silent.address().port()) + "/"), {});
  auto started = std::chrono::steady_clock::now();
  HttpOutcome out = postViaLoop(client, "<x/>", std::chrono::milliseconds(300));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("timeout"), std::string::npos) << out.error;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
}

TEST(EventLoopTransport, ReportsRefusedConnection) {
  std::uint16_t port = 0;
  {
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = closed.address().port();
  }
  CwmpHttpClient client(*parseHttpUrl("http://127.0.0.1:" + std::to_string(port) + "/"), {});
  HttpOutcome out = postViaLoop(client, "<x/>", std::chrono::seconds(2));
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("cannot connect"), std::string::npos) << out.error;
}

TEST(BlockingTransport, RunsASessionWithBasicAuth) {
  AcsStub stub({.auth = AcsStub::Auth::Basic, .username = "u", .password = "p"});
  CwmpHttpClient client(*parseHttpUrl(stub.url()), {.username = "u", .password = "p"});
  BlockingHttpConnection connection(std::chrono::seconds(5));
  client.post(informXml("SN3", "0 BOOTSTRAP"), std::string());
  const HttpOutcome& first = connection.run(client);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.status, 200);
  client.post("", std::string());
  EXPECT_EQ(connection.run(client).status, 204);
  auto requests = stub.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[2].header("Authorization"), "Basic dTpw");
}

// --- Connection-request listener --------------------------------------------------------

class FakeTarget : public ConnectionRequestTarget {
 public:
  CrLookup connectionRequestCredentials(std::string_view device) override {
    CrLookup r;
    if (device == "SN-OFF") {
      r.status = CrLookup::Status::Unavailable;
    } else if (device == "SN/1" || device == "SN1") {
      r.status = CrLookup::Status::Ok;
      r.credentials = {"cr-user", "cr-pass"};
    }
    return r;
  }
  void connectionRequested(std::string_view device) override {
    std::lock_guard<std::mutex> lock(mutex);
    requested.emplace_back(device);
    changed.notify_all();
  }
  // The listener tells the target after the 200 is on the wire, so the client may see the
  // answer first: wait for the trigger.
  std::vector<std::string> waitForRequests(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(5), [&] { return requested.size() >= count; });
    return requested;
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> requested;
};

struct CrResult {
  int first_status = 0;
  int status = 0;
  bool retry_after = false;
  std::string body;
};

// GET with Poco's own Digest client: challenge, then the authenticated request.
CrResult connectionRequest(const std::string& url, const std::string& user, const std::string& password) {
  Poco::URI uri(url);
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  // The request target exactly as the URL spells it (Poco::URI would decode %2F).
  const std::string target = url.substr(url.find('/', url.find("//") + 2));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  session.sendRequest(request);
  std::istream& challenge = session.receiveResponse(response);
  Poco::NullOutputStream sink;
  Poco::StreamCopier::copyStream(challenge, sink);
  CrResult result;
  result.first_status = response.getStatus();
  if (response.getStatus() == 401) {
    Poco::Net::HTTPDigestCredentials credentials(user, password);
    credentials.authenticate(request, response);
    session.sendRequest(request);
    Poco::Net::HTTPResponse second;
    std::istream& body = session.receiveResponse(second);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(body, text);
    result.status = second.getStatus();
    result.retry_after = second.has("Retry-After");
    result.body = text.str();
  } else {
    result.status = response.getStatus();
  }
  return result;
}

TEST(ConnectionRequestListener, AcceptsDigestFromPocoClientAndTriggersOnce) {
  FakeTarget target;
  ConnectionRequestListener listener(target, {.bind_host = "127.0.0.1"});
  listener.start();
  CrResult r = connectionRequest(listener.urlFor("SN1"), "cr-user", "cr-pass");
  EXPECT_EQ(r.first_status, 401);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(target.waitForRequests(1), (std::vector<std::string>{"SN1"}));
  EXPECT_EQ(listener.stats().accepted, 1u);
}

TEST(ConnectionRequestListener, RefusesWrongPasswordWithoutTriggering) {
  FakeTarget target;
  ConnectionRequestListener listener(target, {.bind_host = "127.0.0.1"});
  listener.start();
  CrResult r = connectionRequest(listener.urlFor("SN1"), "cr-user", "wrong");
  EXPECT_EQ(r.status, 401);
  std::lock_guard<std::mutex> lock(target.mutex);
  EXPECT_TRUE(target.requested.empty());
  EXPECT_EQ(listener.stats().auth_failed, 1u);
}

TEST(ConnectionRequestListener, AnswersUnknownAndUnavailableDevices) {
  FakeTarget target;
  ConnectionRequestListener listener(target, {.bind_host = "127.0.0.1"});
  listener.start();
  EXPECT_EQ(connectionRequest(listener.urlFor("nobody"), "a", "b").first_status, 404);
  EXPECT_EQ(connectionRequest(listener.urlFor("SN-OFF"), "a", "b").first_status, 503);
  EXPECT_EQ(connectionRequest(listener.urlTemplate("x/y"), "a", "b").first_status, 404);
  // A serial with a character that needs escaping reaches the target decoded.
  EXPECT_EQ(connectionRequest(listener.urlFor("SN/1"), "cr-user", "cr-pass").status, 200);
}

TEST(ConnectionRequestListener, RateLimitsWith503AndNoRetryAfter) {
  FakeTarget target;
  ConnectionRequestListener listener(target, {.bind_host = "127.0.0.1", .max_per_window = 2});
  listener.start();
  EXPECT_EQ(connectionRequest(listener.urlFor("SN1"), "cr-user", "cr-pass").status, 200);
  EXPECT_EQ(connectionRequest(listener.urlFor("SN1"), "cr-user", "cr-pass").status, 200);
  CrResult third = connectionRequest(listener.urlFor("SN1"), "cr-user", "cr-pass");
  EXPECT_EQ(third.status, 503);
  EXPECT_FALSE(third.retry_after);
  EXPECT_EQ(target.waitForRequests(2).size(), 2u);
  EXPECT_EQ(listener.stats().rate_limited, 1u);
}

// --- File transfers ---------------------------------------------------------------------

TEST(FileTransfer, DownloadsWithCredentialsAndChecksSize) {
  FileServer files("fsuser", "fspass");
  files.add("cfg.bin", std::string(1000, 'x'));
  TransferResult ok = runTransfer({.url = files.url("/files/cfg.bin"), .username = "fsuser",
                                   .password = "fspass", .expected_size = 1000});
  EXPECT_EQ(ok.fault_code, 0u) << ok.fault_string;
  EXPECT_EQ(ok.bytes, 1000u);
  EXPECT_LE(ok.start, ok.complete);
  auto hits = files.hits();
  ASSERT_EQ(hits.size(), 2u);  // the challenge, then the authenticated GET
  EXPECT_EQ(hits[0].status, 401);
  EXPECT_EQ(hits[1].status, 200);

  TransferResult wrong_size = runTransfer({.url = files.url("/files/cfg.bin"), .username = "fsuser",
                                           .password = "fspass", .expected_size = 999});
  EXPECT_EQ(wrong_size.fault_code, 9018u);
  TransferResult missing = runTransfer({.url = files.url("/files/none"), .username = "fsuser",
                                        .password = "fspass"});
  EXPECT_EQ(missing.fault_code, 9016u);
  TransferResult refused = runTransfer({.url = files.url("/files/cfg.bin"), .username = "fsuser",
                                        .password = "nope"});
  EXPECT_EQ(refused.fault_code, 9012u);
  TransferResult ftp = runTransfer({.url = "ftp://127.0.0.1/x"});
  EXPECT_EQ(ftp.fault_code, 9013u);
}

TEST(FileTransfer, ReportsUnreachableServerAndUploadsWithPut) {
  std::uint16_t port = 0;
  {
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = closed.address().port();
  }
  TransferResult down = runTransfer({.url = "http://127.0.0.1:" + std::to_string(port) + "/f"});
  EXPECT_EQ(down.fault_code, 9015u) << down.fault_string;

  FileServer files;
  TransferResult up = runTransfer({.is_download = false, .url = files.url("/upload/log.txt"),
                                   .upload_body = "line 1\nline 2\n"});
  EXPECT_EQ(up.fault_code, 0u) << up.fault_string;
  EXPECT_EQ(files.uploads()["log.txt"], "line 1\nline 2\n");
  TransferResult bad = runTransfer({.is_download = false, .url = files.url("/elsewhere")});
  EXPECT_EQ(bad.fault_code, 9011u);
}

TEST(FileTransfer, ThrottledDownloadTakesItsTime) {
  FileServer files;
  files.add("slow.bin", std::string(3000, 'y'));
  auto started = std::chrono::steady_clock::now();
  TransferResult r = runTransfer({.url = files.url("/files/slow.bin"), .bytes_per_second = 10000});
  EXPECT_EQ(r.fault_code, 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250));
}

TEST(TransferPool, RunsJobsAndReportsOnCompletion) {
  FileServer files;
  files.add("a", "aaa");
  std::atomic<int> done{0};
  std::atomic<std::uint64_t> bytes{0};
  {
    TransferPool pool(2);
    for (int i = 0; i < 4; ++i) {
      pool.submit({.url = files.url("/files/a")}, [&](TransferResult r) {
        bytes += r.bytes;
        ++done;
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (done < 4 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(bytes.load(), 12u);
}

}  // namespace
}  // namespace cpesim::testing
