// device/stable_hash.h (internal): deterministic per-device randomness. Values drawn from
// (profile seed, device index, node, epoch) are the same on every run and every machine,
// and cost no memory per device.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace cpesim {

// splitmix64's finaliser: a good 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline std::uint64_t stableHash(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x6a09e667f3bcc908ULL;
  for (auto p : parts) h = mix64(h ^ p);
  return h;
}

// A double in [0, 1) from a hash.
inline double unitInterval(std::uint64_t h) {
  return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

}  // namespace cpesim
