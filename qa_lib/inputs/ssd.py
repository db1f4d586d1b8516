"""Reading a Standard Safeguarding Dataset extract (data contract section 6): Data to Insight's national data
model for children's social care, one CSV per object in a folder, as a council's SQL scripts write it.

Only the columns the contract names are read (the CSV parser is told which, so names, dates of birth and
addresses in the same files never become values in memory); every row is checked, every problem is listed
in one pass by file, spreadsheet row and column, and no ID's value is ever quoted. Rows whose person (or
referral, or CLA episode) is not found are set aside and counted by file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qa_lib.errors import QAPackError, bounded
from qa_lib.inputs.load import Problem, ValidationReport
from qa_lib.inputs.params import SsdSettings

RUN, SAMPLE = "run", "sample"


@dataclass(frozen=True)
class ObjectSpec:
    """What the pack reads from one SSD object's CSV."""

    needed_by: frozenset[str]
    columns: tuple[str, ...]  # read; missing = an error (but see `either` and `optional`)
    start: str | None = None  # the row's start date (never blank)
    end: str | None = None  # its end date (blank = still open; never before the start)
    person: str | None = None  # never blank
    either: tuple[str, ...] = ()  # at least one of these columns present, and not both blank on a row
    optional: tuple[str, ...] = ()  # read when present
    old: dict[str, str] = field(default_factory=dict)  # current name -> the older SSD name read in its place

    @property
    def dates(self) -> tuple[str, ...]:
        return tuple(c for c in (self.start, self.end) if c)


SPEC: dict[str, ObjectSpec] = {
    "ssd_person": ObjectSpec(frozenset({RUN, SAMPLE}), ("pers_person_id",)),
    "ssd_cin_episodes": ObjectSpec(
        frozenset({RUN, SAMPLE}),
        ("cine_referral_id", "cine_person_id", "cine_referral_date", "cine_close_date"),
        start="cine_referral_date",
        end="cine_close_date",
        person="cine_person_id",
    ),
    "ssd_cp_plans": ObjectSpec(
        frozenset({RUN, SAMPLE}),
        ("cppl_person_id", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        start="cppl_cp_plan_start_date",
        end="cppl_cp_plan_end_date",
        person="cppl_person_id",
    ),
    "ssd_cla_episodes": ObjectSpec(
        frozenset({RUN, SAMPLE}),
        ("clae_person_id", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
        start="clae_cla_episode_start_date",
        end="clae_cla_episode_ceased_date",
        person="clae_person_id",
        optional=("clae_cla_id",),
        old={"clae_cla_episode_start_date": "clae_cla_episode_start", "clae_cla_episode_ceased_date": "clae_cla_episode_ceased"},
    ),
    "ssd_cla_placement": ObjectSpec(
        frozenset({RUN}),
        ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
        start="clap_cla_placement_start_date",
        end="clap_cla_placement_end_date",
        either=("clap_person_id", "clap_cla_id"),
    ),
    "ssd_cin_plans": ObjectSpec(
        frozenset({SAMPLE}),
        ("cinp_person_id", "cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
        start="cinp_cin_plan_start_date",
        end="cinp_cin_plan_end_date",
        person="cinp_person_id",
        old={"cinp_cin_plan_start_date": "cinp_cin_plan_start", "cinp_cin_plan_end_date": "cinp_cin_plan_end"},
    ),
    "ssd_involvements": ObjectSpec(
        frozenset({SAMPLE}),
        (
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_professional_team",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
        ),
        start="invo_involvement_start_date",
        end="invo_involvement_end_date",
        either=("invo_person_id", "invo_referral_id"),
    ),
    "ssd_department": ObjectSpec(frozenset(), ("dept_team_id", "dept_team_name", "dept_team_parent_name")),
}

# Dates in the rows used, of which the latest is the extract date when params do not give one (section 6.2).
EXTRACT_DATE_COLUMNS = {
    "ssd_cin_episodes": ("cine_referral_date", "cine_close_date"),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
}


class SsdInvalid(QAPackError):
    """The SSD extract broke the data contract (section 6): every problem, by file, row and column."""


@dataclass(frozen=True)
class SsdExtract:
    """An extract's objects, checked: each frame holds the columns read (dates as datetime64, IDs as text),
    the spreadsheet row of each row (`row`), and a `person` column for rows tied to a child. `set_aside`
    counts, by file, the rows whose person, referral or CLA episode was not found (used for nothing)."""

    folder: Path
    frames: dict[str, pd.DataFrame]
    set_aside: dict[str, int]
    after_extract_date: int  # dates after params' extract date (used as they are)
    extract_date: dt.date | None  # params' `ssd: extract_date`, or the latest date in the rows used

    def frame(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def persons(self) -> set[str]:
        return set(self.frames["ssd_person"]["pers_person_id"])


def _key(header: str) -> str:
    return header.strip().lower()


def _blank(values: pd.Series) -> pd.Series:
    """Text with blank cells (empty, spaces only or NULL in any case) as missing, the rest trimmed."""
    text = values.astype("string").str.strip()
    return text.mask(text.eq("") | text.str.upper().eq("NULL"))


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(io.StringIO(handle.readline())), [])


def _dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`YYYY-MM-DD`, with any time after it (after a space or a T) ignored. Returns the dates and a mask of
    the cells that are given but are not such a date."""
    day = values.str.slice(0, 10)
    rest = values.str.slice(10)
    parsed = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
    tail_ok = rest.isna() | rest.eq("") | rest.str.match(r"^[ T]")
    bad = values.notna() & (parsed.isna() | ~tail_ok.fillna(True))
    return parsed.where(~bad), bad


def read_ssd(folder: Path, need: str, today: dt.date | None = None, extract_date: dt.date | None = None) -> SsdExtract:
    """The extract in `folder` for `need` (`run` or `sample`), checked against section 6; SsdInvalid lists every
    problem found, by file, row and column, never a value."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SsdInvalid(f"{folder.name}: the SSD extract folder was not found; expected a folder of ssd_*.csv files")
    today = today or dt.date.today()
    reports: list[ValidationReport] = []
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in SPEC.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            if need in spec.needed_by:
                reports.append(
                    ValidationReport(f"{name}.csv", problems=[Problem(1, name, "this file is needed and was not found in the folder")])
                )
            continue
        report, frame = _read_object(path, name, spec, today)
        if report.problems:
            reports.append(report)
        if frame is not None:
            frames[name] = frame
    if not reports:
        reports += _cross_checks(frames)
    if reports:
        raise SsdInvalid(bounded("\n".join(r.render() for r in reports), 6000))
    set_aside = _tie_to_persons(frames)
    latest = _latest_date(frames)
    x = extract_date or latest
    after = 0
    if extract_date is not None:
        ts = pd.Timestamp(extract_date)
        after = sum(int((f[c] > ts).sum()) for n, f in frames.items() for c in SPEC[n].dates)
    return SsdExtract(folder, frames, set_aside, after, x)


def read_configured(settings: SsdSettings, need: str, folder: Path | None = None) -> SsdExtract:
    """The extract params `ssd:` name (or `folder`, given on the command line), with params' extract date."""
    where = folder or settings.folder
    if where is None:
        raise SsdInvalid("no SSD extract folder: set params ssd: folder, or give --ssd FOLDER")
    x = settings.extract_date
    return read_ssd(Path(where), need, extract_date=dt.date.fromisoformat(x) if x else None)


def _read_object(path: Path, name: str, spec: ObjectSpec, today: dt.date) -> tuple[ValidationReport, pd.DataFrame | None]:
    report = ValidationReport(path.name)
    try:
        header = _header(path)
    except (OSError, UnicodeDecodeError):
        report.problems.append(Problem(1, name, "the file cannot be read as UTF-8 CSV"))
        return report, None
    present = {_key(h): h for h in header}
    chosen: dict[str, str] = {}  # canonical name -> header as written
    for col in spec.columns:
        found = present.get(col) or present.get(spec.old.get(col, "\0"))
        if found is None:
            report.problems.append(Problem(1, col, "this column is needed and was not found"))
        else:
            chosen[col] = found
    for col in (*spec.optional, *spec.either):
        if col in present:
            chosen[col] = present[col]
    if spec.either and not any(c in present for c in spec.either):
        report.problems.append(Problem(1, " or ".join(spec.either), "one of these columns is needed and neither was found"))
    if report.problems:
        return report, None
    wanted = set(chosen.values())
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=lambda h: h in wanted, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        report.problems.append(Problem(1, name, "the file cannot be read as CSV (a row with the wrong number of cells?)"))
        return report, None
    frame = pd.DataFrame({canonical: _blank(raw[written]) for canonical, written in chosen.items()})
    frame["row"] = np.arange(2, len(frame) + 2)
    report.rows_read = len(frame)
    problems = report.problems

    def flag(mask: pd.Series, column: str, expected: str) -> None:
        for r in frame.loc[mask.fillna(False).astype(bool), "row"]:
            problems.append(Problem(int(r), column, expected))

    if name == "ssd_person":
        ids = frame["pers_person_id"]
        flag(ids.isna(), "pers_person_id", "a person ID; it is blank")
        flag(ids.notna() & ids.duplicated(keep="first"), "pers_person_id", "each person once; this ID is on an earlier row too")
    if name == "ssd_cin_episodes":
        ids = frame["cine_referral_id"]
        flag(ids.isna(), "cine_referral_id", "a referral ID; it is blank")
        flag(ids.notna() & ids.duplicated(keep="first"), "cine_referral_id", "each referral once; this ID is on an earlier row too")
    if spec.person:
        flag(frame[spec.person].isna(), spec.person, "a person ID; it is blank")
    if spec.either:
        present_cols = [c for c in spec.either if c in frame.columns]
        flag(frame[present_cols].isna().all(axis=1), " or ".join(spec.either), "a person or an ID to find the person by; both are blank")
    limit = pd.Timestamp(today)
    if spec.start:
        flag(frame[spec.start].isna(), spec.start, "a start date; it is blank")
    for col in spec.dates:
        parsed, bad = _dates(frame[col])
        flag(bad, col, "a date as YYYY-MM-DD")
        flag(parsed > limit, col, "a date no later than today; it is in the future")
        frame[col] = parsed
    if spec.start and spec.end:
        flag(frame[spec.end] < frame[spec.start], spec.end, "an end date on or after the row's start date")
    problems.sort(key=lambda p: (p.row, p.column))
    return report, frame


def _cross_checks(frames: dict[str, pd.DataFrame]) -> list[ValidationReport]:
    """One CLA episode ID on the episodes of two persons."""
    episodes = frames.get("ssd_cla_episodes")
    if episodes is None or "clae_cla_id" not in episodes.columns:
        return []
    given = episodes[episodes["clae_cla_id"].notna()]
    persons = given.groupby("clae_cla_id")["clae_person_id"].transform("nunique")
    bad = given[persons > 1]
    if bad.empty:
        return []
    report = ValidationReport("ssd_cla_episodes.csv", rows_read=len(episodes))
    report.problems += [
        Problem(int(r), "clae_cla_id", "a CLA episode ID belonging to one person; it is on another person's episode too")
        for r in bad["row"]
    ]
    return [report]


def _tie_to_persons(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Every row's `person`: its own person column, else through its referral (involvements) or CLA episode
    (placements); rows whose person is not in ssd_person, or whose referral or episode is not found, are set
    aside (dropped) and counted by file."""
    persons = set(frames["ssd_person"]["pers_person_id"])
    set_aside: dict[str, int] = {}
    episodes = frames.get("ssd_cin_episodes")
    cla = frames.get("ssd_cla_episodes")
    for name, frame in list(frames.items()):
        spec = SPEC[name]
        if name in ("ssd_person", "ssd_department"):
            continue
        if spec.person:
            person = frame[spec.person]
        elif name == "ssd_involvements":
            by_referral = dict(zip(episodes["cine_referral_id"], episodes["cine_person_id"])) if episodes is not None else {}
            own = frame["invo_person_id"] if "invo_person_id" in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")
            via = frame["invo_referral_id"].map(by_referral) if "invo_referral_id" in frame.columns else own
            person = own.fillna(via)
        else:  # placements: through the CLA episode ID, when their own person is blank
            own = frame["clap_person_id"] if "clap_person_id" in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="string")
            if "clap_cla_id" in frame.columns and cla is not None and "clae_cla_id" in cla.columns:
                by_episode = cla.dropna(subset=["clae_cla_id"]).drop_duplicates("clae_cla_id").set_index("clae_cla_id")["clae_person_id"]
                person = own.fillna(frame["clap_cla_id"].map(by_episode))
            else:
                person = own
        keep = person.notna() & person.isin(persons)
        if (~keep).any():
            set_aside[f"{name}.csv"] = int((~keep).sum())
        frames[name] = frame.assign(person=person.astype("string"))[keep.to_numpy()].reset_index(drop=True)
    return set_aside


def _latest_date(frames: dict[str, pd.DataFrame]) -> dt.date | None:
    latest = [frames[n][c].max() for n, cols in EXTRACT_DATE_COLUMNS.items() if n in frames for c in cols]
    latest = [d for d in latest if pd.notna(d)]
    return max(latest).date() if latest else None


def open_on(frame: pd.DataFrame, start: str, end: str, day: pd.Timestamp | pd.Series) -> pd.Series:
    """Open on `day` (section 6): start on or before it, and no end or an end after it (a row ending on the
    day is not open on it; one starting on it is)."""
    return (frame[start] <= day) & (frame[end].isna() | (frame[end] > day))
