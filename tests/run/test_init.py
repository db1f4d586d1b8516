"""A first real month cannot carry the demo (issue 26, item 4): `qa-pack init` writes a council's params with
nothing of the demo's; a run whose audits are not the demo's refuses the demo's register, author and recipients."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import REPO, qa_pack
from qa_lib.errors import QAPackError
from qa_lib.inputs.demo import demo_audit_ids, demo_audits
from qa_lib.inputs.params import load_params
from qa_lib.run.init import init
from qa_lib.run.validate import demo_settings, refuse_demo_settings

DEMO_TEXT = ("QA-2021-", "(demo)", "council.example")


def test_init_writes_a_councils_params_with_nothing_of_the_demo(tmp_path: Path):
    init(tmp_path / "ours")
    params = load_params(tmp_path / "ours" / "params.yml")
    assert demo_settings(params) == []
    assert params.programme["author"] == "" and params.email.to == () and params.history_keep == 12
    assert (tmp_path / "ours" / "register.csv").read_text(encoding="utf-8").startswith("action_id,raised_month,theme")
    for path in (tmp_path / "ours").iterdir():
        text = path.read_text(encoding="utf-8")
        assert "QA-2021-" not in text and "(demo)" not in text and "council.example" not in text, path.name
    with pytest.raises(QAPackError, match="never writes over a file"):
        init(tmp_path / "ours")


def test_the_demo_params_are_refused_with_a_councils_own_returns(demo_csv: Path):
    params = load_params(REPO / "params" / "demo.yml")
    assert demo_settings(params) == ["programme: author", "actions (the demo's register)", "email: from, to and cc"]
    demo = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    refuse_demo_settings(params, demo)  # the demo's own data: the demo's settings are fine
    ours = demo.assign(audit_id="X" + demo["audit_id"])
    with pytest.raises(QAPackError) as err:
        refuse_demo_settings(params, ours)
    said = str(err.value)
    assert "programme: author" in said and "actions (the demo's register)" in said and "qa-pack init" in said


@pytest.mark.slow
def test_the_demo_years_audit_ids_are_known_without_drawing_it():
    drawn = demo_audits()
    assert demo_audit_ids() == set(drawn["audit_id"])  # the generator's own numbering, month by month
    assert len(demo_audit_ids()) == 976 == len(drawn)


@pytest.mark.slow
def test_the_new_user_path(demo_csv: Path, tmp_path: Path):
    """README's "Running it on your own returns": init, a non-demo audits file, a run with the demo's params
    refused, then a run with the council's params publishes with no demo text anywhere."""
    frame = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    for col in ("audit_id", "child_id", "social_worker_id", "auditor_id"):
        frame[col] = frame[col].map(lambda v: f"X{v}" if v else v)
    ours = tmp_path / "ours.csv"
    frame.to_csv(ours, index=False)
    refused = qa_pack("run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(ours), "--out", str(tmp_path / "a"), "--quiet")
    assert refused.returncode == 1 and "the demo's" in refused.stderr and not (tmp_path / "a").exists()
    assert qa_pack("init", str(tmp_path / "council")).returncode == 0
    out = tmp_path / "b"
    proc = qa_pack(
        "run",
        "--params",
        str(tmp_path / "council" / "params.yml"),
        "--audits",
        str(ours),
        "--from",
        "2021-10",
        "--to",
        "2021-12",
        "--out",
        str(out),
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not [t for t in DEMO_TEXT if t in text], (path.name, [t for t in DEMO_TEXT if t in text])
