"""Wider packs attacked as a reader would: everything a wider run publishes, solved for every count shown
as c with an integer program written for the tests (csv_attacker), on the demo and on crafted small files.
Each recovery the issue found on the old rule is a named test below."""

from __future__ import annotations

import html
import json
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from csv_attacker import narrow, small_shown
from helpers import REPO, STANDARDS, qa_pack, row, write_rows

pytestmark = pytest.mark.slow

GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]


def wider_params(folder: Path, months: tuple[str, str]) -> Path:
    for name in ("pack.yml", "themes.yml", "actions.yml"):
        shutil.copy(REPO / "params" / name, folder / name)
    path = folder / "wider.yml"
    path.write_text(
        f"include: [pack.yml, themes.yml]\nperiod: {{from: '{months[0]}', to: '{months[1]}'}}\n"
        "actions: actions.yml\naudience: wider\nnotebooks: [highlight_report]\n",
        encoding="utf-8",
    )
    return path


def run_wider(audits: Path, folder: Path, months: tuple[str, str] = ("2021-10", "2021-12")) -> Path:
    out = folder / "out"
    proc = qa_pack("run", "--params", str(wider_params(folder, months)), "--audits", str(audits), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out


def text_of(out: Path) -> str:
    """The wider report's words and table cells as a reader sees them (no markup, no embedded images)."""
    page = (out / "highlight_report.html").read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>|<img[^>]*>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def sentences_of(out: Path) -> str:
    """Only the report's sentences (paragraphs and list items), not its tables or the note on c."""
    page = (out / "highlight_report.html").read_text(encoding="utf-8")
    blocks = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", "\n".join(b for b in blocks if "for wider circulation" not in b)))


# A count from 1 to 4 stated in words: "3 of 15", "of 4", "2 audits", "1 was", "3 remained" ...
SMALL_IN_WORDS = re.compile(
    r"(?<![\w.,%/-])[1-4](?= (?:of|out of|audits?|social workers?|were|was|kept|remained|moderat))|\bof [1-4]\b(?![\d.%])"
)


@pytest.fixture(scope="module")
def demo_wider(demo_csv, tmp_path_factory) -> Path:
    return run_wider(demo_csv, tmp_path_factory.mktemp("wider-demo"))


def test_no_count_on_the_demo_can_be_narrowed_below_five(demo_wider):
    assert small_shown(demo_wider) == []
    assert narrow(demo_wider) == {}


def test_recovery_implied_inadequate_december_voice(demo_wider):
    # Old rule: "15/36" and "17/36" shown, so Inadequate = 36 - 15 - 17 = 4. Now no row shows all of graded,
    # G/O and RI while hiding Inadequate (or any one of the four).
    std = pd.read_csv(demo_wider / "tables" / "standards.csv", dtype=str)
    counts = std[["graded", "good_or_outstanding", "requires_improvement", "inadequate"]]
    assert not (counts.eq("c").sum(axis=1) == 1).any()
    voice = std[(std["audit_month"] == "2021-12") & (std["standard"] == "voice")].iloc[0]
    assert voice["inadequate"] == "c"


def test_recovery_linked_tables_comparators_and_standards(demo_wider):
    # Old rule: comparators showed December voice (cohort cp, the month's only cohort) as 36 graded at 41.7%: 15 G/O.
    std = pd.read_csv(demo_wider / "tables" / "standards.csv", dtype=str).set_index(["audit_month", "standard"])
    comp = pd.read_csv(demo_wider / "tables" / "comparators.csv", dtype=str)
    linked = comp[comp["audit_month"].isin(["2021-10", "2021-11", "2021-12"])]
    assert not linked.empty
    for _, r in linked.iterrows():
        s = std.loc[(r["audit_month"], r["standard"])]
        if s["good_or_outstanding"] == "c" or s["graded"] == "c":
            assert "c" in (r["graded"], r["pct_good_or_outstanding"]), (r["audit_month"], r["standard"])


def test_recovery_sentences_against_tables_moderation(demo_wider):
    # Old rule: "c remained the same … c downgraded RI→I" beside "80% (12 of 15)" gave 12 and 3.
    words = sentences_of(demo_wider)
    assert "remained the same" not in words
    assert not re.search(r"\b(?:80|12 of 15)\b", words.split("3. Findings")[0])
    moderation = pd.read_csv(demo_wider / "tables" / "moderation.csv", dtype=str)
    assert len(moderation) == 3 * 16  # every from -> to pair has its row: an absent row would say zero


def test_recovery_sentences_against_tables_outstanding(demo_wider):
    # Old rule: "18 of 49 … good or outstanding" minus G = 17 gave Outstanding = 1 (and TOTAL O, CCHDT O).
    grades = pd.read_csv(demo_wider / "tables" / "overall_grades.csv", dtype=str).set_index(["audit_month", "grade"])["count"]
    words = sentences_of(demo_wider)
    for month, name in (("2021-10", "Oct 2021"), ("2021-11", "Nov 2021"), ("2021-12", "Dec 2021")):
        said = re.search(rf"In {name}, (\d+) of (\d+) audits", words)
        if grades[(month, "O")] == "c" or grades[(month, "G")] == "c":
            assert said is None, month
        elif said:
            assert int(said.group(1)) == int(grades[(month, "O")]) + int(grades[(month, "G")])
    assert "after moderation," not in words  # grades after moderation are not published for a wider audience


def test_recovery_appendix_not_applicable(demo_wider):
    # Old rule: the appendix's "not applicable: c" equalled returned - graded.
    assert "not applicable:" not in text_of(demo_wider).lower()
    assert not re.search(r"not applicable[^.]*\d", sentences_of(demo_wider))


def test_recovery_words_singular_and_x_of_y(demo_wider):
    # Old rule: "drift and delay (c audit)" said c = 1; "20.0% (c of c returned audits)" with 15 returned gave 3.
    for words in (sentences_of(demo_wider), json.dumps(json.loads((demo_wider / "headlines.json").read_text()))):
        assert not re.search(r"\bc audit\b(?!s)", words)
        assert not re.search(r"\bc of c\b|\d+(?:\.\d)?% \(c of", words)
        assert not SMALL_IN_WORDS.search(words), SMALL_IN_WORDS.search(words)


def test_recovery_rates_hundred_percent_areas(demo_wider):
    # Old rule: "100% audit returns" sentences revealed 1 of 1 that the tables hid. An area named now has both
    # counts shown, equal, and five or more.
    areas = pd.read_csv(demo_wider / "tables" / "returns_by_area.csv", dtype=str).set_index(["audit_month", "service_area"])
    months = {"October": "2021-10", "November": "2021-11", "December": "2021-12"}
    said = re.findall(r"^(.+?) completed 100% audit returns in the (\w+)(?: \d{4})? audit", sentences_of(demo_wider), flags=re.M)
    assert len(said) == 3  # one sentence a month
    for names, month in said:
        for area in {a for m, a in areas.index if a in names and not names.startswith("No service area")}:
            r = areas.loc[(months[month], area)]
            assert r["returned"] == r["distributed"] != "c" and int(r["returned"]) >= 5, (month, area)
    hidden = areas[areas["returned"].eq("c") | areas["distributed"].eq("c")]
    assert (hidden["return_rate"] == "c").all()  # a rate is shown only with both its counts


def test_email_headlines_are_drawn_from_the_published_figures(demo_wider):
    # The e-mail says what the wider report says, word for word, and carries the note on c.
    heads = json.loads((demo_wider / "headlines.json").read_text(encoding="utf-8"))
    assert "Counts from 1 to 4 are never shown" in heads["note"][0]
    words = sentences_of(demo_wider)
    for key in ("returns", "grades", "standards"):
        assert heads[key], key
        for sentence in heads[key]:
            assert sentence.split("\n")[0] in words, sentence


def crafted(month: str, n: int, seed: int, areas: dict[str, int], moderated: int = 3, changed: int = 1) -> list[dict[str, str]]:
    """n audits in one month, spread over areas; about three in four returned; varied grades; `moderated`
    of the returned audits moderated, `changed` of them downgraded one step."""
    rnd = random.Random(seed)
    place = [a for a, k in areas.items() for _ in range(k)]
    rows = []
    for i in range(n):
        returned = i % 4 != 3
        overall = rnd.choice(GRADES[1:])
        r = row(
            audit_id=f"{month}-{i}",
            audit_month=month,
            cohort="cin",
            child_id=f"CH-{month}-{i}",
            social_worker_id=f"SW-{i}",
            service_area=place[i],
            status="returned" if returned else "not_returned",
            sw_participated="yes" if returned and rnd.random() < 0.6 else ("no" if returned else ""),
            non_participation_reason=rnd.choice(["left", "no response", ""]) if returned else "",
            overall_grade=overall if returned else "",
            **{f"grade_{s}": (rnd.choice([*GRADES, "N/A"]) if returned else "") for s in STANDARDS},
        )
        rows.append(r)
    returned_rows = [r for r in rows if r["status"] == "returned"]
    for k, r in enumerate(returned_rows[:moderated]):
        r["moderated"] = "yes"
        worse = GRADES[min(GRADES.index(r["overall_grade"]) + 1, 3)] if r["overall_grade"] != "Inadequate" else "Requires Improvement"
        r["moderated_grade"] = worse if k < changed else r["overall_grade"]
    for r in rows:
        if r["sw_participated"] != "no":
            r["non_participation_reason"] = ""
    return rows


CRAFTED = {
    "one month sample of 20": dict(n=20, areas={"Central": 8, "East": 7, "West": 5}),
    "one area with one audit": dict(n=21, areas={"Central": 8, "East": 7, "West": 5, "16+": 1}),
    "all moderated unchanged but one": dict(n=20, areas={"Central": 10, "West": 10}, moderated=12, changed=1),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_crafted_small_files_stay_protected(case, tmp_path):
    rows = crafted("2021-10", seed=7, **CRAFTED[case])  # type: ignore[arg-type]
    out = run_wider(write_rows(tmp_path / "audits.csv", rows), tmp_path, ("2021-10", "2021-10"))
    assert small_shown(out) == []
    assert narrow(out) == {}
    words = sentences_of(out)
    assert not SMALL_IN_WORDS.search(words), SMALL_IN_WORDS.search(words)
    if case == "one area with one audit":
        area = pd.read_csv(out / "tables" / "returns_by_area.csv", dtype=str).set_index("service_area")
        assert area.loc["16+", "returned"] == "c" and area.loc["16+", "distributed"] == "c"
    if case == "all moderated unchanged but one":
        mod = pd.read_csv(out / "tables" / "moderation.csv", dtype=str)
        assert (mod["count"].eq("c") & mod["outcome"].eq("downgraded")).any()
        assert "11 kept" not in words  # same = 11 with 12 moderated would give the one downgrade


def test_months_at_their_edges_publish_protected(tmp_path):
    """September nothing returned, October every audit exempt, November one audit (voice N/A), and the
    November cohort's earlier month: a wider run still publishes, with nothing recoverable."""
    unreturned = {"status": "not_returned", "overall_grade": "", "sw_participated": "", **{f"grade_{s}": "" for s in STANDARDS}}

    def rows(n: int, month: str, **kw: str) -> list[dict[str, str]]:
        return [
            row(audit_id=f"{month}-{k}", audit_month=month, child_id=f"CH-{month}-{k}", social_worker_id=f"SW-{k}", **kw) for k in range(n)
        ]

    data = (
        rows(6, "2021-09", **unreturned)
        + rows(5, "2021-10", **(unreturned | {"status": "exempt"}))
        + rows(6, "2021-05", cohort="cin")
        + rows(1, "2021-11", cohort="cin", grade_voice="N/A")
    )
    out = run_wider(write_rows(tmp_path / "audits.csv", data), tmp_path, ("2021-09", "2021-11"))
    assert small_shown(out) == []
    assert narrow(out) == {}
    returns = pd.read_csv(out / "tables" / "returns.csv", dtype=str).set_index("audit_month")
    assert returns.loc["2021-11", "returned"] == "c"  # the one audit
    assert returns.loc["2021-09", "returned"] == "0"  # zero is shown: it says nothing about a person


def test_a_wider_pack_carries_no_auditor_level_figure(demo_wider):
    """Auditor consistency is for the QA team: no auditor's code, shift or calibration note in a wider pack."""
    for path in [p for p in demo_wider.rglob("*") if p.is_file() and p.suffix in {".html", ".csv", ".json"}]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"Auditor [A-Z]{1,2}\b", text) and "calibration conversation" not in text, path.name


def test_implied_counts_are_protected_as_promised(demo_wider):
    """Issue 25: "not returned" per area (distributed 9, returned 5 shown: 4 not returned) and N/A per standard
    (graded 37 of 38 returned) could be read off. Wherever both counts of a difference are shown, the
    difference is 0 or at least min_count (5)."""
    by_area = pd.read_csv(demo_wider / "tables" / "returns_by_area.csv", dtype=str)
    shown = by_area[(by_area["distributed"] != "c") & (by_area["returned"] != "c")]
    gaps = shown["distributed"].astype(int) - shown["returned"].astype(int)
    assert ((gaps == 0) | (gaps >= 5)).all(), shown[(gaps > 0) & (gaps < 5)]
    returns = pd.read_csv(demo_wider / "tables" / "returns.csv", dtype=str)
    shown = returns[(returns["distributed"] != "c") & (returns["returned"] != "c")]
    gaps = shown["distributed"].astype(int) - shown["returned"].astype(int)
    assert ((gaps == 0) | (gaps >= 5)).all()
    standards = pd.read_csv(demo_wider / "tables" / "standards.csv", dtype=str)
    monthly = returns.groupby("audit_month")["returned"].agg(lambda s: "c" if (s == "c").any() else str(sum(int(x) for x in s)))
    for _, r in standards.iterrows():
        returned = monthly.get(r["audit_month"], "c")
        if r["graded"] != "c" and returned != "c":
            gap = int(returned) - int(r["graded"])
            assert gap == 0 or gap >= 5, (r["audit_month"], r["standard"], gap)


def test_the_wider_register_hides_numbers_in_the_qa_leads_words():
    """Issue 25: the wider pack published the register unchecked ("the 2 children in 16+ graded inadequate").
    Numbers in its words are hidden; a service area's own name (16+) and the dates stay."""
    from qa_lib.disclosure.published import HIDDEN_NUMBER, without_numbers
    from qa_lib.sections.themes.actions import Actions
    from qa_lib.sections.themes.register import Action

    action = Action(
        "A1",
        "2021-10",
        "voice",
        "Review the 2 children in 16+ graded inadequate",
        "Head of Service",
        "2021-12-15",
        "done",
        "2021-12-01",
        "3 of 4 files now hold the voice; 75% done",
    )
    out = without_numbers(Actions(register=(action,), is_register=True), ("16+", "West"))
    a = out.register[0]
    assert a.action == f"Review the {HIDDEN_NUMBER} children in 16+ graded inadequate"
    assert a.evidence == f"{HIDDEN_NUMBER} of {HIDDEN_NUMBER} files now hold the voice; {HIDDEN_NUMBER} done"
    assert (a.due, a.done_date, a.raised_month) == ("2021-12-15", "2021-12-01", "2021-10")
    old = without_numbers(Actions(themes=({"theme": "Voice (4 cases)", "actions": ["See the 3 children"]},)), ())
    assert old.themes[0] == {"theme": f"Voice ({HIDDEN_NUMBER} cases)", "actions": [f"See the {HIDDEN_NUMBER} children"]}
