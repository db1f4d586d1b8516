"""Which allocator Arrow's arrays come from, from the moment an audits file is read (for the rest of the process).

pyarrow allocates from mimalloc by default. On the Linux machine the benchmarks run on, a million realistic rows
read and normalised 1.2 to 1.5 s quicker from jemalloc (pyarrow's Linux wheels carry it), nearly all of it
system time mimalloc spent taking fresh memory the first time each size was asked for; the whole run fell from
16.2 s to 14.2 s and its peak memory from 3.0 GB to 2.5 GB (`benchmarks/README.md`, 0.16.1). The demo-size file
is unaffected. A user's own choice (`ARROW_DEFAULT_MEMORY_POOL`) is always kept, and where pyarrow has no
jemalloc (its Windows and macOS wheels) nothing changes.
"""

from __future__ import annotations

import os

ARROW_POOL_SETTING = "ARROW_DEFAULT_MEMORY_POOL"  # Arrow's own variable: a user who sets it has chosen


def prefer_jemalloc() -> str:
    """Make jemalloc Arrow's default pool for this process, unless the user chose one or pyarrow has none.
    Returns the pool's name as it is now. Arrays made earlier keep the pool they came from."""
    import pyarrow as pa

    if ARROW_POOL_SETTING not in os.environ:
        try:
            pool = pa.jemalloc_memory_pool()
        except NotImplementedError:  # built without jemalloc
            pass
        else:
            pa.set_memory_pool(pool)
    return str(pa.default_memory_pool().backend_name)
