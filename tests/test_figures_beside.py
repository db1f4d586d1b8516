"""From BESIDE_FROM_ROWS rows the grades' figures are computed in a thread beside the other sections
(`qa_lib.figures.compute_all`): the figures must be the same to the byte as one section after another, and an
error in either thread must reach the caller."""

from __future__ import annotations

import threading

import pytest

from qa_lib import codec, figures
from qa_lib.inputs.load import load_audits
from qa_lib.inputs.period import Period
from qa_lib.sections.grades import figures as grades


@pytest.fixture(scope="module")
def demo(demo_csv, params):
    return load_audits(demo_csv, params), Period("2021-10", "2021-12")


def test_the_figures_computed_side_by_side_are_those_computed_in_turn(demo, params, monkeypatch):
    data, period = demo
    in_turn = codec.dumps(figures.compute_all(data.frame, params, period, data.summary()))
    monkeypatch.setattr(figures, "BESIDE_FROM_ROWS", 0)
    seen = []
    real = grades.compute

    def noted(*args):
        seen.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(grades, "compute", noted)
    assert codec.dumps(figures.compute_all(data.frame, params, period, data.summary())) == in_turn
    assert seen and seen[0].startswith("qa-pack-grades")  # it was computed beside


def test_an_error_in_the_grades_thread_reaches_the_caller(demo, params, monkeypatch):
    data, period = demo
    monkeypatch.setattr(figures, "BESIDE_FROM_ROWS", 0)

    def fails(*_):
        raise ArithmeticError("the grades' thread")

    monkeypatch.setattr(grades, "compute", fails)
    with pytest.raises(ArithmeticError, match="grades' thread"):
        figures.compute_all(data.frame, params, period, data.summary())
