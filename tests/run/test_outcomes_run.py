"""What happened next, end to end (issue 27): a real run on the demo audits and the demo SSD extract, with
`outcomes.csv` checked against figures this test works out on its own (plain Python over the CSV rows, not the
pack's code), and planted IDs and names in every SSD file reaching no output."""

from __future__ import annotations

import calendar
import csv
import json
import shutil
from pathlib import Path

import pytest

from helpers import REPO, qa_pack

pytestmark = pytest.mark.slow

PLANTED_NAME = "Zebedee Quartermaine"
W = 12


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def month_end(month: str, add: int = 0) -> str:
    y, m = int(month[:4]), int(month[5:7]) + add
    y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def expected_outcomes(audits: Path, ssd: Path, last_month: str, x: str) -> dict[str, list]:
    """Section 6.2 worked out directly: dates compared as YYYY-MM-DD text."""
    persons = {r["pers_person_id"] for r in rows(ssd / "ssd_person.csv")}
    cine = [r for r in rows(ssd / "ssd_cin_episodes.csv") if r["cine_person_id"] in persons]
    cppl = [r for r in rows(ssd / "ssd_cp_plans.csv") if r["cppl_person_id"] in persons]
    clae = [r for r in rows(ssd / "ssd_cla_episodes.csv") if r["clae_person_id"] in persons]
    episode_person = {r["clae_cla_id"]: r["clae_person_id"] for r in clae if r["clae_cla_id"]}
    clap = []
    for r in rows(ssd / "ssd_cla_placement.csv"):
        person = r["clap_person_id"] or episode_person.get(r["clap_cla_id"], "")
        if person in persons:
            clap.append((person, r["clap_cla_placement_start_date"][:10]))
    group_of = {"Outstanding": 0, "Good": 0, "Requires Improvement": 1, "Inadequate": 2}
    table = [[0] * 8 for _ in range(3)]
    unmatched = 0
    for a in rows(audits):
        if a["status"] != "returned" or a["audit_month"] > last_month:
            continue
        child = a["child_id"].strip()
        if child not in persons:
            unmatched += 1
            continue
        grade = a["moderated_grade"] if a["moderated"] == "yes" and a["moderated_grade"] else a["overall_grade"]
        g = group_of[grade]
        t = table[g]
        t[0] += 1
        start, end = month_end(a["audit_month"]), month_end(a["audit_month"], W)
        if end > x:
            continue
        t[1] += 1

        def inside(d: str, start: str = start, end: str = end) -> bool:
            return bool(d) and start < d[:10] <= end

        def open_on(s: str, e: str, day: str) -> bool:
            return s[:10] <= day and (not e or e[:10] > day)

        looked_after = any(
            r["clae_person_id"] == child and open_on(r["clae_cla_episode_start_date"], r["clae_cla_episode_ceased_date"], start)
            for r in clae
        )
        t[2] += any(r["cine_person_id"] == child and inside(r["cine_referral_date"]) for r in cine)
        t[3] += any(r["cppl_person_id"] == child and inside(r["cppl_cp_plan_start_date"]) for r in cppl)
        t[4] += (not looked_after) and any(r["clae_person_id"] == child and inside(r["clae_cla_episode_start_date"]) for r in clae)
        t[5] += looked_after
        t[6] += looked_after and any(p == child and inside(d) for p, d in clap)
        open_episodes = [
            (r["cine_referral_date"][:10], i, r)
            for i, r in enumerate(cine)
            if r["cine_person_id"] == child and open_on(r["cine_referral_date"], r["cine_close_date"], start)
        ]
        if open_episodes:
            latest = max(open_episodes, key=lambda e: (e[0], e[1]))[2]
            t[7] += bool(latest["cine_close_date"]) and latest["cine_close_date"][:10] <= end
    return {
        "good_or_outstanding": table[0],
        "requires_improvement": table[1],
        "inadequate": table[2],
        "not_matched": [unmatched, *[None] * 7],
    }


@pytest.fixture(scope="module")
def planted_ssd(demo_csv, tmp_path_factory) -> Path:
    """The demo's SSD extract with a name, a date of birth and an address in a column of every file, as a real
    extract carries them (the pack must never read them)."""
    folder = tmp_path_factory.mktemp("ssd-planted") / "ssd"
    shutil.copytree(demo_csv.parent / "ssd", folder)
    for path in folder.glob("ssd_*.csv"):
        data = rows(path)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*data[0].keys(), "pers_forename", "pers_dob", "address"])
            writer.writeheader()
            for r in data:
                writer.writerow({**r, "pers_forename": PLANTED_NAME, "pers_dob": "2011-03-04", "address": "12 Acacia Avenue BD1 4AS"})
    return folder


@pytest.fixture(scope="module")
def run_with_ssd(demo_csv, planted_ssd, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ssd-run") / "out"
    proc = qa_pack(
        "run",
        "--params",
        str(REPO / "params" / "demo.yml"),
        "--audits",
        str(demo_csv),
        "--ssd",
        str(planted_ssd),
        "--out",
        str(out),
        "--quiet",
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_outcomes_csv_is_what_the_contract_defines(run_with_ssd, demo_csv, planted_ssd):
    latest = max(
        d[:10]
        for name, cols in {
            "ssd_cin_episodes": ("cine_referral_date", "cine_close_date"),
            "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
            "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
            "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
        }.items()
        for r in rows(planted_ssd / f"{name}.csv")
        for d in (r[c] for c in cols)
        if d
    )
    expected = expected_outcomes(demo_csv, planted_ssd, "2021-12", latest)
    got = {
        r["grade_group"]: [int(v) if v else None for k, v in r.items() if k != "grade_group"]
        for r in rows(run_with_ssd / "tables" / "outcomes.csv")
    }
    assert list(got) == list(expected)
    assert got == expected
    assert sum(int(v[1] or 0) for k, v in got.items() if k != "not_matched") > 400  # most of the demo year is followed up


def test_the_section_is_the_qa_teams_only(run_with_ssd):
    grades = (run_with_ssd / "grades.html").read_text(encoding="utf-8")
    assert "What happened next to audited children" in grades and "an association, not a cause" in grades
    for name in ("highlight_report.html", "headlines.json"):
        text = (run_with_ssd / name).read_text(encoding="utf-8")
        assert "referred again" not in text and "What happened next" not in text and "an association, not a cause" not in text
    manifest = json.loads((run_with_ssd / "manifest.json").read_text(encoding="utf-8"))
    assert "tables/outcomes.csv" in {o["file"] for o in manifest["outputs"]}


def test_no_id_name_or_address_from_the_extract_reaches_any_output(run_with_ssd, planted_ssd):
    ids = set()
    for path in planted_ssd.glob("ssd_*.csv"):
        for r in rows(path):
            ids |= {v for k, v in r.items() if k.endswith(("_id", "_team")) and v and k != "invo_professional_role_id"}
    assert len(ids) > 1000
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in run_with_ssd.rglob("*")
        if p.is_file() and p.suffix in {".html", ".csv", ".json"}
    ]
    blob = "\n".join(texts)
    for planted in (PLANTED_NAME, "2011-03-04", "Acacia Avenue"):
        assert planted not in blob
    leaked = sorted(v for v in ids if len(v) > 4 and v in blob and not v.endswith(" team 1") and " team " not in v)
    assert leaked == [], leaked[:5]
