"""Process-wide settings the pack makes for speed, each the user's to override: Arrow's allocator while an audits
file is read (`inputs.arrow_memory`) and one BLAS thread per `qa-pack` command (`cli.one_blas_thread`). Each is
checked in a fresh interpreter, where it is first made."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import REPO, row, write_rows


def _python(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"ARROW_DEFAULT_MEMORY_POOL", "OPENBLAS_NUM_THREADS"}}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean | env, cwd=REPO, check=True)
    return done.stdout.strip()


def _has_jemalloc() -> bool:
    import pyarrow as pa

    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        return False
    return True


@pytest.mark.skipif(not _has_jemalloc(), reason="this pyarrow has no jemalloc")
def test_reading_an_audits_file_makes_jemalloc_arrows_pool(tmp_path):
    path = write_rows(tmp_path / "a.csv", [row(audit_id="A1")])
    code = (
        "import pyarrow as pa; from qa_lib.inputs.load import read_raw; "
        f"before = pa.default_memory_pool().backend_name; read_raw({str(path)!r}); "
        "print(before, pa.default_memory_pool().backend_name)"
    )
    before, after = _python(code).split()
    assert before != "jemalloc" and after == "jemalloc"


def test_a_users_arrow_pool_is_kept(tmp_path):
    path = write_rows(tmp_path / "a.csv", [row(audit_id="A1")])
    code = f"import pyarrow as pa; from qa_lib.inputs.load import read_raw; read_raw({str(path)!r}); print(pa.default_memory_pool().backend_name)"
    assert _python(code, ARROW_DEFAULT_MEMORY_POOL="system") == "system"


def test_a_qa_pack_command_asks_for_one_blas_thread_unless_the_user_set_a_number():
    code = "import os; from qa_lib import cli; cli.one_blas_thread(); print(os.environ['OPENBLAS_NUM_THREADS'])"
    assert _python(code) == "1"
    assert _python(code, OPENBLAS_NUM_THREADS="3") == "3"
    entry = "import os, sys; sys.argv = ['qa-pack', '--help']; from qa_lib import cli; cli.main = lambda: print(os.environ['OPENBLAS_NUM_THREADS']); cli.entry()"
    assert _python(entry) == "1"  # the command itself, before anything loads numpy
