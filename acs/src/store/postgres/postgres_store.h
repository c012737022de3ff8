// PostgresStore: the server backend (libpq; see pg_conn.h for why not Poco::Data::PostgreSQL).
//
// Several ACS processes may share one database: every operation is a transaction, leases
// use SELECT ... FOR UPDATE, migrations take an advisory lock. Commits are durable (the
// server's synchronous_commit, on by default). Writes go through pool_size/2 (at most 8)
// group-committing write lanes (routed by device, so one device's writes keep their order);
// reads use a pool of pool_size connections. A lost connection fails the call with Unavailable and
// is replaced on the next call, so the store recovers by itself when the server comes back.
#pragma once

#include <string>

#include "store/store.h"

namespace acs::store {

// `connector` is libpq's "host=... port=... user=... password=... dbname=..." string
// (see postgresConnectorString in store_factory.h).
Result<StorePtr> openPostgresStore(const std::string& connector, const StoreOptions& options);

}  // namespace acs::store
