// The group-commit queue (store/sql/write_queue.h) on a fake connection that records the
// statements it gets: every operation runs exactly once and commits with its batch, callers of
// one route see their operations in call order, a failing operation rolls back only itself.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/sql/write_queue.h"

namespace acs::store::sql {
namespace {

// What the fake connection saw, shared by every connection the factory made.
struct Journal {
  std::mutex mutex;
  std::vector<std::string> statements;  // BEGIN / COMMIT / ROLLBACK / SAVEPOINT ...
  std::vector<std::string> committed;   // operation names, in commit order
  std::vector<std::string> pending;     // operations of the open transaction
  int in_transaction = 0;
  int max_in_transaction = 0;
};

class FakeConn final : public Conn {
 public:
  explicit FakeConn(Journal& journal) : journal_(journal) {}
  Dialect dialect() const override { return Dialect::Sqlite; }
  std::int64_t exec(std::string_view sql, const SqlParams& params) override {
    std::lock_guard lock(journal_.mutex);
    const std::string s(sql);
    journal_.statements.push_back(s);
    if (s.rfind("BEGIN", 0) == 0) {
      journal_.max_in_transaction = std::max(journal_.max_in_transaction, ++journal_.in_transaction);
      journal_.pending.clear();
    } else if (s == "COMMIT") {
      --journal_.in_transaction;
      journal_.committed.insert(journal_.committed.end(), journal_.pending.begin(),
                                journal_.pending.end());
      journal_.pending.clear();
    } else if (s == "ROLLBACK") {
      --journal_.in_transaction;
      journal_.pending.clear();
    } else if (s == "SAVEPOINT op") {
      mark_ = journal_.pending.size();
    } else if (s == "ROLLBACK TO SAVEPOINT op") {
      journal_.pending.resize(mark_);
    } else if (s == "OP") {
      journal_.pending.push_back(std::get<std::string>(params.at(0)));
    }
    return 0;
  }
  Rows query(std::string_view, const SqlParams&, std::size_t) override { return Rows(); }
  bool usable() override { return true; }

 private:
  Journal& journal_;
  std::size_t mark_ = 0;
};

WriteQueue makeQueue(Journal& journal, std::size_t max_batch = 64) {
  return WriteQueue(
      1, max_batch, [&journal] { return std::make_unique<FakeConn>(journal); },
      [](const std::exception& e) {
        return Classified{StoreError{StoreErrc::Invalid, e.what()}, false, false};
      },
      "BEGIN IMMEDIATE");
}

// Runs queue.run(op(t, i)) for i < ops on `threads` threads t (route t), at once.
template <typename MakeOp, typename Check>
void callFromThreads(WriteQueue& queue, int threads, int ops, MakeOp make_op, Check check) {
  std::vector<std::thread> running;
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      for (int i = 0; i < ops; ++i) {
        const std::string name = std::to_string(t) + ":" + std::to_string(i);
        check(i, name, queue.run(make_op(i, name), static_cast<std::size_t>(t)));
      }
    });
  }
  for (auto& th : running) th.join();
}

TEST(WriteQueue, ManyCallersEveryOperationCommitsOnceInCallOrderPerRoute) {
  Journal journal;
  WriteQueue queue = makeQueue(journal, 16);
  constexpr int kThreads = 12;
  constexpr int kOps = 300;
  std::atomic<int> errors{0};
  callFromThreads(
      queue, kThreads, kOps,
      [](int, const std::string& name) {
        return [name](Conn& c) { c.exec("OP", {name}); };
      },
      [&](int, const std::string&, const Status& s) {
        if (!s.ok()) ++errors;
      });
  EXPECT_EQ(errors.load(), 0);
  ASSERT_EQ(journal.committed.size(), static_cast<std::size_t>(kThreads * kOps));
  EXPECT_EQ(journal.max_in_transaction, 1);  // one leader at a time
  EXPECT_EQ(queue.operations(), static_cast<std::uint64_t>(kThreads * kOps));
  EXPECT_LE(queue.batches(), queue.operations());
  // Each caller's operations committed once each, in the order it made them.
  std::map<int, int> next;
  for (const std::string& op : journal.committed) {
    const int thread = std::stoi(op.substr(0, op.find(':')));
    const int index = std::stoi(op.substr(op.find(':') + 1));
    EXPECT_EQ(index, next[thread]) << op;
    next[thread] = index + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kOps) << t;
}

TEST(WriteQueue, AFailingOperationRollsBackOnlyItselfUnderLoad) {
  Journal journal;
  WriteQueue queue = makeQueue(journal, 32);
  constexpr int kThreads = 8;
  constexpr int kOps = 200;
  std::atomic<int> failed{0};
  callFromThreads(
      queue, kThreads, kOps,
      [](int i, const std::string& name) {
        return [name, bad = i % 10 == 0](Conn& c) {
          c.exec("OP", {name});
          if (bad) throw StoreFailure(StoreErrc::Conflict, "no: " + name);
        };
      },
      [&](int i, const std::string& name, const Status& s) {
        if (i % 10 != 0) {
          EXPECT_TRUE(s.ok()) << name;
          return;
        }
        EXPECT_FALSE(s.ok()) << name;
        if (s.ok()) return;
        EXPECT_EQ(s.error().code, StoreErrc::Conflict);
        EXPECT_EQ(s.error().message, "no: " + name);
        ++failed;
      });
  EXPECT_EQ(failed.load(), kThreads * kOps / 10);
  // Exactly the good operations committed, each once.
  EXPECT_EQ(journal.committed.size(), static_cast<std::size_t>(kThreads * kOps * 9 / 10));
  std::map<std::string, int> seen;
  for (const std::string& op : journal.committed) ++seen[op];
  for (const auto& [op, count] : seen) {
    EXPECT_EQ(count, 1) << op;
    EXPECT_NE(std::stoi(op.substr(op.find(':') + 1)) % 10, 0) << op;
  }
}

}  // namespace
}  // namespace acs::store::sql
