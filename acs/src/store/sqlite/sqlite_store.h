// SqliteStore: the embedded backend (Poco::Data::SQLite, one file, WAL).
//
// One writer connection, fed by the group-committing write queue (store/sql/write_queue.h):
// SQLite admits one writer at a time, so writes from every HTTP thread are queued and
// committed together instead of contending for the file lock. Reads use a pool of
// `pool_size` read-only connections, which WAL lets run while the writer commits. The
// in-memory database (":memory:") is private to one connection, so there reads go through
// the writer too.
//
// Durability: journal_mode=WAL with synchronous=NORMAL - a committed transaction survives a
// crash of the ACS process; the last commits before a power loss may be lost (SQLite's
// documented trade-off for WAL mode). busy_timeout = StoreOptions::busy_timeout covers other
// processes (e.g. `sqlite3 .backup`) holding the lock.
#pragma once

#include <string>

#include "store/store.h"

namespace acs::store {

Result<StorePtr> openSqliteStore(const std::string& path, const StoreOptions& options);

}  // namespace acs::store
