"""Params: includes, paths relative to the file, and clear errors for bad settings."""

from __future__ import annotations

import pytest

from helpers import REPO
from qa_lib.errors import ParamsError
from qa_lib.inputs.params import load_params
from qa_lib.inputs.period import Period


def test_demo_params(params):
    assert params.period == Period("2021-10", "2021-12")
    assert params.target_return_rate == 80.0
    assert list(params.standards)[:3] == ["risk", "assessment", "planning"] and len(params.standards) == 9
    assert "Safeguarding and Review" in params.service_areas
    assert params.audits == (REPO / "data" / "demo" / "audits.csv").resolve()


def test_period_months_and_label():
    p = Period("2021-11", "2022-01")
    assert p.months == ["2021-11", "2021-12", "2022-01"]
    assert p.trend_months[0] == "2020-11" and len(p.trend_months) == 15
    assert p.label == "November and December 2021 and January 2022"  # each year named, once


@pytest.mark.parametrize(
    "text,words",
    [
        ("period: {from: '2021-12', to: '2021-10'}", "'from' (2021-12) is after 'to' (2021-10)"),
        ("period: {from: 'Oct 2021', to: '2021-12'}", "'Oct 2021' is not a month"),
        ("target_return_rate: lots", "target_return_rate must be a number"),
        ("target_return_rate: 180", "not between 0 and 100"),
        ("targte_return_rate: 80", "unknown setting(s) targte_return_rate"),
        ("include: [nope.yml]", "params file not found"),
        ("period: [1, 2", "not valid YAML"),
    ],
)
def test_bad_params_are_explained(tmp_path, text, words):
    (tmp_path / "pack.yml").write_text((REPO / "params" / "pack.yml").read_text())
    path = tmp_path / "run.yml"
    path.write_text("include: [pack.yml]\n" + text + "\n" if not text.startswith("include") else text + "\n")
    with pytest.raises(ParamsError, match=__import__("re").escape(words)):
        load_params(path)


def test_standard_groups_are_checked(tmp_path):
    import shutil

    from qa_lib.inputs.params import ParamsError, load_params

    shutil.copy(REPO / "params" / "pack.yml", tmp_path / "pack.yml")
    path = tmp_path / "run.yml"
    path.write_text("include: [pack.yml]\nstandard_groups:\n  Safety: [risk, safty]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="standard_groups: a group lists a key that is not a standard") as err:
        load_params(path)
    assert "safty" not in str(err.value) and "Safety" not in str(err.value)  # what was typed is never echoed
    path.write_text("include: [pack.yml]\nstandard_groups:\n  A: [risk]\n  B: [risk]\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="the standard risk is in more than one group"):
        load_params(path)
    assert load_params(REPO / "params" / "demo.yml").standard_groups["Risk and assessment"] == ("risk", "assessment")


def test_history_keeps_twelve_earlier_runs_unless_told(tmp_path):
    """Issue 26: history/ kept every run in full by default (13 MB after five demo runs)."""
    from qa_lib.inputs.params import load_params

    assert load_params(REPO / "params" / "demo.yml").history_keep == 12
    (tmp_path / "all.yml").write_text(f"include: {REPO / 'params' / 'demo.yml'}\nhistory: {{keep: all}}\n", encoding="utf-8")
    assert load_params(tmp_path / "all.yml").history_keep is None
    (tmp_path / "three.yml").write_text(f"include: {REPO / 'params' / 'demo.yml'}\nhistory: {{keep: 3}}\n", encoding="utf-8")
    assert load_params(tmp_path / "three.yml").history_keep == 3
