#include "TwinCoreShims.h"

#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

enum { huge_page_bytes = 2u << 20 };

void *twin_allocate_buffer(size_t bytes) {
    if (bytes < huge_page_bytes) {
        void *buffer = NULL;
        return posix_memalign(&buffer, 64, bytes) == 0 ? buffer : NULL;
    }
    size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
    void *buffer = aligned_alloc(huge_page_bytes, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Only a hint: where transparent huge pages are off, the buffer works the same.
    if (buffer != NULL) madvise(buffer, rounded, MADV_HUGEPAGE);
#endif
    return buffer;
}

void twin_free(void *buffer) { free(buffer); }
