// jemalloc replaces the C library's malloc for the whole `portrait` process once it is linked in (see
// Sources/portrait/Allocator.swift for why). Debian's build exports the standard names unprefixed.
#include <jemalloc/jemalloc.h>
