"""What happened next to audited children (data contract section 6.2): for each grade group, how many audited
children were followed up for W months after the audit, and how many were re-referred, put on a new child
protection plan, entered care, moved placement (of those looked after) or had their episode closed; with a
test of a trend across the three ordered grade groups. From the council's SSD extract and the audits file."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qa_lib.inputs.schema import grade_after_moderation
from qa_lib.inputs.ssd import SsdExtract, open_on
from qa_lib.stats import TrendTest, bh_q, trend_test, wilson_interval

GROUPS = ("good_or_outstanding", "requires_improvement", "inadequate")
NOT_MATCHED = "not_matched"
GROUP_OF = {"O": GROUPS[0], "G": GROUPS[0], "RI": GROUPS[1], "I": GROUPS[2]}
EVENTS = ("re_referral", "new_cp_plan", "entered_care", "placement_move_of", "placement_move", "closed")
COLUMNS = ["grade_group", "audits_matched", "followed_up", *EVENTS]
# Each rate the report reads: its count and what it is out of (the contract's derived rates, and two more).
RATES = {
    "re_referral": ("re_referral", "followed_up"),
    "new_cp_plan": ("new_cp_plan", "followed_up"),
    "entered_care": ("entered_care", "not_looked_after"),
    "placement_move": ("placement_move", "placement_move_of"),
    "closed": ("closed", "followed_up"),
}


@dataclass(frozen=True)
class OutcomesFigures:
    """`table` is outcomes.csv; `rates` one row per grade group and outcome (count, out of, %, 95% interval);
    `trends` per outcome the trend test across good or outstanding, requires improvement and inadequate."""

    table: pd.DataFrame
    rates: pd.DataFrame
    trends: pd.DataFrame
    follow_up_months: int
    extract_date: str
    audits_counted: int
    set_aside: dict[str, int]  # rows of the extract whose person, referral or CLA episode was not found, by file
    after_extract_date: int = 0  # dates after params' extract date (used as they are)


def _window(audit_month: pd.Series, months: int) -> tuple[pd.Series, pd.Series]:
    """A = the last day of the audit month; E = the last day of the month `months` after it."""
    start = pd.PeriodIndex(audit_month, freq="M")
    return pd.Series(start.to_timestamp(how="end").normalize(), index=audit_month.index), pd.Series(
        (start + months).to_timestamp(how="end").normalize(), index=audit_month.index
    )


def _any_in_window(audits: pd.DataFrame, events: pd.DataFrame, date: str) -> pd.Series:
    """Per audit (its index): whether its child has a `date` in its window A < date <= E."""
    if events.empty:
        return pd.Series(False, index=audits.index)
    joined = audits[["person", "A", "E"]].reset_index(names="audit").merge(events[["person", date]], on="person")
    hit = joined[(joined[date] > joined["A"]) & (joined[date] <= joined["E"])]
    return pd.Series(audits.index.isin(hit["audit"]), index=audits.index)


def _looked_after_on_a(audits: pd.DataFrame, cla: pd.DataFrame) -> pd.Series:
    if cla.empty:
        return pd.Series(False, index=audits.index)
    joined = audits[["person", "A"]].reset_index(names="audit").merge(cla, on="person")
    open_ = open_on(joined, "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", joined["A"])
    return pd.Series(audits.index.isin(joined.loc[open_, "audit"]), index=audits.index)


def _closed(audits: pd.DataFrame, episodes: pd.DataFrame) -> pd.Series:
    """Of the child's CIN episodes open on A, the latest referral (equal dates: lower in the file) closed by E."""
    joined = audits[["person", "A", "E"]].reset_index(names="audit").merge(episodes, on="person")
    joined = joined[open_on(joined, "cine_referral_date", "cine_close_date", joined["A"])]
    latest = joined.sort_values(["audit", "cine_referral_date", "row"]).groupby("audit").tail(1)
    closed = latest[latest["cine_close_date"].notna() & (latest["cine_close_date"] <= latest["E"])]
    return pd.Series(audits.index.isin(closed["audit"]), index=audits.index)


def compute(audits: pd.DataFrame, ssd: SsdExtract, follow_up_months: int, last_month: str) -> OutcomesFigures:
    """outcomes.csv and its rates, from every returned audit up to the period's last month (the whole history:
    a follow-up needs W months to pass); each audit counts, so a child audited twice counts twice."""
    counted = audits[(audits["status"] == "returned") & (audits["audit_month"] <= last_month)].copy()
    counted["group"] = grade_after_moderation(counted).map(GROUP_OF)
    counted["person"] = counted["child_id"].astype(str).str.strip()
    counted["matched"] = counted["person"].isin(ssd.persons)
    counted["A"], counted["E"] = _window(counted["audit_month"], follow_up_months)
    x = pd.Timestamp(ssd.extract_date) if ssd.extract_date else pd.NaT
    counted["followed_up"] = counted["matched"] & (counted["E"] <= x) if pd.notna(x) else False
    f = counted[counted["followed_up"] & counted["group"].notna()]
    looked_after = _looked_after_on_a(f, ssd.frame("ssd_cla_episodes"))
    events = pd.DataFrame(index=f.index)
    events["re_referral"] = _any_in_window(f, ssd.frame("ssd_cin_episodes"), "cine_referral_date")
    events["new_cp_plan"] = _any_in_window(f, ssd.frame("ssd_cp_plans"), "cppl_cp_plan_start_date")
    events["entered_care"] = ~looked_after & _any_in_window(f, ssd.frame("ssd_cla_episodes"), "clae_cla_episode_start_date")
    events["placement_move_of"] = looked_after
    placements = ssd.frames.get("ssd_cla_placement", pd.DataFrame(columns=["person", "clap_cla_placement_start_date"]))
    events["placement_move"] = looked_after & _any_in_window(f, placements, "clap_cla_placement_start_date")
    events["closed"] = _closed(f, ssd.frame("ssd_cin_episodes"))
    events["group"] = f["group"]
    rows = []
    for g in GROUPS:
        mine = counted[counted["group"] == g]
        e = events[events["group"] == g]
        rows.append(
            {
                "grade_group": g,
                "audits_matched": int(mine["matched"].sum()),
                "followed_up": len(e),
                **{k: int(e[k].sum()) for k in EVENTS},
            }
        )
    unmatched = int((~counted["matched"]).sum())
    rows.append({"grade_group": NOT_MATCHED, "audits_matched": unmatched, **{k: None for k in ["followed_up", *EVENTS]}})
    table = pd.DataFrame(rows, columns=COLUMNS)
    for col in COLUMNS[1:]:
        table[col] = table[col].astype("Int64")
    return OutcomesFigures(
        table=table,
        rates=rates(table),
        trends=trends(table),
        follow_up_months=follow_up_months,
        extract_date=x.date().isoformat() if pd.notna(x) else "",
        audits_counted=len(counted),
        set_aside=dict(ssd.set_aside),
        after_extract_date=ssd.after_extract_date,
    )


def _out_of(row: pd.Series, denominator: str) -> int:
    if denominator == "not_looked_after":
        return int(row["followed_up"]) - int(row["placement_move_of"])
    return int(row[denominator])


def rates(table: pd.DataFrame) -> pd.DataFrame:
    """Each grade group's rate of each outcome, with its 95% Wilson interval (NaN where nobody is counted)."""
    out = []
    for _, r in table[table["grade_group"].isin(GROUPS)].iterrows():
        for outcome, (count, denominator) in RATES.items():
            k, n = int(r[count]), _out_of(r, denominator)
            lo, hi = wilson_interval(k, n)
            out.append(
                {
                    "grade_group": r["grade_group"],
                    "outcome": outcome,
                    "count": k,
                    "of": n,
                    "percent": 100 * k / n if n else float("nan"),
                    "lower": lo,
                    "upper": hi,
                }
            )
    return pd.DataFrame(out, columns=["grade_group", "outcome", "count", "of", "percent", "lower", "upper"])


def trends(table: pd.DataFrame) -> pd.DataFrame:
    """Per outcome, Cochran-Armitage's test for a trend across the ordered grade groups (scores 0, 1, 2 from
    good or outstanding to inadequate): exact where a count is small; `q` corrects the five together."""
    grades = table.set_index("grade_group").loc[list(GROUPS)]
    out = []
    for outcome, (count, denominator) in RATES.items():
        ks = [int(grades.at[g, count]) for g in GROUPS]
        ns = [_out_of(grades.loc[g], denominator) for g in GROUPS]
        test: TrendTest = trend_test(ks, ns, [0, 1, 2])
        out.append({"outcome": outcome, "z": test.z, "p": test.p, "exact": test.exact, "n": sum(ns), "slope": test.slope})
    frame = pd.DataFrame(out, columns=["outcome", "z", "p", "exact", "n", "slope"])
    frame["q"] = bh_q(frame["p"].tolist())  # the section's five tests corrected together (Benjamini-Hochberg)
    return frame
