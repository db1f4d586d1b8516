"""Section 2.3: how far auditors' overall grades held up under moderation.

A moderated audit has an overall grade (the auditor's) and a moderated grade.
Outcome: same, upgraded (moderated grade better) or downgraded (worse).
Agreement between auditor and moderator: exact agreement % (Wilson interval), Cohen's kappa with linear
weights and Gwet's AC2 with ordinal weights over the ordered grades O > G > RI > I (each with a 95%
interval), and n. Kappa is known to mislead when grades crowd into two categories (the "kappa paradox");
AC2 is less affected, so both are shown. Under 10 moderated audits, none is reported.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from qa_lib.inputs.schema import GRADES
from qa_lib.stats import Agreement, fisher_exact_p, pct, rating_table, wilson_interval
from qa_lib.stats import agreement as agreement_of

RANK = {g: i for i, g in enumerate(GRADES)}  # 0 = Outstanding ... 3 = Inadequate
MIN_N = 10  # fewer moderated audits than this: agreement is not reported
CAUTION_N = 30  # fewer than this: reported, flagged as a small sample


def moderated_audits(audits: pd.DataFrame, months: list[str], columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Returned, moderated audits in the months, with their outcome: the month, both grades and `columns` (a
    filter copies every column it carries, so only what is read is carried)."""
    keep = audits["audit_month"].isin(months) & audits["status"].eq("returned") & audits["moderated"]
    m = audits.loc[keep, ["audit_month", "overall_grade", "moderated_grade", *columns]]
    before = m["overall_grade"].map(RANK)
    after = m["moderated_grade"].map(RANK)
    outcome = np.select([after == before, after < before], ["same", "upgraded"], default="downgraded")
    return m.assign(outcome=outcome)


def moderation_summary(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per month: returned audits, how many were moderated, and how many stayed the same, went up or down."""
    returned = audits[audits["audit_month"].isin(months) & audits["status"].eq("returned")].groupby("audit_month").size()
    m = moderated_audits(audits, months)
    counts = pd.crosstab(m["audit_month"], m["outcome"]).reindex(index=months, columns=["same", "upgraded", "downgraded"], fill_value=0)
    out = counts.assign(returned=returned.reindex(months, fill_value=0))
    out["moderated"] = out[["same", "upgraded", "downgraded"]].sum(axis=1)
    out = out.rename_axis("audit_month").reset_index()[["audit_month", "returned", "moderated", "same", "upgraded", "downgraded"]]
    return out.astype({c: "int64" for c in out.columns if c != "audit_month"})


def moderation_outcomes(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Contract `moderation.csv`: per month, each from -> to grade pair, its outcome and count."""
    m = moderated_audits(audits, months)
    out = (
        m.groupby(["audit_month", "overall_grade", "moderated_grade", "outcome"])
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"overall_grade": "from_grade", "moderated_grade": "to_grade"})
    )
    out["_f"], out["_t"] = out["from_grade"].map(RANK), out["to_grade"].map(RANK)
    out = out.sort_values(["audit_month", "_f", "_t"]).drop(columns=["_f", "_t"]).reset_index(drop=True)
    return out[["audit_month", "from_grade", "to_grade", "outcome", "count"]].astype({"count": "int64"})


def moderation_matrix(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Auditor's grade (rows) against moderator's grade (columns), counts, every grade shown."""
    m = moderated_audits(audits, months)
    matrix = pd.crosstab(m["overall_grade"], m["moderated_grade"]).reindex(index=list(GRADES), columns=list(GRADES), fill_value=0)
    matrix.index.name, matrix.columns.name = "auditor_grade", "moderated_grade"
    return matrix.astype("int64")


def agreement(audits: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per month and for the whole period: n moderated, exact agreement % (95% CI) and weighted kappa.

    `reading` says plainly whether n is large enough to read anything into.
    """
    rows = []
    for label, ms in [*((m, [m]) for m in months), ("period", months)]:
        m = moderated_audits(audits, ms)
        n, same = len(m), int((m["outcome"] == "same").sum())
        lo, hi = wilson_interval(same, n)
        coef = agreement_of(rating_table(m["overall_grade"], m["moderated_grade"], list(GRADES)))
        if n < MIN_N:
            reading = f"too few moderated audits (n={n}) to read anything into"
            lo, hi = float("nan"), float("nan")
            coef = Agreement(n, *(float("nan"),) * 6)
        elif n < CAUTION_N:
            reading = f"small sample (n={n}): read with caution"
        else:
            reading = f"n={n}"
        rows.append(
            {
                "audit_month": label,
                "moderated": n,
                "agreed": same,
                "exact_agreement": pct(same, n),
                "agreement_low": lo,
                "agreement_high": hi,
                **coefficients(coef),
                "reading": reading,
            }
        )
    return pd.DataFrame(rows)


def coefficients(coef: Agreement) -> dict[str, float]:
    """An agreement's coefficients as table columns: weighted kappa and AC2, each with its 95% interval."""
    return {
        "weighted_kappa": coef.kappa,
        "kappa_low": coef.kappa_low,
        "kappa_high": coef.kappa_high,
        "ac2": coef.ac2,
        "ac2_low": coef.ac2_low,
        "ac2_high": coef.ac2_high,
    }


def standard_agreement(audits: pd.DataFrame, months: list[str], standards: list[str]) -> pd.DataFrame | None:
    """Per practice standard, over the months: moderated audits where auditor and moderator both graded it
    (N/A and blank left out), exact agreement % and weighted kappa and Gwet's AC2 with their 95% intervals.
    None when the file has no `moderated_grade_<standard>` column; nothing read into under MIN_N pairs."""
    present = [k for k in standards if f"moderated_grade_{k}" in audits]
    if not present:
        return None
    m = moderated_audits(audits, months, tuple(c for k in present for c in (f"grade_{k}", f"moderated_grade_{k}")))
    rows = []
    for k in present:
        a, b = m[f"grade_{k}"], m[f"moderated_grade_{k}"]
        both = a.isin(GRADES) & b.isin(GRADES)
        n, same = int(both.sum()), int((a[both] == b[both]).sum())
        coef = agreement_of(rating_table(a[both], b[both], list(GRADES)))
        if n < MIN_N:
            coef = Agreement(n, *(float("nan"),) * 6)
        rows.append(
            {
                "standard": k,
                "pairs": n,
                "agreed": same,
                "exact_agreement": pct(same, n),
                **coefficients(coef),
            }
        )
    return pd.DataFrame(rows)


def lowest_agreement(table: pd.DataFrame | None) -> list[str]:
    """The standards auditors and moderators read differently: at least MIN_N pairs, and AC2's whole 95%
    interval below the median AC2 of the standards (lowest first). Empty when none stands out."""
    if table is None:
        return []
    read = table[table["pairs"] >= MIN_N].dropna(subset=["ac2"])
    if len(read) < 3:
        return []
    middle = float(read["ac2"].median())
    return read[read["ac2_high"] < middle].sort_values(["ac2", "standard"])["standard"].tolist()


def agreement_changes(agree: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Exact agreement from one measured month (at least MIN_N moderated audits) to the next: the change and
    Fisher's exact p (`qa_lib.figures.claims` adds the report-wide q its words follow)."""
    agree = agree[agree["audit_month"].isin(months) & (agree["moderated"] >= MIN_N)]
    a = agree.set_index("audit_month")
    shown = [m for m in months if m in a.index and a.at[m, "moderated"] > 0]
    rows = []
    for prev, month in itertools.pairwise(shown):
        p, c = a.loc[prev], a.loc[month]
        rows.append(
            {
                "previous_month": prev,
                "audit_month": month,
                "previous_agreed": int(p["agreed"]),
                "previous_moderated": int(p["moderated"]),
                "previous_agreement": p["exact_agreement"],
                "agreed": int(c["agreed"]),
                "moderated": int(c["moderated"]),
                "agreement": c["exact_agreement"],
                "change": c["exact_agreement"] - p["exact_agreement"],
                "p": fisher_exact_p(int(c["agreed"]), int(c["moderated"]), int(p["agreed"]), int(p["moderated"])),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "previous_month",
            "audit_month",
            "previous_agreed",
            "previous_moderated",
            "previous_agreement",
            "agreed",
            "moderated",
            "agreement",
            "change",
            "p",
        ],
    )
