"""What the run's fork server loads once, before it forks the workers (and they their kernels): papermill,
nbconvert, jupyter_client, the kernel and the pack with pandas, matplotlib and seaborn, as a warm kernel loads
them (`qa_lib.run.warm_up`). Importing this module does it."""

from __future__ import annotations

import gc
import os
import sys

# A kernel sets this before anything loads matplotlib (ipykernel); here matplotlib loads before any kernel.
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
# jsonschema (under nbformat) builds 39 grammars for rfc3987_syntax at import, for a string format no notebook
# schema uses; it carries on without it when it cannot be imported.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import ipykernel.kernelapp  # noqa: E402, F401
import jupyter_client  # noqa: E402, F401
import nbformat  # noqa: E402, F401
import papermill  # noqa: E402, F401

import qa_lib.run.forked  # noqa: E402, F401
from qa_lib.render.html import page_exporter  # noqa: E402
from qa_lib.run.warm_up import warm_up  # noqa: E402

warm_up()
EXPORTER = page_exporter()  # every worker's, its templates compiled here once
gc.freeze()  # what is loaded stays shared with every fork: the collector never touches it there
