"""Drawing a month's audit sample from the caseload, reproducibly (section 1 of the reference report).

Rules, applied in this order and each counted, overall and by service area:
1. one row per child: a child with several plans counts under the highest (params plan_precedence);
2. in the cohort: the child's plan type (and assessment outcome, where the cohort rule names one);
3. not audited in the `window_months` months before the month (any audit drawn, whatever its status);
4. not on the exclusions list in params;
5. at most one child per social worker, chosen at random (seeded) among that worker's eligible children,
   "to offer the opportunity of a consultation to the widest number of staff";
6. an optional cap on the sample size, shared across service areas in proportion to what is left.
Exclusions come before the choice of one child per worker, so that an excluded child never
costs a worker their audit. The same inputs and seed give the same sample, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qa_lib.errors import QAPackError
from qa_lib.files import check_private_file, record_written, write_private_text
from qa_lib.inputs.params import Params
from qa_lib.inputs.period import add_months
from qa_lib.inputs.schema import base_columns, grade_after_moderation

ALL = "All service areas"


@dataclass
class Sample:
    """A drawn sample (audits-file rows), with the count of children left after each rule."""

    sample: pd.DataFrame
    summary: pd.DataFrame  # step, rule, service_area, before, excluded, after
    month: str
    cohort: str
    seed: int


def highest_plans(caseload: pd.DataFrame, precedence: tuple[str, ...]) -> pd.DataFrame:
    """One row per child: the row of the child's highest plan (first in `precedence`), first row on a tie."""
    rank = {p: i for i, p in enumerate(precedence)}
    ranked = caseload.assign(_rank=caseload["plan_type"].map(rank).fillna(len(rank)))
    ranked = ranked.sort_values(["child_id", "_rank", "source_row"], kind="stable")
    return ranked.drop_duplicates("child_id").drop(columns="_rank").sort_values("source_row").reset_index(drop=True)


def in_cohort(children: pd.DataFrame, rule: dict[str, tuple[str, ...]]) -> pd.Series:
    """Children whose plan type (and, where the rule names it, assessment outcome) match the cohort rule."""
    mask = children["plan_type"].str.lower().isin(rule["plan_type"])
    if rule.get("assessment_outcome"):
        mask &= children["assessment_outcome"].str.strip().str.lower().isin(rule["assessment_outcome"])
    return mask


def due_for_reaudit(history: pd.DataFrame, month: str, grades: tuple[str, ...], after: int) -> dict[str, str]:
    """Children whose returned audit `after` months before `month` ended with one of `grades` (the
    moderator's grade where the audit was moderated, else the auditor's), with that audit's cohort: a
    re-audit is filed under the cohort it re-audits, never the month's."""
    when = add_months(month, -after)
    past = history[(history["audit_month"] == when) & (history["status"] == "returned")] if len(history) else history
    if past.empty:
        return {}
    due = past[grade_after_moderation(past).isin(grades)]
    return dict(zip(due["child_id"], due["cohort"]))


def recently_audited(history: pd.DataFrame, month: str, window: int) -> set[str]:
    """Children drawn into any audit in the `window` months before `month` (month - window to month - 1)."""
    first = add_months(month, -window)
    recent = history[(history["audit_month"] >= first) & (history["audit_month"] < month)]
    return set(recent["child_id"])


def _fair_shares(available: pd.Series, cap: int, rng: np.random.Generator) -> pd.Series:
    """Split `cap` across areas in proportion to what each has (largest remainder), never above what it has."""
    total = int(available.sum())
    if cap >= total:
        return available.copy()
    exact = available * cap / total
    shares = np.floor(exact).astype(int)
    remainder = (exact - shares).to_numpy()
    order = np.lexsort((rng.random(len(shares)), -remainder))  # largest remainder first, random among ties
    for i in order[: cap - int(shares.sum())]:
        shares.iloc[i] += 1
    return shares


def draw(
    caseload: pd.DataFrame, history: pd.DataFrame, month: str, cohort: str, params: Params, seed: int, practice_week: bool = False
) -> Sample:
    """Apply the rules in order and draw the month's sample; with `practice_week`, each service area to the
    size params `sampling: practice_week` gives it (a stratified draw) instead of the cap."""
    settings = params.sampling
    if cohort not in settings.cohort_rules:
        raise QAPackError(f"cohort {cohort!r} has no rule in params cohort_rules; expected one of {', '.join(settings.cohort_rules)}")
    rng = np.random.default_rng(seed)
    areas = list(params.service_areas)
    steps: list[tuple[str, pd.DataFrame]] = []

    children = highest_plans(caseload, settings.plan_precedence)
    steps.append(("Open children in the caseload (each under their highest plan)", children))
    children = children[in_cohort(children, settings.cohort_rules[cohort])]
    steps.append((f"In the cohort: {params.cohorts.get(cohort, cohort)}", children))
    recent = recently_audited(history, month, settings.window_months)
    children = children[~children["child_id"].isin(recent)]
    steps.append((f"Not audited in the {settings.window_months} months before {month}", children))
    children = children[~children["child_id"].isin(set(settings.exclusions))]
    steps.append(("Not on the exclusions list in params", children))
    ordered = children.sort_values(["social_worker_id", "child_id"], kind="stable")
    # Among a worker's children, the one audited least recently (never audited first); ties by the seed.
    child_last = history.groupby("child_id")["audit_month"].max() if len(history) else pd.Series(dtype=str)
    ordered = ordered.assign(_last=ordered["child_id"].map(child_last).astype("string").fillna(""), _key=rng.random(len(ordered)))
    ordered = ordered.sort_values(["social_worker_id", "_last", "_key"], kind="stable")
    chosen = ordered.groupby("social_worker_id", sort=True).head(1) if len(ordered) else ordered
    children = chosen.drop(columns=["_last", "_key"])
    steps.append((f"One child per social worker (the one audited least recently; ties at random, seed {seed})", children))
    sizes = settings.practice_week if practice_week else None
    if practice_week and not sizes:
        raise QAPackError("--practice-week: no sizes set; give params sampling: practice_week: {<service area>: <number>, ...}")
    if sizes or settings.max_sample is not None:
        per_area = children.groupby("service_area").size()
        shares = (
            pd.Series({a: min(int(n), int(per_area.get(a, 0))) for a, n in sizes.items()})
            if sizes
            else _fair_shares(per_area, int(settings.max_sample or 0), rng)
        )
        # Within an area, the workers with the fewest audits in the past year come first, then those audited
        # least recently (never audited before anyone audited), ties at random by the seed: over a year every
        # worker has an audit before anyone has two.
        year = history[(history["audit_month"] >= add_months(month, -12)) & (history["audit_month"] < month)] if len(history) else history
        worker_n = year.groupby("social_worker_id").size() if len(year) else pd.Series(dtype="int64")
        worker_last = history.groupby("social_worker_id")["audit_month"].max() if len(history) else pd.Series(dtype=str)
        kept = []
        for area, group in children.sort_values(["service_area", "social_worker_id"]).groupby("service_area", sort=True):
            ranked = group.assign(
                _n=group["social_worker_id"].map(worker_n).fillna(0).astype("int64"),
                _last=group["social_worker_id"].map(worker_last).astype("string").fillna(""),
                _key=rng.random(len(group)),
            )
            first = ranked.sort_values(["_n", "_last", "_key"], kind="stable").head(int(shares.get(area, 0)))
            kept.append(group.loc[sorted(first.index, key=list(group.index).index)])
        children = pd.concat(kept) if kept else children.iloc[0:0]
        how = "(workers with the fewest and oldest audits first)"
        if sizes:
            wanted = ", ".join(f"{a} {n}" for a, n in sizes.items())
            steps.append((f"Practice week: drawn by service area to the sizes in params ({wanted}) {how}", children))
        else:
            steps.append((f"Cap of {settings.max_sample}, shared across service areas {how}", children))

    if settings.reaudit_grades:  # cases graded so are audited again, on top of the month's draw
        due = due_for_reaudit(history, month, settings.reaudit_grades, settings.reaudit_after_months)
        open_now = steps[0][1]
        added = open_now[open_now["child_id"].isin(list(due)) & ~open_now["child_id"].isin(children["child_id"])]
        added = added.assign(reaudit="yes", audit_cohort=added["child_id"].map(due))
        children = pd.concat([children.assign(reaudit="no", audit_cohort=cohort), added])
        when = add_months(month, -settings.reaudit_after_months)
        steps.append((f"Added for re-audit: graded {', '.join(settings.reaudit_grades)} in {when} and still open", children))

    summary = _summary(steps, areas)
    in_cohort_n = len(steps[1][1])
    if in_cohort_n == 0:
        raise QAPackError(
            f"no child in the caseload is in the cohort {cohort!r} ({params.cohorts.get(cohort, cohort)}) "
            f"by the rule in params; nothing was drawn and no file was written"
        )
    if children.empty:
        rule = next(r for r, frame in steps if frame.empty)
        raise QAPackError(
            f"no child is left to draw for {cohort!r} in {month}: {in_cohort_n} in the cohort, none left after "
            f"the rule '{rule}'; no file was written"
        )
    return Sample(sample=_as_audits(children, month, cohort, params), summary=summary, month=month, cohort=cohort, seed=seed)


def _summary(steps: list[tuple[str, pd.DataFrame]], areas: list[str]) -> pd.DataFrame:
    rows = []
    previous = None
    for k, (rule, frame) in enumerate(steps, start=1):
        counts = frame.groupby("service_area").size().reindex(areas, fill_value=0)
        before = previous if previous is not None else counts
        for area in [ALL, *areas]:
            after = int(counts.sum()) if area == ALL else int(counts[area])
            prior = int(before.sum()) if area == ALL else int(before[area])
            row = {"step": k, "rule": rule, "service_area": area, "before": prior, "excluded": max(0, prior - after), "after": after}
            rows.append({**row, "added": max(0, after - prior)})  # only the re-audit step adds
        previous = counts
    return pd.DataFrame(rows)


def _as_audits(children: pd.DataFrame, month: str, cohort: str, params: Params) -> pd.DataFrame:
    """The sample as an audits file in contract format: status not_returned, everything else to fill in."""
    drawn = children.sort_values(["service_area", "social_worker_id", "child_id"], kind="stable").reset_index(drop=True)
    columns = base_columns(params)
    out = pd.DataFrame("", index=drawn.index, columns=columns)
    out["audit_id"] = [f"{month}-{cohort}-{k + 1:03d}" for k in range(len(drawn))]
    out["audit_month"] = month
    out["cohort"] = drawn["audit_cohort"].to_numpy() if "audit_cohort" in drawn else cohort
    for col in ("child_id", "social_worker_id", "service_area", "team"):
        out[col] = drawn[col].to_numpy()
    out["status"] = "not_returned"
    out = out[[c for c in columns if c in out.columns]]
    if "reaudit" in drawn:  # params reaudit: which rows are re-audits (an extra column the contract allows)
        out["reaudit"] = drawn["reaudit"].to_numpy()
    return out


SAMPLE_MARKER = ".qa-pack-sample.json"


def check_sample_path(out: Path) -> None:
    """Refuse a sample path that could put children's names beside a report or overwrite someone's file:
    it must be a .csv file name, outside every run folder, and new (or a sample this command wrote)."""

    check_private_file(out, "a sample", "sample.csv", "qa-pack sample", SAMPLE_MARKER, siblings=("sampling_summary.csv", MANIFEST))


MANIFEST = "sample_manifest.json"


def _fingerprint(path: Path, sha256: Callable[[Path], str]) -> dict[str, object]:
    """An input file's name and SHA-256; for an SSD extract folder, each of its ssd_*.csv files'."""
    if path.is_dir():
        return {"folder": path.name, "files": {f.name: sha256(f) for f in sorted(path.glob("ssd_*.csv"))}}
    return {"file": path.name, "sha256": sha256(path)}


def sample_manifest(result: Sample, params: Params, inputs: dict[str, Path]) -> dict[str, object]:
    """What defends a draw later: the input files' SHA-256, month, cohort and seed, the rules as params set
    them, and the count after each step. No identifier (the exclusions list is counted, not copied)."""
    from qa_lib.files import file_sha256

    s = params.sampling
    overall = result.summary[result.summary["service_area"] == ALL]
    return {
        "written_by": "qa-pack sample",
        "month": result.month,
        "cohort": result.cohort,
        "seed": result.seed,
        "inputs": {name: _fingerprint(Path(p), file_sha256) for name, p in inputs.items()},
        "rules": {
            "plan_precedence": list(s.plan_precedence),
            "cohort_rule": {k: list(v) for k, v in s.cohort_rules[result.cohort].items()},
            "window_months": s.window_months,
            "exclusions": len(s.exclusions),
            "max_sample": s.max_sample,
            "practice_week": dict(s.practice_week) if any("Practice week" in str(r) for r in overall["rule"]) else None,
        },
        "steps": [{"step": int(r.step), "rule": r.rule, "after": int(r.after)} for r in overall.itertuples()],
        "drawn": len(result.sample),
    }


def write_sample(result: Sample, out: str | Path, manifest: dict[str, object] | None = None) -> tuple[Path, Path]:
    """Write the sample (the only output carrying identifiers, readable by its owner only),
    sampling_summary.csv and, when given, sample_manifest.json beside it. Each file is written whole or not
    at all."""
    out = Path(out)
    check_sample_path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    summary_path = out.with_name("sampling_summary.csv")

    record_written(
        out.parent, SAMPLE_MARKER, {out.name, summary_path.name, *([MANIFEST] if manifest is not None else [])}, "qa-pack sample"
    )
    for frame, path in ((result.sample, out), (result.summary, summary_path)):
        write_private_text(path, frame.to_csv(index=False, lineterminator="\n"))
    if manifest is not None:
        write_private_text(out.with_name(MANIFEST), json.dumps(manifest, indent=1))
    return out, summary_path
