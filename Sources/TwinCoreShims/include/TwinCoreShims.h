#ifndef TWIN_CORE_SHIMS_H
#define TWIN_CORE_SHIMS_H

/// Hints the CPU to start loading the cache line at `address` for reading. Used by the event
/// queue to overlap the cache misses of the heap's lower levels; has no effect on results.
static inline void twin_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
