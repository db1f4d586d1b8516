"""Audits files of any size (vectorised).

From the demo year as it is, comments, strengths and learning included, with each copy's IDs kept distinct:
dense months (a regional roll-up: the demo year repeated across many councils in the same twelve months, so a
million rows is about 83,000 audits a month and 14,000 auditors) and a long history (the demo year repeated
across councils and years, so each month stays small). And synthetic columns (`synthetic_audits`): the same
dense shape drawn at random, without free text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_lib.inputs.demo import demo_audits


def scaled_audits(rows: int, dense: bool = False) -> pd.DataFrame:
    """`rows` audit rows: copies of the demo year, each a different council (IDs prefixed); with `dense`,
    every copy keeps the demo's months (2021), otherwise the copies also spread over ten years."""
    base = demo_audits()
    copies = -(-rows // len(base))
    frame = pd.concat([base] * copies, ignore_index=True).iloc[:rows].copy()
    copy = np.repeat(np.arange(copies), len(base))[:rows]
    council, year = (copy, np.zeros_like(copy)) if dense else (copy // 10, copy % 10)
    prefix = pd.Series(council, dtype="int64").astype(str).radd("L").add("-")
    for col in ("audit_id", "child_id", "social_worker_id", "auditor_id"):
        frame[col] = prefix + frame[col] + "-" + pd.Series(year).astype(str)
    month = frame["audit_month"].str.slice(5, 7)
    frame["audit_month"] = (2021 + pd.Series(year)).astype(str) + "-" + month
    return frame


def synthetic_audits(rows: int, seed: int = 29) -> pd.DataFrame:
    """`rows` audits of 2021 drawn at random column by column (no free text): one auditor per 70 audits, a
    social worker per 3, a child per audit, a fifth moderated, grades as the demo's mix."""
    from qa_lib.inputs.demo import STANDARDS

    rng = np.random.default_rng(seed)
    grades = np.array(["Outstanding", "Good", "Requires Improvement", "Inadequate"])
    mix = [0.05, 0.45, 0.4, 0.1]
    k = np.arange(rows)
    returned = rng.random(rows) < 0.85
    overall = np.where(returned, grades[rng.choice(4, rows, p=mix)], "")
    moderated = returned & (rng.random(rows) < 0.2)
    frame = pd.DataFrame(
        {
            "audit_id": pd.Series(k).astype(str).radd("AUD-"),
            "audit_month": np.array([f"2021-{m:02d}" for m in range(1, 13)])[k % 12],
            "cohort": np.array(["cin", "cp", "cla"])[k % 3],
            "child_id": pd.Series(k).astype(str).radd("CH-"),
            "social_worker_id": pd.Series(k // 3).astype(str).radd("SW-"),
            "service_area": np.array(["16+", "CCHDT", "Central", "East", "Keighley & Shipley", "South", "West"])[rng.integers(0, 7, rows)],
            "auditor_id": pd.Series(rng.integers(0, max(1, rows // 70), rows)).astype(str).radd("AU-"),
            "status": np.where(returned, "returned", "not_returned"),
            "sw_participated": np.where(returned, np.where(rng.random(rows) < 0.8, "yes", "no"), ""),
            "overall_grade": overall,
            **{f"grade_{s}": np.where(returned, grades[rng.choice(4, rows, p=mix)], "") for s in STANDARDS},
            "moderated": np.where(moderated, "yes", "no"),
            "moderated_grade": np.where(moderated, grades[rng.choice(4, rows, p=mix)], ""),
        }
    )
    frame.loc[frame["sw_participated"].eq("no"), "non_participation_reason"] = "Leave"
    return frame


def scaled_ssd(folder, persons: int = 50_000, involvements: int = 200_000, seed: int = 7) -> None:
    """A large council's SSD extract (data contract section 6): `persons` children, each with one CIN episode
    (most open), a plan for some, and `involvements` involvements (one allocated worker each, the rest other
    roles and ended ones); names and dates of birth in the person file, as a real extract has them."""
    from pathlib import Path

    rng = np.random.default_rng(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ids = pd.Series(np.arange(persons)).astype(str).radd("P")
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 2900, persons), unit="D")
    start = days.strftime("%Y-%m-%d")
    closed = rng.random(persons) < 0.4
    close = (days + pd.to_timedelta(rng.integers(30, 400, persons), unit="D")).strftime("%Y-%m-%d").where(closed, "")
    pd.DataFrame({"pers_person_id": ids, "pers_forename": "Name", "pers_surname": "Surname", "pers_dob": "2012-01-01"}).to_csv(
        out / "ssd_person.csv", index=False
    )
    pd.DataFrame({"cine_referral_id": ids.radd("R"), "cine_person_id": ids, "cine_referral_date": start, "cine_close_date": close}).to_csv(
        out / "ssd_cin_episodes.csv", index=False
    )
    some = rng.random(persons)
    for name, prefix, mask in (("ssd_cp_plans", "cppl", some < 0.2), ("ssd_cin_plans", "cinp", (some >= 0.2) & (some < 0.55))):
        span = "cp_plan" if prefix == "cppl" else "cin_plan"
        pd.DataFrame(
            {f"{prefix}_person_id": ids[mask], f"{prefix}_{span}_start_date": start[mask], f"{prefix}_{span}_end_date": ""}
        ).to_csv(out / f"{name}.csv", index=False)
    cla = some >= 0.85
    pd.DataFrame(
        {
            "clae_person_id": ids[cla],
            "clae_cla_episode_start_date": start[cla],
            "clae_cla_episode_ceased_date": "",
            "clae_cla_id": ids[cla].radd("C"),
        }
    ).to_csv(out / "ssd_cla_episodes.csv", index=False)
    pd.DataFrame(
        {"clap_person_id": ids[cla], "clap_cla_id": "", "clap_cla_placement_start_date": start[cla], "clap_cla_placement_end_date": ""}
    ).to_csv(out / "ssd_cla_placement.csv", index=False)
    who = np.concatenate([np.arange(persons), rng.integers(0, persons, involvements - persons)])
    role = np.where(
        np.arange(involvements) < persons, "Allocated Case Worker", rng.choice(["Team Manager", "Allocated Case Worker"], involvements)
    )
    areas = ["16+", "CCHDT", "Central", "East", "Keighley & Shipley", "South", "West", "Safeguarding and Review"]
    team = pd.Series(rng.integers(0, 24, involvements)).map(lambda t: f"T{t:02d}")
    pd.DataFrame(
        {
            "invo_professional_id": pd.Series(rng.integers(0, 2000, involvements)).astype(str).radd("SW-"),
            "invo_professional_role_id": role,
            "invo_professional_team": team,
            "invo_involvement_start_date": start.to_numpy()[who],
            "invo_involvement_end_date": np.where(rng.random(involvements) < 0.3, close.to_numpy()[who], ""),
            "invo_person_id": ids.to_numpy()[who],
        }
    ).to_csv(out / "ssd_involvements.csv", index=False)
    pd.DataFrame(
        {
            "dept_team_id": [f"T{t:02d}" for t in range(24)],
            "dept_team_name": [f"Team {t}" for t in range(24)],
            "dept_team_parent_name": [areas[t % 8] for t in range(24)],
        }
    ).to_csv(out / "ssd_department.csv", index=False)
