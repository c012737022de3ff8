// transport/file_transfer.h: the CPE's file transfers: Download is an HTTP(S) GET of the
// URL with the RPC's credentials (Basic or Digest, as the file server challenges), Upload an
// HTTP(S) PUT (TR-069 A.3.2.8, A.4.1.5; checklist 11.2). Outcomes map to the
// TransferComplete fault codes of checklist 5.2.
//
// Transfers are rare and may be large or deliberately slow, so they run blocking on a small
// pool of worker threads (TransferPool) instead of the session event loop.
//
//   TransferPool pool(4);
//   pool.submit(TransferRequest{.is_download = true, .url = url, .expected_size = 1024},
//               [](TransferResult r) { /* any thread: post back to the owner */ });
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cpesim {

struct TransferRequest {
  bool is_download = true;
  std::string url = {};
  std::string username = {};
  std::string password = {};
  std::uint64_t expected_size = 0;  // Download FileSize; 0 = unknown, no check
  std::string upload_body = {};     // Upload: the bytes to PUT
  std::uint32_t bytes_per_second = 0;  // quirk: throttle the body; 0 = full speed
  std::chrono::milliseconds timeout{60'000};  // whole transfer
  std::size_t max_bytes = 256 * 1024 * 1024;  // a larger download fails with 9010
};

struct TransferResult {
  std::uint32_t fault_code = 0;  // 0 = success
  std::string fault_string;
  std::uint64_t bytes = 0;       // body bytes received (download) or sent (upload)
  int http_status = 0;           // last HTTP status, 0 when none arrived
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point complete;
};

// Runs one transfer to completion. Blocking; never throws. Fault codes:
//   9013 unsupported scheme (neither http nor https), 9015 cannot contact the server,
//   9012 authentication refused, 9016 cannot access the file (404, 403, other status),
//   9017 cannot complete (connection lost, timeout, body shorter than announced),
//   9018 file corrupted (size differs from FileSize), 9010 other download failures,
//   9011 every upload failure except authentication and unsupported scheme.
// `cancelled`, when given, aborts the transfer (9010/9011) once it becomes true.
TransferResult runTransfer(const TransferRequest& request,
                           const std::atomic<bool>* cancelled = nullptr);

// A fixed set of worker threads running transfers in submission order. Thread-safe.
class TransferPool {
 public:
  using Callback = std::function<void(TransferResult)>;

  explicit TransferPool(std::size_t threads);
  // Cancels running transfers (their callbacks still run, with a failure) and joins.
  ~TransferPool();
  TransferPool(const TransferPool&) = delete;
  TransferPool& operator=(const TransferPool&) = delete;

  // `done` runs on a worker thread. After shutdown began, `done` runs at once with 9010/9011.
  void submit(TransferRequest request, Callback done);
  std::size_t queued() const;

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<TransferRequest, Callback>> queue_;  // guarded by mutex_
  bool stopping_ = false;                                   // guarded by mutex_
  std::atomic<bool> cancelled_{false};
  std::vector<std::thread> threads_;
};

}  // namespace cpesim
