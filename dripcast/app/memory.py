"""glibc malloc settings for the long-running service, so freed memory goes back to the OS.

glibc serves a large allocation with its own mmap and returns it on free, but after such
a free it raises that threshold (up to 32 MB), so the next message's megabyte-sized
buffers come from the heap, which seldom shrinks: the service's RSS then keeps the
largest message it has seen, several times over. A fixed threshold keeps it at what the
current message needs. Elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import logging

log = logging.getLogger("dripcast.memory")

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# Photos and nearly all variants are above this; a socket read's 256 KB buffer (asyncio's
# `max_size`) and the DATA blocks cut from it are just below: from the heap, reused. At
# exactly 256 KB each read was a fresh mmap faulted in page by page: receiving a 44 MB
# mail took 25,000 page faults and 0.16-0.20 s of CPU, now 2,500-5,800 and 0.09 s.
MMAP_THRESHOLD = 256 * 1024 + 4096
TRIM_THRESHOLD = 1024 * 1024  # give back heap tops over 1 MB


def tune_malloc() -> bool:
    """Fix glibc's mmap and trim thresholds; False where there is no glibc `mallopt`."""
    import ctypes.util  # ~20 ms: only the service's processes tune malloc

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    ok = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    if not ok:
        log.debug("mallopt refused the thresholds")
    return ok
