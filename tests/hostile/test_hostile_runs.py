"""The hostile corpus, real runs: markup in every place outside text enters, signals mid-run, a run killed
outright, and valid data at its edges. Each asserts the exit status, the message and what is left on disk
(and in the process table) afterwards."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from helpers import QA_PACK, REPO, STANDARDS, row, write_rows

pytestmark = pytest.mark.slow

PAYLOADS = [
    "<script>alert(1)</script>",
    "<iframe src=https://evil.example/f></iframe>",
    "<img src=https://evil.example/p.png onerror=alert(2)>",
    "<link rel=stylesheet href=https://evil.example/s.css>",
    "[click](javascript:alert(3))",
    "![pixel](https://evil.example/t.png)",
    '<a href="javascript:alert(4)">x</a>',
    "<svg onload=alert(5)>",
    "<style>@import url(https://evil.example/a.css)</style>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
]
FILE_NAME = "<img src=x onerror=alert(1)>.csv"


# A crafted council's file: its params carry none of the demo's made-up register, author or recipients (a run
# whose audits are not the demo's refuses them).
NOT_THE_DEMOS = "programme: {name: QA Framework, author: QA team}\nactions: null\nemail: {}\n"


def unsafe(page: str) -> list[str]:
    """What in an HTML page would run a script or load something: judged here with BeautifulSoup,
    independently of the pack's own check."""
    from bs4 import BeautifulSoup

    found = []
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name in {"script", "iframe", "link", "svg", "object", "embed", "base", "form", "frame", "audio", "video"}:
            found.append(f"<{name}>")
        if name == "meta" and tag.get("http-equiv"):
            found.append("meta http-equiv")
        for attr, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            v = value.strip().lower()
            if attr.lower().startswith("on"):
                found.append(f"{attr} on <{name}>")
            elif attr.lower() in {"src", "href", "action", "srcset", "poster", "formaction", "background"}:
                ok = (
                    v.startswith("#")
                    or (name == "img" and attr == "src" and v.startswith("data:image/png;base64,"))
                    or (name == "a" and attr == "href" and v.startswith("https://"))
                    or (name == "a" and attr == "href" and v in {f"{p}.html" for p in ("compliance", "grades", "comparators", "themes")})
                )
                if not ok:
                    found.append(f"{attr}={value[:40]} on <{name}>")
            elif attr.lower() == "style" and "url(" in v:
                found.append(f"style url on <{name}>")
    for style in soup.find_all("style"):
        if re.search(r"@import|url\(\s*[\"']?\s*(https?:|//)", style.get_text(), re.I):
            found.append("CSS load")
    return found


@pytest.fixture(scope="module")
def hostile_run(demo_csv, tmp_path_factory):
    """One run whose params labels, programme, actions and audits file name all carry markup."""
    folder = tmp_path_factory.mktemp("hostile")
    p = iter(PAYLOADS * 4)
    areas = ["16+", "CCHDT", "Central", next(p), "Keighley & Shipley", "South", "West", "Safeguarding and Review"]
    labels = {k: f"Standard {k} {next(p)}" for k in STANDARDS}
    short = {k: f"{k} {next(p)}" for k in STANDARDS}
    cohorts = {k: f"Cohort {k} {next(p)}" for k in ("no_plan_nfa", "cin", "cp", "cla", "care_leaver")}
    yaml_text = lambda d: "{" + ", ".join(f"{k}: {v!r}" for k, v in d.items()) + "}"
    (folder / "actions.yml").write_text(
        "".join(
            f"- theme: {payload!r}\n  actions: [{payload!r}, 'See [guidance](https://www.gov.uk/guidance) *now*']\n" for payload in PAYLOADS
        ),
        encoding="utf-8",
    )
    (folder / "run.yml").write_text(
        f"include: [{REPO / 'params' / 'themes.yml'}, {REPO / 'params' / 'cohorts.yml'}]\n"
        f"standards: {yaml_text(labels)}\nstandard_short_names: {yaml_text(short)}\n"
        f"service_areas: {areas!r}\ncohorts: {yaml_text(cohorts)}\n"
        f"non_participation_reasons: [{{label: {PAYLOADS[0]!r}, keywords: [left]}}, {{label: {PAYLOADS[2]!r}, keywords: [leave]}}]\n"
        f"themes: {{genograms: {{label: {PAYLOADS[4]!r}, phrases: [genogram]}}, drift: {{label: {PAYLOADS[1]!r}, phrases: [drift]}}}}\n"
        f"programme: {{name: {PAYLOADS[0]!r}, directorate: {PAYLOADS[2]!r}, author: {PAYLOADS[6]!r}}}\n"
        "period: {from: '2021-10', to: '2021-12'}\nactions: actions.yml\n"
        "notebooks: [highlight_report, compliance, grades, comparators, themes]\n"
        "email: {from: qa@council.example, to: [hos@council.example], subject: 'QA {period} <b>{x}</b>', attach_tables: true}\n",
        encoding="utf-8",
    )
    df = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    df["service_area"] = df["service_area"].replace("East", areas[3])
    audits = folder / FILE_NAME
    df.to_csv(audits, index=False)
    out = folder / "out"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(folder / "run.yml"), "--audits", str(audits), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    mail = subprocess.run([QA_PACK, "email", "--run", str(out)], capture_output=True, text=True, timeout=60)
    assert mail.returncode == 0, mail.stderr
    return out


@pytest.mark.parametrize("name", ["highlight_report", "compliance", "grades", "comparators", "themes"])
def test_no_markup_from_outside_survives_into_any_report(hostile_run, name):
    page = (hostile_run / f"{name}.html").read_text(encoding="utf-8")
    assert unsafe(page) == []


def test_labels_are_shown_as_text_not_dropped(hostile_run):
    page = (hostile_run / "highlight_report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the programme name, escaped
    compliance = (hostile_run / "compliance.html").read_text(encoding="utf-8")
    assert "Rows in &lt;img src=x onerror=alert(1)&gt;.csv" in compliance  # the file name in a caption
    assert "&lt;iframe src=https://evil.example/f&gt;&lt;/iframe&gt;" in page  # an action, as text
    assert '<a href="https://www.gov.uk/guidance" rel="noopener noreferrer">guidance</a>' in page  # a plain link kept
    assert "<em>now</em>" in page  # simple formatting kept


def test_the_email_escapes_labels_and_subject(hostile_run):
    import email
    from email import policy

    msg = email.message_from_bytes((hostile_run / "email.eml").read_bytes(), policy=policy.default)
    assert msg["Subject"] == "QA October, November and December 2021 <b>{x}</b>"  # text in a header, braces kept
    part = msg.get_body(("html",))
    assert part is not None
    rich = part.get_content()
    assert unsafe(rich) == []


# ------------------------------------------------------------------ signals and kills


def _tagged_processes(tag: str) -> list[int]:
    """Processes (workers, kernels) that inherited the test's tag in their environment."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if tag.encode() in (proc / "environ").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


def _files_holding(root: Path, values: set[str]) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                text = path.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                continue
            if any(v in text for v in values):
                hits.append(path)
    return hits


@pytest.fixture(params=["forked", "spawned"])
def private(request, tmp_path):
    """The temp folder the run is given. A short one (under the system's): its workers and kernels are forked
    from a fork server whose socket goes in the run's private folder. One too deep for a socket's name: they
    are spawned. Either way a stopped run leaves nothing."""
    if request.param == "spawned":
        folder = tmp_path / ("deep" * 20) / "tmp"
        folder.mkdir(parents=True)
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="qa-h-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def last_good(published, tmp_path) -> Path:
    """A copy of a published run: the last good report a stopped run must leave untouched."""
    out = tmp_path / "reports" / "demo"
    shutil.copytree(published, out)
    return out


def _start(planted_csv: Path, out: Path, tmp: Path, tag: str) -> subprocess.Popen[str]:
    env = dict(os.environ, TMPDIR=str(tmp), QA_HOSTILE_TAG=tag)
    return subprocess.Popen(
        [QA_PACK, "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(planted_csv), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_notebooks(tmp: Path, proc: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until the private folder holds the run's figures and the notebooks have started."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if list(tmp.glob("qa-pack-work-*/figures.json")) and list(tmp.glob("qa-pack-work-*/*.ipynb")):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("the run never reached its notebooks")


def _after(tag: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_removes_everything_and_keeps_the_last_report(planted_csv, last_good, private, signum, code):
    before = {p.relative_to(last_good): p.read_bytes() for p in last_good.rglob("*") if p.is_file()}
    tag = uuid.uuid4().hex
    proc = _start(planted_csv, last_good, private, tag)
    _wait_for_notebooks(private, proc)
    time.sleep(1)  # kernels starting, the first cells running
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert lines[-1] == f"interrupted: the last good report in {last_good} is unchanged"
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert {p.relative_to(last_good): p.read_bytes() for p in last_good.rglob("*") if p.is_file()} == before
    assert not list(private.iterdir())  # the private folder is gone
    assert sorted(p.name for p in last_good.parent.iterdir()) == ["demo"]  # no build, lock or swap folder
    assert _after(tag) == []  # no worker or kernel left
    ids = set(pd.read_csv(planted_csv, dtype=str)["child_id"])
    assert _files_holding(last_good.parent, ids) == [] and _files_holding(private, ids) == []


def test_a_run_killed_outright_is_cleaned_up_by_the_next(planted_csv, last_good, private, tmp_path):
    tag = uuid.uuid4().hex
    proc = _start(planted_csv, last_good, private, tag)
    _wait_for_notebooks(private, proc)
    proc.kill()  # kill -9: no clean-up of its own
    proc.communicate(timeout=30)
    assert _after(tag) == []  # workers die with the parent (and their kernels with them)
    assert list(private.glob("qa-pack-work-*"))  # left behind for now ...
    bad = write_rows(tmp_path / "bad.csv", [row(overall_grade="Excelent")])
    again = subprocess.run(
        [QA_PACK, "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(bad), "--out", str(last_good), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, TMPDIR=str(private)),
    )
    assert again.returncode == 1 and "is not a grade" in again.stderr  # even a run that stops at validation ...
    assert not list(private.iterdir())  # ... removes the dead run's private folder first
    assert sorted(p.name for p in last_good.parent.iterdir()) == ["demo"]  # and its build folder, under the lock


# ------------------------------------------------------------------ valid data at its edges


def _rows(n: int, month: str = "2021-10", **kw: str) -> list[dict[str, str]]:
    return [row(audit_id=f"{month}-{k}", audit_month=month, child_id=f"CH-{month}-{k}", social_worker_id=f"SW-{k}", **kw) for k in range(n)]


UNRETURNED = {"status": "not_returned", "overall_grade": "", "sw_participated": "", **{f"grade_{s}": "" for s in STANDARDS}}


def test_valid_data_at_its_edges_publishes_and_says_so(tmp_path):
    """One run whose months are each an edge: September nothing returned, October every audit exempt,
    November one audit, and a cohort (cin, audited in May and November) with voice N/A throughout November."""
    data = (
        _rows(6, month="2021-09", **UNRETURNED)
        + _rows(5, month="2021-10", **(UNRETURNED | {"status": "exempt"}))
        + _rows(6, month="2021-05", cohort="cin")
        + _rows(1, month="2021-11", cohort="cin", grade_voice="N/A")
    )
    audits = write_rows(tmp_path / "audits.csv", data)
    # the highlight report draws every section these edges once broke (grades, appendix, comparator chart)
    (tmp_path / "run.yml").write_text(f"include: [{REPO / 'params' / 'demo.yml'}]\nnotebooks: [highlight_report]\n" + NOT_THE_DEMOS)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            QA_PACK,
            "run",
            "--params",
            str(tmp_path / "run.yml"),
            "--audits",
            str(audits),
            "--from",
            "2021-09",
            "--to",
            "2021-11",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (out / "highlight_report.html").read_text(encoding="utf-8")))
    assert "No audits were returned in September." in text  # nothing returned
    assert "There were no exemptions in September, 5 in October and none in November 2021." in text  # every audit exempt
    assert "No audits were distributed in October." in text  # every audit exempt
    # one audit, returned: 0 of 6 in September, 1 of 1 in November
    assert "Compliance has increased sharply from 0% in September to 100% in November and now meets the 80% target." in text
    assert "In November, the one returned audit was graded good or outstanding overall" in text
    assert "Marked not applicable (not in the percentages): Voice of the child" in text  # N/A throughout, by its one name
