#include "store/sql/write_queue.h"

#include <algorithm>

namespace acs::store::sql {

Classified classifyCurrent(const ErrorClassifier& classify) {
  try {
    throw;
  } catch (const StoreFailure& failure) {
    return Classified{failure.error(), false, false};
  } catch (const std::exception& e) {
    return classify(e);
  } catch (...) {
    return Classified{storeError(StoreErrc::Unavailable, "unknown database error"), true, false};
  }
}

// --- ConnPool ------------------------------------------------------------------------------------

ConnPool::ConnPool(ConnFactory factory, int max_size)
    : factory_(std::move(factory)), max_size_(max_size < 1 ? 1 : max_size) {}

ConnPool::~ConnPool() = default;

ConnPool::Handle::~Handle() {
  if (pool_ != nullptr && conn_) pool_->release(std::move(conn_), discard_);
}

ConnPool::Handle ConnPool::acquire() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
  if (!idle_.empty()) {
    ConnPtr conn = std::move(idle_.back());
    idle_.pop_back();
    return Handle(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  try {
    return Handle(this, factory_());
  } catch (...) {
    lock.lock();
    --open_;
    cv_.notify_one();
    throw;
  }
}

void ConnPool::release(ConnPtr conn, bool discard) {
  if (discard || !conn->usable()) {
    conn.reset();  // closes outside the lock
    std::lock_guard lock(mutex_);
    --open_;
  } else {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

// --- WriteQueue ----------------------------------------------------------------------------------

WriteQueue::WriteQueue(int writers, std::size_t max_batch, ConnFactory factory,
                       ErrorClassifier classify, std::string begin_sql)
    : max_batch_(max_batch < 1 ? 1 : max_batch),
      factory_(std::move(factory)),
      classify_(std::move(classify)),
      begin_sql_(std::move(begin_sql)) {
  const int count = writers < 1 ? 1 : writers;
  for (int i = 0; i < count; ++i) lanes_.push_back(std::make_unique<Lane>());
}

WriteQueue::~WriteQueue() = default;

Status WriteQueue::run(Op op, std::size_t route) {
  Lane& lane = *lanes_[route % lanes_.size()];
  Item item;
  item.op = std::move(op);
  item.route = route;
  bool lead = false;
  {
    std::lock_guard lock(lane.mutex);
    lane.queue.push_back(&item);
    lead = lane.queue.front() == &item;
  }
  if (!lead) {
    std::unique_lock lock(item.mutex);
    item.cv.wait(lock, [&] { return item.done || item.leader; });
    if (item.done) {
      if (item.error) return *item.error;
      return {};
    }
  }
  // Leader: serve everything queued so far (we are at the front).
  std::vector<Item*> batch;
  {
    std::lock_guard lock(lane.mutex);
    batch.assign(lane.queue.begin(),
                 lane.queue.begin() + static_cast<std::ptrdiff_t>(
                                          std::min(lane.queue.size(), max_batch_)));
  }
  std::stable_sort(batch.begin(), batch.end(),
                   [](const Item* a, const Item* b) { return a->route < b->route; });
  runBatch(lane, batch);
  Item* next = nullptr;
  {
    std::lock_guard lock(lane.mutex);
    // Only push_back happened meanwhile: the batch is still the front of the queue.
    lane.queue.erase(lane.queue.begin(),
                     lane.queue.begin() + static_cast<std::ptrdiff_t>(batch.size()));
    ++lane.batches;
    lane.operations += batch.size();
    if (!lane.queue.empty()) next = lane.queue.front();
  }
  // The next leader first, so the next batch starts while the served callers wake. Each is
  // notified under its own mutex: it cannot leave (and destroy the item) before that.
  if (next != nullptr) {
    std::lock_guard lock(next->mutex);
    next->leader = true;
    next->cv.notify_one();
  }
  for (Item* served : batch) {
    if (served == &item) continue;
    std::lock_guard lock(served->mutex);
    served->done = true;
    served->cv.notify_one();
  }
  if (item.error) return *item.error;
  return {};
}

std::uint64_t WriteQueue::batches() const {
  std::uint64_t total = 0;
  for (const auto& lane : lanes_) {
    std::lock_guard lock(lane->mutex);
    total += lane->batches;
  }
  return total;
}

std::uint64_t WriteQueue::operations() const {
  std::uint64_t total = 0;
  for (const auto& lane : lanes_) {
    std::lock_guard lock(lane->mutex);
    total += lane->operations;
  }
  return total;
}

void WriteQueue::runBatch(Lane& lane, std::vector<Item*>& batch) {
  constexpr int kAttempts = 5;
  Classified failure;
  bool savepoints = false;  // optimistic: most batches have no failing operation
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    bool needs_savepoints = false;
    if (tryBatch(lane, batch, savepoints, failure, needs_savepoints)) return;
    if (needs_savepoints) {
      savepoints = true;
      --attempt;  // not a failure of the batch: it runs again, isolating each operation
      continue;
    }
    if (!failure.retry_transaction) break;
  }
  for (Item* item : batch) item->error = failure.error;
}

// One attempt: true when the transaction committed (items may still carry their own
// errors); false with `failure` set when the whole batch failed and was rolled back.
bool WriteQueue::tryBatch(Lane& lane, std::vector<Item*>& batch, bool savepoints,
                          Classified& failure, bool& needs_savepoints) {
  try {
    if (!lane.conn || !lane.conn->usable()) {
      lane.conn.reset();
      lane.conn = factory_();
    }
  } catch (...) {
    failure = classifyCurrent(classify_);
    failure.retry_transaction = false;
    lane.conn.reset();
    return false;
  }
  Conn& conn = *lane.conn;
  savepoints = savepoints && batch.size() > 1;
  bool in_transaction = false;
  try {
    conn.exec(begin_sql_);
    in_transaction = true;
    for (Item* item : batch) {
      item->error.reset();
      if (savepoints) conn.exec("SAVEPOINT op");
      try {
        item->op(conn);
      } catch (...) {
        Classified c = classifyCurrent(classify_);
        if (c.connection_lost || c.retry_transaction) throw;  // the batch as a whole
        if (!savepoints && batch.size() > 1) {
          // The others' changes cannot be kept apart from this one's: undo all of it.
          conn.exec("ROLLBACK");
          needs_savepoints = true;
          return false;
        }
        item->error = c.error;
        if (!savepoints) {
          conn.exec("ROLLBACK");
          return true;  // nothing else to commit
        }
        conn.exec("ROLLBACK TO SAVEPOINT op");
      }
      if (savepoints) conn.exec("RELEASE SAVEPOINT op");
    }
    conn.exec("COMMIT");
    return true;
  } catch (...) {
    failure = classifyCurrent(classify_);
    if (in_transaction && !failure.connection_lost) {
      try {
        conn.exec("ROLLBACK");
      } catch (...) {
        failure.connection_lost = true;
      }
    }
    if (failure.connection_lost) lane.conn.reset();
    return false;
  }
}

}  // namespace acs::store::sql
