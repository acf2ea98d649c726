#ifndef TWIN_CORE_SHIMS_H
#define TWIN_CORE_SHIMS_H

#include <stddef.h>

/// Hints the CPU to start loading the cache line at `address` for reading. Used by the event
/// queue to overlap the cache misses of the heap's lower levels; has no effect on results.
static inline void twin_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Allocates `bytes` aligned to 64 bytes; buffers of 2 MiB or more are aligned to 2 MiB and
/// asked to be backed by huge pages, so that a large event heap's random accesses do not also
/// miss the TLB. Returns NULL if memory is exhausted. Free with `twin_free`.
void *twin_allocate_buffer(size_t bytes);

/// Frees a buffer from `twin_allocate_buffer`.
void twin_free(void *buffer);

#endif
