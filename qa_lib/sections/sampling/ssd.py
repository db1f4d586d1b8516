"""The caseload from the council's SSD extract (data contract section 6.1): the children open on the first day
of the month to be sampled, each with their plan type, allocated social worker, team and service area, in the
caseload file's columns, so every sampling rule of section 2 applies unchanged. What cannot be placed is set
aside and counted, never listed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qa_lib.errors import QAPackError
from qa_lib.inputs.params import Params, SsdSettings
from qa_lib.inputs.ssd import SAMPLE, SsdExtract, open_on, read_configured
from qa_lib.sections.sampling.figures import ALL, Sample

CASELOAD_COLUMNS = ["child_id", "social_worker_id", "service_area", "team", "plan_type", "assessment_outcome"]


@dataclass(frozen=True)
class SsdCaseload:
    """`frame` the caseload (section 2's columns); `open_children` how many persons had a CIN episode open on
    the day; `set_aside` (reason, count) for those left out, in order (the first are not among the open
    children: looked after or on a plan with no open episode); `day` the first day of the month."""

    frame: pd.DataFrame
    open_children: int
    set_aside: tuple[tuple[str, int], ...]
    day: str
    after_extract: bool  # the day is after the extract date: the caseload is as at the extract


def _open_persons(frame: pd.DataFrame, start: str, end: str, day: pd.Timestamp) -> set[str]:
    return set(frame.loc[open_on(frame, start, end, day), "person"])


def caseload_from_ssd(ssd: SsdExtract, month: str, settings: SsdSettings, service_areas: tuple[str, ...]) -> SsdCaseload:
    """Section 6.1, on d = the first day of `month`."""
    day = pd.Timestamp(f"{month}-01")
    cin_open = _open_persons(ssd.frame("ssd_cin_episodes"), "cine_referral_date", "cine_close_date", day)
    cla = _open_persons(ssd.frame("ssd_cla_episodes"), "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", day)
    cp = _open_persons(ssd.frame("ssd_cp_plans"), "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", day)
    cin_plan = _open_persons(ssd.frame("ssd_cin_plans"), "cinp_cin_plan_start_date", "cinp_cin_plan_end_date", day)
    persons = [p for p in dict.fromkeys(ssd.frame("ssd_person")["pers_person_id"]) if p in cin_open]

    roles = {r.strip().lower() for r in settings.worker_roles}
    invo = ssd.frame("ssd_involvements")
    invo = invo[open_on(invo, "invo_involvement_start_date", "invo_involvement_end_date", day)]
    invo = invo[invo["invo_professional_role_id"].fillna("").str.strip().str.lower().isin(roles)]
    # The latest start gives the worker; on equal starts the one lower in the file (the later row) wins.
    chosen = invo.sort_values(["person", "invo_involvement_start_date", "row"]).groupby("person").tail(1).set_index("person")

    dept = ssd.frames.get("ssd_department")
    by_id = (
        dept.dropna(subset=["dept_team_id"]).drop_duplicates("dept_team_id").set_index("dept_team_id", drop=False)
        if dept is not None
        else None
    )
    by_name = (
        dept.dropna(subset=["dept_team_name"]).drop_duplicates("dept_team_name").set_index("dept_team_name", drop=False)
        if dept is not None
        else None
    )
    areas = set(service_areas)
    rows, unallocated, no_area = [], 0, 0
    for person in persons:
        if person not in chosen.index or pd.isna(chosen.at[person, "invo_professional_id"]):
            unallocated += 1
            continue
        given = chosen.at[person, "invo_professional_team"]
        given = "" if pd.isna(given) else str(given)
        found = None
        for table in (by_id, by_name):
            if found is None and table is not None and given in table.index:
                found = table.loc[given]
        team = str(found["dept_team_name"]) if found is not None and pd.notna(found["dept_team_name"]) else given
        parent = str(found["dept_team_parent_name"]) if found is not None and pd.notna(found["dept_team_parent_name"]) else ""
        area = settings.service_areas.get(team) or settings.service_areas.get(given) or parent
        if area not in areas:
            no_area += 1
            continue
        plan = "cla" if person in cla else "cp" if person in cp else "cin" if person in cin_plan else "none"
        rows.append(
            {
                "child_id": person,
                "social_worker_id": str(chosen.at[person, "invo_professional_id"]),
                "service_area": area,
                "team": team,
                "plan_type": plan,
                "assessment_outcome": "",
            }
        )
    no_episode = len((cla | cp) - cin_open)
    set_aside = (  # in this order: each count is of the children left by the one before
        ("looked after or on a child protection plan with no open CIN episode", no_episode),
        ("no allocated social worker (no open involvement in a role params ssd: worker_roles names)", unallocated),
        ("no service area, or one not in params (its team is not mapped in params ssd: service_areas)", no_area),
    )
    x = ssd.extract_date
    frame = pd.DataFrame(rows, columns=CASELOAD_COLUMNS)
    frame.insert(0, "source_row", range(2, len(frame) + 2))  # the caseload's own row order, as a file's rows
    return SsdCaseload(
        frame=frame,
        open_children=len(persons),
        set_aside=set_aside,
        day=day.date().isoformat(),
        after_extract=bool(x is not None and day.date() > x),
    )


def read_for_sampling(folder: Path, cohort: str, params: Params) -> SsdExtract:
    """The extract, checked for a draw; refused for a cohort the SSD cannot give (its rule needs the assessment
    outcome, which no object the pack reads carries: the no-plan/NFA cohort)."""
    if "assessment_outcome" in params.sampling.cohort_rules.get(cohort, {}):
        raise QAPackError(
            f"cohort {cohort!r} needs the assessment outcome, which no SSD object the pack reads carries, so it cannot be "
            "drawn from an SSD extract; draw it from a caseload file (--caseload)"
        )
    return read_configured(params.ssd, SAMPLE, folder)


def set_aside_rows(c: SsdCaseload) -> pd.DataFrame:
    """sampling_summary.csv's step 0: each reason a child was set aside when the caseload was drawn from the SSD,
    in order, each count of the children the one before left (counts only)."""
    rows, before = [], c.open_children + c.set_aside[0][1]  # the open children, and those on a plan with no open episode
    for reason, n in c.set_aside:
        row = {
            "step": 0,
            "rule": f"Set aside from the SSD: {reason}",
            "service_area": ALL,
            "before": before,
            "excluded": n,
            "after": before - n,
        }
        rows.append({**row, "added": 0})
        before -= n
    return pd.DataFrame(rows)


def with_set_aside(result: Sample, c: SsdCaseload) -> Sample:
    """The draw with its step 0 rows first."""
    from dataclasses import replace

    return replace(result, summary=pd.concat([set_aside_rows(c), result.summary], ignore_index=True))
