// Connection pool and group-committing writers of the SQL store.
//
// Writes do not contend for the database lock from many threads. Each write is a closure
// queued on one of `writers` lanes (chosen by a routing key, e.g. the device id, so the writes
// of one device keep their order and never deadlock each other within one process). As in
// LevelDB's write path, the caller at the front of a lane's queue becomes the leader: it takes
// everything queued behind it (up to max_batch), runs it on the lane's connection in ONE
// transaction, commits once, then wakes the callers it served and hands the lead to the next
// in line. A failing closure rolls back only its own changes: the batch first runs without
// savepoints (each costs two statements, two round trips on PostgreSQL); when a closure fails,
// the whole transaction is rolled back and the batch runs again with each closure inside its
// own SAVEPOINT. A lone caller therefore runs its write on its
// own thread with no hand-off; under load one commit serves many callers. SQLite uses one lane
// (it admits one writer at a time anyway); PostgreSQL several.
//
// Within a batch, operations run ordered by routing key (stable, so one key's operations keep
// their order). Two processes batching writes for the same devices then take the devices' row
// locks in the same order and cannot deadlock each other. A batch that still fails as a whole
// with a transient error (deadlock, serialization failure) is retried; closures must
// therefore write their outputs afresh on every run.
// A connection-level failure fails the batch with Unavailable and drops the connection; the
// next batch reconnects.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/sql/conn.h"

namespace acs::store::sql {

using ConnFactory = std::function<ConnPtr()>;
// Turns an exception thrown by the driver into a StoreError and tells whether the
// connection is still usable and whether the whole transaction may be retried.
struct Classified {
  StoreError error;
  bool connection_lost = false;
  bool retry_transaction = false;
};
using ErrorClassifier = std::function<Classified(const std::exception&)>;

// Runs `fn` on `conn` turning every exception into a Classified error.
Classified classifyCurrent(const ErrorClassifier& classify);

class ConnPool {
 public:
  ConnPool(ConnFactory factory, int max_size);
  ~ConnPool();

  class Handle {
   public:
    Handle(ConnPool* pool, ConnPtr conn) : pool_(pool), conn_(std::move(conn)) {}
    Handle(Handle&& other) noexcept = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle();
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }
    // The connection failed: do not return it to the pool.
    void discard() { discard_ = true; }

   private:
    ConnPool* pool_;
    ConnPtr conn_;
    bool discard_ = false;
  };

  // Waits for a free connection or opens a new one (may throw from the factory).
  Handle acquire();

 private:
  void release(ConnPtr conn, bool discard);

  ConnFactory factory_;
  int max_size_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<ConnPtr> idle_;
  int open_ = 0;
};

class WriteQueue {
 public:
  using Op = std::function<void(Conn&)>;

  WriteQueue(int writers, std::size_t max_batch, ConnFactory factory, ErrorClassifier classify,
             std::string begin_sql);
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `op` in a write transaction on the lane chosen by `route`; returns once the
  // transaction committed (ok) or failed (the error; `op`'s changes were rolled back).
  Status run(Op op, std::size_t route);

  // Batches committed and operations run since start (for the benchmark report).
  std::uint64_t batches() const;
  std::uint64_t operations() const;

 private:
  // One caller's operation, on its stack. The lane's mutex guards the queue; the item's own
  // mutex guards `done` and `leader`, so waking the callers of a batch never makes them queue
  // up on the lane's mutex behind the leader that is still waking the others.
  struct Item {
    Op op;
    std::size_t route = 0;
    std::optional<StoreError> error;  // written by the leader before `done`
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;    // served: `error` is final
    bool leader = false;  // the lane was handed over: serve the queue
  };
  struct Lane {
    mutable std::mutex mutex;
    std::deque<Item*> queue;
    ConnPtr conn;  // used by the current leader only
    std::uint64_t batches = 0;
    std::uint64_t operations = 0;
  };

  void runBatch(Lane& lane, std::vector<Item*>& batch);
  // Returns true when the transaction committed (items may carry their own errors). False:
  // the batch was rolled back, `failure` says why; `needs_savepoints` is set when a closure
  // failed in a batch run without savepoints (run it again with them).
  bool tryBatch(Lane& lane, std::vector<Item*>& batch, bool savepoints, Classified& failure,
                bool& needs_savepoints);

  std::size_t max_batch_;
  ConnFactory factory_;
  ErrorClassifier classify_;
  std::string begin_sql_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace acs::store::sql
