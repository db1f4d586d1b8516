"""What a notebook kernel loads before its first notebook: the pack, pandas, matplotlib and seaborn, once per
kernel (`qa_lib.run.execute.WarmKernel` sends it as soon as the kernel starts)."""

from __future__ import annotations

import sys


def warm_up() -> None:
    """Import the pack into this kernel. seaborn imports scipy.stats as it loads, for its density (KDE) plots
    alone, which no chart of the pack draws, and no chart needs scipy (a funnel's limits come with the figures:
    `qa_lib.spc.funnel_curve`). That is about 0.45 s of the 1.6 s a kernel spent loading the pack, on the path
    every notebook waits on, so scipy.stats is kept out while seaborn loads; anything that asks for it later gets
    it as usual (seaborn's own density plots then use its bundled KDE, as it does wherever scipy is missing)."""
    if "seaborn" not in sys.modules and "scipy.stats" not in sys.modules:
        sys.modules["scipy.stats"] = None  # type: ignore[assignment]  # Python's way to say "cannot be imported"
        try:
            import seaborn  # noqa: F401
        except ImportError:
            pass  # a seaborn that needs scipy.stats after all: loaded as usual just below
        finally:
            del sys.modules["scipy.stats"]
    import qa_lib.notebook
    import qa_lib.report  # noqa: F401
