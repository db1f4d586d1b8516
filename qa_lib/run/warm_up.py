"""What a notebook kernel loads before its first notebook: the pack, pandas, matplotlib and seaborn, once per
kernel (`qa_lib.run.execute.WarmKernel` sends it as soon as the kernel starts)."""

from __future__ import annotations

import sys

# What seaborn imports as it loads for plots no chart of the pack draws, and carries on without: scipy.stats for
# density (KDE) plots (it then uses its own bundled KDE) and scipy.cluster for clustered heatmaps (clustermap).
SEABORN_WITHOUT = ("scipy.stats", "scipy.cluster")


def warm_up() -> None:
    """Import the pack into this kernel, seaborn without SEABORN_WITHOUT. No chart needs scipy (a funnel's limits
    come with the figures: `qa_lib.spc.funnel_curve`), and loading them took about 0.45 s (scipy.stats) and 0.25 s
    (scipy.cluster) of the 1.6 s a kernel spent loading the pack, on the path every notebook waits on; so a warm
    kernel loads no scipy at all. Anything that asks for them later gets them as usual."""
    if "seaborn" not in sys.modules and not any(name in sys.modules for name in SEABORN_WITHOUT):
        for name in SEABORN_WITHOUT:
            sys.modules[name] = None  # type: ignore[assignment]  # Python's way to say "cannot be imported"
        try:
            import seaborn  # noqa: F401
        except ImportError:
            pass  # a seaborn that needs them after all: loaded as usual just below
        finally:
            for name in SEABORN_WITHOUT:
                del sys.modules[name]
    import qa_lib.notebook
    import qa_lib.report  # noqa: F401
