#include "acs/src/core/inform_cache.h"

#include <algorithm>
#include <functional>

namespace acs {

namespace {

std::uint64_t hashOf(std::string_view a, std::string_view b = {}) {
  // FNV-1a, 64 bit: stable across runs and fast for short strings.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  };
  mix(a);
  h ^= 0xff;  // separator, so ("ab","c") and ("a","bc") differ
  h *= 1099511628211ULL;
  mix(b);
  return h;
}

}  // namespace

InformCache::Fingerprint InformCache::fingerprint(const std::vector<store::Parameter>& params) {
  Fingerprint f;
  f.reserve(params.size());
  for (const auto& p : params) f.emplace_back(hashOf(p.name), hashOf(p.type, p.value));
  std::sort(f.begin(), f.end());
  return f;
}

std::vector<store::Parameter> InformCache::changed(const std::string& device_id,
                                                   const std::vector<store::Parameter>& params) {
  Fingerprint known;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(device_id);
    if (it == entries_.end()) return params;
    known = it->second.params;
    // A hit counts as a use: remember() is only needed when something changed.
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  std::vector<store::Parameter> out;
  for (const auto& p : params) {
    const std::uint64_t name = hashOf(p.name);
    auto pos = std::lower_bound(known.begin(), known.end(), std::make_pair(name, std::uint64_t{0}));
    if (pos != known.end() && pos->first == name && pos->second == hashOf(p.type, p.value)) {
      continue;
    }
    out.push_back(p);
  }
  return out;
}

void InformCache::remember(const std::string& device_id,
                           const std::vector<store::Parameter>& params) {
  if (max_devices_ == 0) return;
  Fingerprint f = fingerprint(params);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(device_id);
  if (it != entries_.end()) {
    it->second.params = std::move(f);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  while (entries_.size() >= max_devices_ && !lru_.empty()) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(device_id);
  entries_.emplace(device_id, Entry{std::move(f), lru_.begin()});
}

void InformCache::invalidate(const std::string& device_id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(device_id);
  if (it == entries_.end()) return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

std::size_t InformCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace acs
