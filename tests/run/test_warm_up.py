"""A notebook kernel's warm-up (qa_lib.run.warm_up): seaborn loads without scipy.stats and scipy.cluster, which
it wants only for density plots and clustered heatmaps, and no notebook of the pack then loads them (a funnel's
limits and every 95% interval come without them), so the 0.7 s they cost a kernel is never paid; anything that
asks for them later still gets them."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from helpers import REPO
from qa_lib.inputs.handoff import write_figures

pytestmark = pytest.mark.slow  # each test starts a Python that loads the pack


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout


def test_seaborn_loads_without_scipy_and_scipy_stats_and_cluster_still_load_after():
    said = _python(
        "import sys; from qa_lib.run.warm_up import warm_up; warm_up()\n"
        "print('seaborn' in sys.modules, any(m.startswith('scipy') for m in sys.modules), 'qa_lib.report' in sys.modules)\n"
        "import scipy.stats; print(scipy.stats.binom.cdf(3, 10, 0.5) > 0)\n"
        "from scipy.cluster import hierarchy; print(hierarchy.linkage([[0.0], [1.0], [3.0]])[0, 2] == 1.0)\n"
    )
    assert said.split() == ["True", "False", "True", "True", "True"]


def test_no_notebook_of_the_pack_loads_scipy_in_a_warm_kernel(tmp_path, demo_figures):
    handoff = write_figures(demo_figures, tmp_path)
    cells = []
    for name in ("compliance", "grades", "comparators", "themes", "highlight_report"):
        nb = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
        cells += [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    script = tmp_path / "notebooks.py"
    script.write_text(
        "import sys\nfrom qa_lib.run.warm_up import warm_up\nwarm_up()\n"
        f"params_path, audits_path = {str(REPO / 'params' / 'demo.yml')!r}, {str(handoff)!r}\n"
        "period_from, period_to, target_return_rate = '2021-10', '2021-12', 80.0\n"
        + "\n".join(cells)
        + "\nprint('scipy loaded:', any(m.startswith('scipy') for m in sys.modules), file=sys.stderr)\n",
        encoding="utf-8",
    )
    ran = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=REPO / "notebooks")
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "scipy loaded: False" in ran.stderr


def test_a_seaborn_that_needs_scipy_stats_still_loads(tmp_path):
    """Should a seaborn ever need scipy.stats to load at all, the warm-up loads it as usual instead of failing
    (a kernel that cannot load the pack would leave every notebook to start a kernel of its own)."""
    fake = tmp_path / "seaborn"
    fake.mkdir()
    (fake / "__init__.py").write_text("import scipy.stats\nLOADED_WITH_SCIPY = True\n", encoding="utf-8")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from qa_lib.run.warm_up import warm_up; warm_up()\n"
        "import seaborn; print(seaborn.LOADED_WITH_SCIPY, 'scipy.stats' in sys.modules)\n"
    )
    said = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=REPO)
    assert said.returncode == 0, said.stderr[-1500:]
    assert said.stdout.split() == ["True", "True"]
