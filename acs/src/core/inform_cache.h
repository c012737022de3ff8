// acs/core/inform_cache.h: remembers, per device, the Inform parameter values this process
// last stored, so a periodic Inform that repeats them does not rewrite them.
//
// Why: a periodic Inform usually carries the same forced parameters every time, and
// upserting them is about half of the store work of a periodic session (acs_bench
// --store-only). The device row (last inform, IP, events, ...) is still written every time;
// only parameters whose name, type and value are unchanged since this process last stored
// them are left out. Their `last_updated` then keeps the time the value was last learnt
// (device.last_inform says when it was last confirmed).
//
// Correctness rests on every other writer of a device's parameters going through this
// process, which invalidates the entry (effect_applier.cpp does so for GetParameterValues,
// SetParameterValues, AddObject, DeleteObject, refresh results). That holds for one ACS
// process on its SQLite file; with several processes on one database (PostgreSQL) the cache
// must be off, and AcsServer turns it off there unless told otherwise (config `inform_cache`).
// A device deleted and re-created meanwhile is detected by the caller (first_seen == now) and
// all its parameters written.
//
//   acs::InformCache cache(100'000);
//   std::vector<store::Parameter> to_write = cache.changed(device_id, inform_params);
//   ... store.recordInform(with to_write) ...
//   if (!to_write.empty()) cache.remember(device_id, inform_params);  // a hit keeps it fresh
//
// Memory: 16 bytes per parameter plus the id, per device; at most `max_devices` devices (the
// least recently used are dropped first). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "acs/src/store/store.h"

namespace acs {

class InformCache {
 public:
  explicit InformCache(std::size_t max_devices) : max_devices_(max_devices) {}

  // The parameters of `params` that differ from what was remembered for `device_id` (all of
  // them when nothing is remembered). A device found counts as recently used.
  std::vector<store::Parameter> changed(const std::string& device_id,
                                        const std::vector<store::Parameter>& params);
  // Remembers `params` as stored for `device_id` (replacing what was remembered).
  void remember(const std::string& device_id, const std::vector<store::Parameter>& params);
  // Forgets `device_id` (its parameters were written by something else).
  void invalidate(const std::string& device_id);

  std::size_t size() const;

 private:
  using Fingerprint = std::vector<std::pair<std::uint64_t, std::uint64_t>>;  // sorted by name
  static Fingerprint fingerprint(const std::vector<store::Parameter>& params);

  struct Entry {
    Fingerprint params;
    std::list<std::string>::iterator lru;
  };

  const std::size_t max_devices_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
  std::list<std::string> lru_;                      // guarded by mutex_; front = newest
};

}  // namespace acs
