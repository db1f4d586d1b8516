"""The runner loads scipy in a thread while the audits are read (qa_lib.run.compute.imported_meanwhile). Two
threads importing at once can only wait on each other if each is inside an import the other needs. That cannot
happen here: the runner loads no scipy before its figures (every use of it imports it in its function), and
scipy's own imports never reach the pack, pandas, pyarrow, pandera, matplotlib or seaborn, whatever the run is
importing meanwhile."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import REPO

pytestmark = pytest.mark.slow  # each test starts a Python that loads the pack or scipy

RUN_SIDE = ("qa_lib", "pandas", "pyarrow", "pandera", "matplotlib", "seaborn")


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, timeout=120).stdout


def test_the_runner_loads_no_scipy_before_its_figures():
    said = _python(
        "import sys\n"
        "import qa_lib.run.runner, qa_lib.run.outputs, qa_lib.run.validate, qa_lib.disclosure.published\n"
        "import qa_lib.inputs.handoff, qa_lib.notebook, qa_lib.run.compute, qa_lib.run.reader_check\n"
        "print(sorted(m for m in sys.modules if m.startswith('scipy'))[:3])\n"
    )
    assert said.strip() == "[]"


def test_what_scipy_imports_never_reaches_what_the_run_imports():
    said = _python(
        "import sys\n"
        "import scipy.stats, scipy.sparse, scipy.optimize\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({RUN_SIDE!r})))\n"
    )
    assert said.strip() == "[]"


def test_what_is_imported_meanwhile_is_loaded_and_a_name_that_fails_is_left_to_its_use():
    said = _python(
        "import sys, threading\n"
        "from qa_lib.run.compute import imported_meanwhile\n"
        "imported_meanwhile(('no_such_module_here', 'scipy.stats'))\n"
        "for t in threading.enumerate():\n"
        "    if t.name == 'qa-pack-imports':\n"
        "        t.join()\n"
        "print('scipy.stats' in sys.modules, 'no_such_module_here' in sys.modules)\n"
    )
    assert said.split() == ["True", "False"]
