#include "store/store_factory.h"

#include "store/sqlite/sqlite_store.h"
#ifdef ACS_STORE_WITH_POSTGRES
#include "store/postgres/postgres_store.h"
#endif

namespace acs::store {

Result<StorePtr> openStore(std::string_view database_url, const StoreOptions& options) {
  auto url = parseDatabaseUrl(database_url);
  if (!url) return url.error();
  if (url->backend == DatabaseUrl::Backend::Sqlite) {
    return openSqliteStore(url->sqlite_path, options);
  }
#ifdef ACS_STORE_WITH_POSTGRES
  // Without a connect timeout, libpq waits for the kernel's TCP timeout on a dead host.
  url->options.try_emplace("connect_timeout", std::string(1, '5'));
  return openPostgresStore(postgresConnectorString(*url), options);
#else
  return storeError(StoreErrc::Invalid,
                    "this ACS was built without PostgreSQL support (ACS_WITH_POSTGRES=OFF)");
#endif
}

}  // namespace acs::store
