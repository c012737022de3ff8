#pragma once
// Allocator settings for the ACS process (the acs binary and acs_bench call this first).

#include <malloc.h>

namespace acs {

// glibc gives the free memory at the top of a thread's arena back to the kernel (madvise)
// whenever it exceeds the trim threshold, 128 KiB by default; with a request's buffers freed
// on every exchange that is a madvise, page faults and a TLB shoot-down across cores per
// request (about 7% of acs_bench's sessions/s). Keeping up to 4 MiB per arena costs at most
// that much resident memory per arena. It also fixes the mmap threshold at 128 KiB (glibc stops
// adjusting it once the trim threshold is set).
inline void tuneAllocator() { mallopt(M_TRIM_THRESHOLD, 4 << 20); }

}  // namespace acs
