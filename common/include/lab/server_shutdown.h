#pragma once
// Stopping a Poco HTTP server without leaving its worker threads behind.
//
// Poco::Net::HTTPServer::stopAll() stops the acceptor and aborts open connections, but the
// pooled threads that were serving requests keep running until their handler returns. If
// the owner (or the process) goes away meanwhile, those threads touch freed memory. Every
// server we own is stopped through stopAndDrain(), which waits for them, bounded.

#include <chrono>

namespace Poco::Net {
class HTTPServer;
}

namespace lab {

// Stops `server` (no new connections; open ones aborted when `abort_open` is true, else
// allowed to finish their current request) and waits up to `grace` until no connection is
// being served. Returns the number of connections still busy when the wait ended (0 when
// drained). Safe to call more than once.
int stopAndDrain(Poco::Net::HTTPServer& server, bool abort_open,
                 std::chrono::milliseconds grace = std::chrono::seconds(5));

}  // namespace lab
