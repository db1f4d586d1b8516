"""Section 2.3, for the QA team only: how consistently each auditor grades, judged by moderation.

For every moderated audit, the shift is how far the moderator moved the auditor's overall grade, in grade steps:
+1 when the moderator graded one step higher (better: Requires Improvement to Good), -1 one step lower. An
auditor whose audits moderators keep moving up may be grading harshly; down, generously. Over the trend window
(a year gives each auditor enough moderated audits), each auditor with at least MIN_MODERATED moderated audits
gets their mean shift, shrunk towards the team's mean (a few audits say little, so they are pulled most), and
is compared with the team, not with zero: when moderators move everyone's grades one way (a team-wide shift),
that says something about moderation, not about any one auditor. `qa_lib.stats.against_team` gives each
auditor's difference from the team with an interval that allows for chance, for how uncertain the spread
between auditors is, and for how many auditors are compared (a parametric bootstrap, simultaneous 95%). People
are never ranked: auditors appear as stable pseudonymous codes in code order, and words name only those whose
interval excludes zero.

Auditors are never named. `auditor_codes` gives each ID a code (Auditor A, B, ...) in the order the auditors
first appear in the audits file's history, so codes stay the same from run to run while the history is kept;
the key from code to ID is written only where the QA lead asks (`qa-pack auditors --key FILE`). No figure here
reaches the highlight report, the e-mail, the tables folder or a wider pack.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qa_lib.files import check_private_file, install_secret, record_written, write_private_text
from qa_lib.inputs.period import Period, RunMonths
from qa_lib.sections.grades.moderation import RANK
from qa_lib.stats import Z_95, Z_998, team_comparison

MIN_MODERATED = 5  # fewer moderated audits than this: the auditor is left out (too few to say anything)
BAND = 5  # an auditor's number of moderated audits is shown in bands this wide: an exact count could single them out


def band(n: int) -> str:
    """The band an auditor's count is shown in ("20 to 24"): someone who knows each auditor's caseload cannot
    match a code to a person by a count shown exactly (issue 25)."""
    low = (int(n) // BAND) * BAND
    return f"{low} to {low + BAND - 1}"


def band_middle(n: int) -> float:
    """Where a banded count is drawn on the funnel plot: the middle of its band."""
    return (int(n) // BAND) * BAND + (BAND - 1) / 2


def letters(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as a spreadsheet names its columns."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _tiebreak(auditor: str, secret: bytes) -> str:
    """Auditors first seen in the same month are ordered by a keyed hash of their ID (HMAC-SHA256 with this
    install's secret), never by the ID itself nor by a hash anyone could compute from the IDs."""
    return hmac.new(secret, auditor.encode("utf-8"), hashlib.sha256).hexdigest()


def auditor_codes(audits: pd.DataFrame, extra: list[str] | None = None, secret: bytes | None = None) -> dict[str, str]:
    """Each auditor ID's pseudonymous code ("Auditor A", ...): in order of the month the auditor first appears
    in the audits file (ties by a keyed hash of the ID, with the install's secret), then any `extra` IDs not in
    it (a calibration exercise's), in their order. Stable across runs while the audits file keeps its history."""
    seen = (
        audits.loc[audits["auditor_id"].astype(str).str.strip().ne(""), ["auditor_id", "audit_month"]] if "auditor_id" in audits else None
    )
    order: list[str] = []
    if seen is not None and not seen.empty:
        first = seen.assign(auditor_id=seen["auditor_id"].astype(str).str.strip()).groupby("auditor_id")["audit_month"].min().to_dict()
        key = secret if secret is not None else install_secret()
        order = sorted(first, key=lambda a: (first[a], _tiebreak(a, key)))  # a dict: a Series look-up took 10 µs, per auditor
    known = set(order)
    for a in extra or []:
        if a not in known:
            order.append(a)
            known.add(a)
    return {a: f"Auditor {letters(i)}" for i, a in enumerate(order)}


def moderation_shifts(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Returned, moderated audits in the months with an auditor: auditor_id and shift (moderator's grade minus
    the auditor's, in steps; + = the moderator graded higher)."""
    m = audits[audits["audit_month"].isin(months) & audits["status"].eq("returned") & audits["moderated"]]
    if "auditor_id" not in m:
        return pd.DataFrame({"auditor_id": pd.Series(dtype=str), "shift": pd.Series(dtype=int)})
    m = m[m["auditor_id"].astype(str).str.strip().ne("") & m["moderated_grade"].isin(RANK.keys()) & m["overall_grade"].isin(RANK.keys())]
    # Rank 0 = Outstanding: a better grade is a lower rank. As integers even when no audit was moderated (an
    # empty text column maps to an empty text column, which cannot be subtracted).
    shift = m["overall_grade"].map(RANK).astype("int64") - m["moderated_grade"].map(RANK).astype("int64")
    return pd.DataFrame({"auditor_id": m["auditor_id"].astype(str).str.strip(), "shift": shift.astype(int)})


@dataclass(frozen=True)
class AuditorConsistency:
    """Each auditor's grade shift under moderation, by code only (never an ID). `table`: code, moderated,
    raw mean, shrunk mean, `difference` from the team's mean shift with its simultaneous 95% interval
    (`low`, `high`) and `stands_out` (that interval excludes zero), in code order;
    `team_mean` the team's mean shift; `months` the window; `left_out` auditors with too few moderated audits;
    `funnel` the points and limits of shift against number moderated."""

    months: tuple[str, ...]
    table: pd.DataFrame
    team_mean: float
    within: float
    left_out: int
    funnel: pd.DataFrame


def consistency(audits: pd.DataFrame, months: list[str], codes: dict[str, str]) -> AuditorConsistency | None:
    """Auditor consistency over the months; None when the file records no auditor."""
    if "auditor_id" not in audits or not audits["auditor_id"].astype(str).str.strip().ne("").any():
        return None
    shifts = moderation_shifts(audits, months)
    per = shifts.groupby("auditor_id")["shift"].agg(["size", "mean", "var"])
    left_out = int((per["size"] < MIN_MODERATED).sum())
    per = per[per["size"] >= MIN_MODERATED]
    per.index = per.index.map(codes)
    per = per.loc[sorted(per.index, key=lambda c: (len(c), c))]  # code order: Auditor B before Auditor AA
    columns = ["code", "moderated", "raw_mean", "shrunk", "difference", "low", "high", "stands_out"]
    if len(per) < 2:
        table = pd.DataFrame({"code": list(per.index), "moderated": per["size"].astype(int).tolist(), "raw_mean": per["mean"].tolist()})
        nan = float("nan")
        table = table.reindex(columns=columns)
        return AuditorConsistency(tuple(months), table, nan, nan, left_out, _funnel(table, nan, nan))
    within_ss = float((per["var"] * (per["size"] - 1)).sum())  # each auditor's squared distances from their own mean
    found = team_comparison(list(per.index), per["size"].to_numpy(float), per["mean"].to_numpy(float), within_ss)
    g = found.groups
    table = pd.DataFrame(
        {
            "code": g["group"],
            "moderated": g["n"],
            "raw_mean": g["raw_mean"],
            "shrunk": g["shrunk"],
            "difference": g["effect"],  # from the team's mean shift, allowing for chance
            "low": g["low"],
            "high": g["high"],
            "stands_out": g["stands_out"].astype(bool),  # the interval for the difference excludes zero (as shown)
        }
    )
    return AuditorConsistency(tuple(months), table, found.mean, found.within, left_out, _funnel(table, found.mean, found.within))


def _funnel(table: pd.DataFrame, centre: float, within: float) -> pd.DataFrame:
    """Each auditor's raw mean shift against moderated audits, with the team mean and its 95% and 99.8% limits
    (centre +- z sigma / sqrt(n)) at that n: a funnel plot, so a few audits far from the centre are read as
    the chance they may be."""

    sd = within**0.5 if within == within else float("nan")
    n = table["moderated"].astype(float)
    return pd.DataFrame(
        {
            "code": table["code"],
            "moderated": table["moderated"],
            "mean_shift": table["raw_mean"],
            "centre": centre,
            "sd": sd,
            "lower95": centre - Z_95 * sd / n**0.5,
            "upper95": centre + Z_95 * sd / n**0.5,
            "lower998": centre - Z_998 * sd / n**0.5,
            "upper998": centre + Z_998 * sd / n**0.5,
            "stands_out": table["stands_out"].fillna(False).astype(bool),  # the table's reading, allowing for how many are compared
        }
    )


KEY_MARKER = ".qa-pack-auditor-keys.json"


def key_table(codes: dict[str, str]) -> pd.DataFrame:
    """The key from pseudonymous code to auditor ID, in code order: for the QA lead alone."""
    return pd.DataFrame({"code": list(codes.values()), "auditor_id": list(codes)})


def write_key(codes: dict[str, str], out: Path) -> Path:
    """The key as CSV at `out`, under the rules for files that identify people (`qa_lib.files`):
    only where asked, never inside a report folder, never over someone's file, whole or not at all, mode 0600."""

    out = Path(out).absolute()
    check_private_file(out, "the auditor key", "auditor_key.csv", "qa-pack auditors", KEY_MARKER)
    record_written(out.parent, KEY_MARKER, {out.name}, "qa-pack auditors")
    write_private_text(out, key_table(codes).to_csv(index=False, lineterminator="\n"))
    return out


def table_file(c: AuditorConsistency | None) -> pd.DataFrame:
    """Every auditor's consistency figures, by code in code order, for the QA team's private file: the grades
    report lists only those who differ once there are many."""
    columns = ["code", "moderated_band", "raw_mean", "difference", "low", "high", "stands_out"]
    if c is None or c.table.empty:
        return pd.DataFrame(columns=columns)
    t = c.table
    return pd.DataFrame(
        {
            "code": t["code"],
            "moderated_band": [band(n) for n in t["moderated"]],  # banded, as on the page: a count could single someone out
            "raw_mean": t["raw_mean"].round(2),
            "difference": t["difference"].round(2),
            "low": t["low"].round(2),
            "high": t["high"].round(2),
            "stands_out": t["stands_out"].fillna(False).astype(bool),
        }
    )[columns]


def write_table(audits: pd.DataFrame, period: Period, codes: dict[str, str], out: Path) -> tuple[Path, int]:
    """The consistency table over the period's 12-month window (as the grades report has it) as CSV at `out`,
    under the rules for the QA lead's private files; the path and the number of auditors in it."""
    out = Path(out).absolute()
    check_private_file(out, "the auditors' table", "auditors.csv", "qa-pack auditors", KEY_MARKER)
    months = RunMonths.of(period, set(audits["audit_month"].unique()))
    frame = table_file(consistency(audits, list(months.trend_with_data), codes))
    record_written(out.parent, KEY_MARKER, {out.name}, "qa-pack auditors")
    write_private_text(out, frame.to_csv(index=False, lineterminator="\n"))
    return out, len(frame)
