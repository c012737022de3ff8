// The schema. Conventions shared by both dialects:
// - times are BIGINT milliseconds since the Unix epoch (UTC); 0 means "not set";
// - no NULLs: optional numbers are 0, optional text is '';
// - lists (events) are one text column in sql_text.h's encodeList format;
// - text that is sorted or range-scanned is COLLATE "C" on PostgreSQL, so ordering and prefix
//   ranges are byte-wise on both backends.
#include "store/sql/migrations.h"

#include <algorithm>

namespace acs::store::sql {
namespace {

// Index statements are the same on both dialects.
const std::vector<std::string> kIndexesV1 = {
    // Device lists select ids through these (filter or sort column, then id), so a page is
    // read from an index in order and only its rows are fetched (see listDevices).
    "CREATE INDEX devices_oui ON devices(oui, id)",
    "CREATE INDEX devices_product_class ON devices(product_class, id)",
    "CREATE INDEX devices_software_version ON devices(software_version, id)",
    "CREATE INDEX devices_serial_number ON devices(serial_number, id)",
    "CREATE INDEX devices_manufacturer ON devices(manufacturer, id)",
    "CREATE INDEX devices_last_inform ON devices(last_inform, id)",
    "CREATE INDEX devices_first_seen ON devices(first_seen, id)",
    "CREATE INDEX devices_online_until ON devices(online_until, id)",
    // A narrow copy of what id-ordered scans filter on (online, text search), so they never
    // read the wide device rows.
    "CREATE INDEX devices_scan ON devices(id, online_until, serial_number)",
    "CREATE INDEX device_tags_tag ON device_tags(tag, device_id)",
    "CREATE INDEX sessions_device ON sessions(device_id, started_at)",
    "CREATE INDEX sessions_started ON sessions(started_at)",
    "CREATE INDEX sessions_open ON sessions(last_activity) WHERE ended_at = 0",
    "CREATE INDEX sessions_ended ON sessions(ended_at) WHERE ended_at > 0",
    "CREATE INDEX tasks_device ON tasks(device_id, id)",
    "CREATE INDEX tasks_device_state ON tasks(device_id, state, id)",
    "CREATE INDEX tasks_sent_session ON tasks(session_id) WHERE state = 'sent'",
    "CREATE INDEX tasks_command_key ON tasks(device_id, command_key)",
    "CREATE INDEX tasks_state_updated ON tasks(state, updated_at)",
    "CREATE INDEX faults_device ON faults(device_id, id)",
    "CREATE INDEX faults_at ON faults(at)",
    "CREATE INDEX captures_device ON captures(device_id, id)",
    "CREATE INDEX captures_session ON captures(device_id, session_id, id)",
    "CREATE INDEX captures_at ON captures(at)",
};

std::vector<std::string> withIndexes(std::vector<std::string> tables) {
  tables.insert(tables.end(), kIndexesV1.begin(), kIndexesV1.end());
  return tables;
}

const std::vector<Migration> kSqlite = {
    {1, "initial schema",
     withIndexes({
         R"(CREATE TABLE devices (
              id TEXT NOT NULL PRIMARY KEY,
              oui TEXT NOT NULL DEFAULT '',
              product_class TEXT NOT NULL DEFAULT '',
              serial_number TEXT NOT NULL DEFAULT '',
              manufacturer TEXT NOT NULL DEFAULT '',
              hardware_version TEXT NOT NULL DEFAULT '',
              software_version TEXT NOT NULL DEFAULT '',
              connection_request_url TEXT NOT NULL DEFAULT '',
              parameter_key TEXT NOT NULL DEFAULT '',
              ip TEXT NOT NULL DEFAULT '',
              last_inform INTEGER NOT NULL DEFAULT 0,
              first_seen INTEGER NOT NULL DEFAULT 0,
              periodic_inform_interval INTEGER NOT NULL DEFAULT 0,
              last_events TEXT NOT NULL DEFAULT '',
              capture_enabled INTEGER NOT NULL DEFAULT 0,
              online_until INTEGER NOT NULL DEFAULT 0))",
         R"(CREATE TABLE parameters (
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              name TEXT NOT NULL,
              value TEXT NOT NULL DEFAULT '',
              type TEXT NOT NULL DEFAULT '',
              writable INTEGER NOT NULL DEFAULT -1,
              last_updated INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (device_id, name)) WITHOUT ROWID)",
         R"(CREATE TABLE device_tags (
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              tag TEXT NOT NULL,
              PRIMARY KEY (device_id, tag)) WITHOUT ROWID)",
         R"(CREATE TABLE leases (
              device_id TEXT NOT NULL PRIMARY KEY,
              session_id TEXT NOT NULL,
              owner TEXT NOT NULL DEFAULT '',
              expires_at INTEGER NOT NULL))",
         R"(CREATE TABLE sessions (
              id TEXT NOT NULL PRIMARY KEY,
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              owner TEXT NOT NULL DEFAULT '',
              started_at INTEGER NOT NULL,
              last_activity INTEGER NOT NULL,
              ended_at INTEGER NOT NULL DEFAULT 0,
              events TEXT NOT NULL DEFAULT '',
              messages_in INTEGER NOT NULL DEFAULT 0,
              messages_out INTEGER NOT NULL DEFAULT 0,
              outcome TEXT NOT NULL DEFAULT '',
              state_json TEXT NOT NULL DEFAULT ''))",
         R"(CREATE TABLE tasks (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              type TEXT NOT NULL,
              args_json TEXT NOT NULL DEFAULT '',
              state TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              sent_at INTEGER NOT NULL DEFAULT 0,
              expires_at INTEGER NOT NULL DEFAULT 0,
              attempts INTEGER NOT NULL DEFAULT 0,
              max_attempts INTEGER NOT NULL,
              session_id TEXT NOT NULL DEFAULT '',
              command_key TEXT NOT NULL DEFAULT '',
              result_json TEXT NOT NULL DEFAULT '',
              fault_code INTEGER NOT NULL DEFAULT 0,
              fault_string TEXT NOT NULL DEFAULT '',
              connection_request_result TEXT NOT NULL DEFAULT ''))",
         R"(CREATE TABLE faults (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              task_id INTEGER NOT NULL DEFAULT 0,
              session_id TEXT NOT NULL DEFAULT '',
              code INTEGER NOT NULL,
              message TEXT NOT NULL DEFAULT '',
              detail_json TEXT NOT NULL DEFAULT '',
              at INTEGER NOT NULL))",
         R"(CREATE TABLE captures (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              session_id TEXT NOT NULL,
              seq INTEGER NOT NULL,
              direction TEXT NOT NULL,
              http_status INTEGER NOT NULL DEFAULT 0,
              body TEXT NOT NULL,
              body_encoding TEXT NOT NULL DEFAULT '',
              truncated INTEGER NOT NULL DEFAULT 0,
              at INTEGER NOT NULL))",
         // Parameter-value filters (GET /api/devices?param=...).
         "CREATE INDEX parameters_name_value ON parameters(name, value)",
     })},
    {2, "device list indexes",
     {
         // GET /api/devices?product_class=..&software_version=.. walks this in id order.
         "CREATE INDEX devices_class_version ON devices(product_class, software_version, id)",
     }},
    // --- Dashboard (issue 7) -------------------------------------------------------------------
    {3,
     "dashboard: stored files",
     {
         R"(CREATE TABLE files (
              name TEXT NOT NULL PRIMARY KEY,
              size INTEGER NOT NULL,
              sha256 TEXT NOT NULL,
              file_type TEXT NOT NULL DEFAULT '',
              uploaded_at INTEGER NOT NULL,
              chunk_bytes INTEGER NOT NULL))",
         // The content in chunk_bytes pieces, base64 (a PostgreSQL text column takes no NUL
         // bytes; one schema for both dialects), so a Range request reads only its chunks.
         R"(CREATE TABLE file_chunks (
              name TEXT NOT NULL,
              seq INTEGER NOT NULL,
              data TEXT NOT NULL,
              PRIMARY KEY (name, seq)))",
         "CREATE INDEX devices_hardware_version ON devices(hardware_version, id)",
     }},
};

const std::vector<Migration> kPostgres = {
    {1, "initial schema",
     withIndexes({
         R"(CREATE TABLE devices (
              id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
              oui TEXT COLLATE "C" NOT NULL DEFAULT '',
              product_class TEXT COLLATE "C" NOT NULL DEFAULT '',
              serial_number TEXT COLLATE "C" NOT NULL DEFAULT '',
              manufacturer TEXT COLLATE "C" NOT NULL DEFAULT '',
              hardware_version TEXT NOT NULL DEFAULT '',
              software_version TEXT COLLATE "C" NOT NULL DEFAULT '',
              connection_request_url TEXT NOT NULL DEFAULT '',
              parameter_key TEXT NOT NULL DEFAULT '',
              ip TEXT NOT NULL DEFAULT '',
              last_inform BIGINT NOT NULL DEFAULT 0,
              first_seen BIGINT NOT NULL DEFAULT 0,
              periodic_inform_interval BIGINT NOT NULL DEFAULT 0,
              last_events TEXT NOT NULL DEFAULT '',
              capture_enabled BIGINT NOT NULL DEFAULT 0,
              online_until BIGINT NOT NULL DEFAULT 0))",
         R"(CREATE TABLE parameters (
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              name TEXT COLLATE "C" NOT NULL,
              value TEXT COLLATE "C" NOT NULL DEFAULT '',
              type TEXT NOT NULL DEFAULT '',
              writable BIGINT NOT NULL DEFAULT -1,
              last_updated BIGINT NOT NULL DEFAULT 0,
              PRIMARY KEY (device_id, name)))",
         R"(CREATE TABLE device_tags (
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              tag TEXT COLLATE "C" NOT NULL,
              PRIMARY KEY (device_id, tag)))",
         R"(CREATE TABLE leases (
              device_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
              session_id TEXT NOT NULL,
              owner TEXT NOT NULL DEFAULT '',
              expires_at BIGINT NOT NULL))",
         R"(CREATE TABLE sessions (
              id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              owner TEXT NOT NULL DEFAULT '',
              started_at BIGINT NOT NULL,
              last_activity BIGINT NOT NULL,
              ended_at BIGINT NOT NULL DEFAULT 0,
              events TEXT NOT NULL DEFAULT '',
              messages_in BIGINT NOT NULL DEFAULT 0,
              messages_out BIGINT NOT NULL DEFAULT 0,
              outcome TEXT NOT NULL DEFAULT '',
              state_json TEXT NOT NULL DEFAULT ''))",
         R"(CREATE TABLE tasks (
              id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              type TEXT COLLATE "C" NOT NULL,
              args_json TEXT NOT NULL DEFAULT '',
              state TEXT COLLATE "C" NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              sent_at BIGINT NOT NULL DEFAULT 0,
              expires_at BIGINT NOT NULL DEFAULT 0,
              attempts BIGINT NOT NULL DEFAULT 0,
              max_attempts BIGINT NOT NULL,
              session_id TEXT COLLATE "C" NOT NULL DEFAULT '',
              command_key TEXT COLLATE "C" NOT NULL DEFAULT '',
              result_json TEXT NOT NULL DEFAULT '',
              fault_code BIGINT NOT NULL DEFAULT 0,
              fault_string TEXT NOT NULL DEFAULT '',
              connection_request_result TEXT NOT NULL DEFAULT ''))",
         R"(CREATE TABLE faults (
              id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              task_id BIGINT NOT NULL DEFAULT 0,
              session_id TEXT NOT NULL DEFAULT '',
              code BIGINT NOT NULL,
              message TEXT NOT NULL DEFAULT '',
              detail_json TEXT NOT NULL DEFAULT '',
              at BIGINT NOT NULL))",
         R"(CREATE TABLE captures (
              id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
              device_id TEXT COLLATE "C" NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
              session_id TEXT COLLATE "C" NOT NULL,
              seq BIGINT NOT NULL,
              direction TEXT NOT NULL,
              http_status BIGINT NOT NULL DEFAULT 0,
              body TEXT NOT NULL,
              body_encoding TEXT NOT NULL DEFAULT '',
              truncated BIGINT NOT NULL DEFAULT 0,
              at BIGINT NOT NULL))",
         // Parameter-value filters. A btree entry is limited to about 2.7 kB, and values
         // can be longer, so the index holds md5(value); queries compare both.
         "CREATE INDEX parameters_name_value ON parameters(name, md5(value))",
     })},
    {2, "device list indexes",
     {
         // GET /api/devices?product_class=..&software_version=.. walks this in id order.
         "CREATE INDEX devices_class_version ON devices(product_class, software_version, id)",
     }},
    // --- Dashboard (issue 7) -------------------------------------------------------------------
    {3,
     "dashboard: stored files",
     {
         R"(CREATE TABLE files (
              name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
              size BIGINT NOT NULL,
              sha256 TEXT NOT NULL,
              file_type TEXT NOT NULL DEFAULT '',
              uploaded_at BIGINT NOT NULL,
              chunk_bytes BIGINT NOT NULL))",
         R"(CREATE TABLE file_chunks (
              name TEXT COLLATE "C" NOT NULL,
              seq BIGINT NOT NULL,
              data TEXT NOT NULL,
              PRIMARY KEY (name, seq)))",
         "CREATE INDEX devices_hardware_version ON devices(hardware_version, id)",
     }},
};

}  // namespace

const std::vector<Migration>& migrationsFor(Dialect dialect) {
  return dialect == Dialect::Postgres ? kPostgres : kSqlite;
}

int latestSchemaVersion(Dialect dialect) {
  int latest = 0;
  for (const Migration& m : migrationsFor(dialect)) latest = std::max(latest, m.version);
  return latest;
}

}  // namespace acs::store::sql
