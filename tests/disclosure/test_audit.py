"""Defence in depth: the runner audits what a wider pack would publish, as an attacker would, and refuses to
publish (clear message, nothing written) if any hidden count could be worked out."""

from __future__ import annotations

from typing import ClassVar

import pytest

from helpers import WIDER_PARAMS, params_in, run_cli
from qa_lib.disclosure.problem import ProtectionError
from qa_lib.disclosure.protect import audit, publish
from qa_lib.run import runner


def reveal_one(published, figures) -> tuple[str, int]:
    """Show one hidden Inadequate count in the standards table as its true figure (a bug the audit must catch)."""
    table = published.standards.table
    i = next(i for i, v in enumerate(table["inadequate"]) if v == "c")
    truth = int(figures.standards.table.iloc[i]["inadequate"])
    table.iat[i, table.columns.get_loc("inadequate")] = truth
    return table.iloc[i]["standard"], truth


def test_the_audit_passes_what_publish_decided_and_catches_a_revealed_count(demo_figures):
    published = publish(demo_figures)
    audit(demo_figures, published)  # what suppression decided holds up
    reveal_one(published, demo_figures)
    with pytest.raises(ProtectionError, match="could be worked out"):
        audit(demo_figures, published)


def test_the_audit_catches_a_shown_count_that_is_not_the_figure(demo_figures):
    published = publish(demo_figures)
    table = published.compliance.participation_period
    table.iat[0, table.columns.get_loc("participated")] = 999
    with pytest.raises(ProtectionError, match="shows 999"):
        audit(demo_figures, published)


class NoWorkers:
    """A stand-in for the run's notebook workers (`qa_lib.run.execute.Workers`) that starts no process and
    records what the runner asked of it."""

    ran: ClassVar[list[str]] = []
    stopped: ClassVar[bool] = False

    def __init__(self, count: int, setup: object) -> None:
        NoWorkers.ran, NoWorkers.stopped = [], False

    def run(self, jobs):
        NoWorkers.ran.extend(job.name for job in jobs)
        return list

    def close(self) -> None:
        NoWorkers.stopped = True

    def stop(self) -> None:
        NoWorkers.stopped = True


@pytest.mark.parametrize("real_workers", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_the_runner_refuses_to_publish_a_pack_that_would_disclose(real_workers, demo_csv, demo_figures, tmp_path, monkeypatch, capsys):
    from qa_lib.disclosure import protect

    def leaky(figures, min_count, earlier=None):
        published = publish(figures, min_count, earlier)
        reveal_one(published, figures)
        return published

    monkeypatch.setattr(protect, "publish", leaky)  # the runner takes it from there when a run is for a wider audience
    if not real_workers:
        monkeypatch.setattr(runner, "Workers", NoWorkers)  # notebooks are recorded, not run
    wider = params_in(tmp_path, WIDER_PARAMS + "notebooks: [highlight_report]\n")
    out = tmp_path / "out"
    code, said = run_cli(monkeypatch, capsys, "run", "--params", str(wider), "--audits", str(demo_csv), "--out", str(out))
    assert code != 0
    assert "could be worked out from the published figures" in said and "nothing was published" in said
    assert "Traceback" not in said
    assert not out.exists()
    assert not list(tmp_path.glob(".out.*"))  # no half-built folder left beside it
    # The audit runs while the notebook draws from the published figures (in the run's private folders); when
    # it fails, the workers are stopped and nothing the notebook made is published.
    if real_workers:
        import psutil

        left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)]
        assert [c for c in left if "resource_tracker" not in c] == []  # no worker, kernel or fork server left
    else:
        assert NoWorkers.ran == ["highlight_report"] and NoWorkers.stopped


def test_a_wider_notebook_in_jupyterlab_never_holds_the_unprotected_figures(demo_csv, tmp_path):
    from qa_lib.notebook import open_run

    wider = params_in(tmp_path, "include: [pack.yml, themes.yml]\nactions: actions.yml\naudience: wider\n")
    run = open_run(str(wider), str(demo_csv), "2021-10", "2021-12", 80.0)
    assert run.figures is None and run.published is not None
    assert run.months == ["2021-10", "2021-11", "2021-12"]
    assert "c" in set(run.published.frame("standards.period_table")["inadequate"].astype(str))
