// Versioned schema migrations of the SQL store, one list per dialect. Applied at open, each
// in its own transaction, recorded in `schema_migrations(version, name, applied_at)`.
// Never edit a migration that has shipped: add a new one.
#pragma once

#include <string>
#include <vector>

#include "store/sql/conn.h"

namespace acs::store::sql {

struct Migration {
  int version = 0;
  std::string name;
  std::vector<std::string> statements;
};

const std::vector<Migration>& migrationsFor(Dialect dialect);

// The newest version this build knows.
int latestSchemaVersion(Dialect dialect);

}  // namespace acs::store::sql
