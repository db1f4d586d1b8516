"""The CSV tables and workbook a run writes (data contract, section 3), gathered from each section's tables.
Percentages 0-100 with one decimal; counts integers; blank where a rate has no denominator."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from qa_lib.disclosure.published import SYMBOL, PublishedFigures
from qa_lib.figures import RunFigures
from qa_lib.run import changes as changes_mod
from qa_lib.sections.comparators.tables import comparator_tables
from qa_lib.sections.compliance.tables import compliance_tables
from qa_lib.sections.grades.tables import grades_tables
from qa_lib.sections.standards.tables import standards_tables
from qa_lib.sections.themes.tables import theme_tables
from qa_lib.spc import COLUMNS as SPC_COLUMNS
from qa_lib.stats import round_half_up


def all_tables(figures: RunFigures | PublishedFigures) -> dict[str, pd.DataFrame]:
    """Every table the pack writes, from the run's figures (a wider run: its published figures, where a
    hidden count is c): the contract's, plus themes.csv."""
    f: Any = figures  # the published figures carry the same tables under the same names
    tables = {
        **compliance_tables(f.compliance),
        **grades_tables(f.grades),
        **standards_tables(f.standards),
        **comparator_tables(f.comparators),
        **theme_tables(f.themes),
        "changes": changes_of(figures),
        "spc": spc_of(figures),
        "funnel": funnel_of(figures),
    }
    # What happened next to audited children (an SSD extract given): the QA team's only, never in a wider pack.
    if isinstance(figures, RunFigures) and figures.outcomes is not None:
        tables["outcomes"] = figures.outcomes.table
    return tables


def spc_of(figures: RunFigures | PublishedFigures) -> pd.DataFrame:
    """spc.csv: every p-chart the report reads its trends from. A wider pack has only the charts whose every
    count is shown (the standards' twelve-month charts are not published for a wider audience)."""
    charts: dict[str, pd.DataFrame] = {}
    if isinstance(figures, PublishedFigures):
        from qa_lib.sections.compliance.figures import return_rate_chart
        from qa_lib.sections.grades.figures import good_or_outstanding_chart

        monthly, trend = figures.complete("compliance.monthly"), figures.complete("grades.trend")
        if monthly is not None:
            charts["return_rate"] = return_rate_chart(monthly, list(figures.months.trend_with_data), figures.improvement["return_rate"])
        if trend is not None:
            charts["overall_good_or_outstanding"] = good_or_outstanding_chart(trend, figures.improvement["good_or_outstanding"])
    else:
        charts = {"return_rate": figures.compliance.spc, "overall_good_or_outstanding": figures.grades.spc}
        charts |= {f"standard:{k}": v for k, v in figures.standards.spc.items()}
    frames = [c.assign(measure=name) for name, c in charts.items() if not c.empty]
    columns = ["measure", *SPC_COLUMNS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


FUNNEL_COLUMNS = [
    "measure",
    "service_area",
    "n",
    "count",
    "percent",
    "centre",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "phi",
    "flagged",
]


def funnel_of(figures: RunFigures | PublishedFigures) -> pd.DataFrame:
    """funnel.csv: every funnel plot the report names areas from, with its (widened) limits and phi. A wider
    pack publishes no figures by service area over the period, so it has the columns only."""
    if isinstance(figures, PublishedFigures):
        return pd.DataFrame(columns=FUNNEL_COLUMNS)
    frames = []
    for measure, points in (("return_rate", figures.compliance.funnel), ("overall_good_or_outstanding", figures.grades.funnel)):
        if points.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "measure": measure,
                    "service_area": points["group"],
                    "n": points["denominator"],
                    "count": points["numerator"],
                    "percent": points["percent"],
                    "centre": points["centre"],
                    "lower_95": points["lower95"],
                    "upper_95": points["upper95"],
                    "lower_998": points["lower998"],
                    "upper_998": points["upper998"],
                    "phi": points["phi"],
                    "flagged": points["flagged"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[FUNNEL_COLUMNS] if frames else pd.DataFrame(columns=FUNNEL_COLUMNS)


def changes_of(figures: RunFigures | PublishedFigures) -> pd.DataFrame:
    """changes.csv: from the figures; for a wider pack, only comparisons whose counts are all shown (the
    families are then the standards shown, and say so by their size)."""
    if isinstance(figures, PublishedFigures):
        from qa_lib.disclosure.claims import published_claims

        claims = published_claims(figures)
        families = (
            [changes_mod.month_on_month(claims.shown, claims.moves), changes_mod.first_to_last(claims.shown, claims.trends)]
            if not claims.shown.empty
            else []
        )
        for c in figures.comparators.cohorts:
            rows, cmp, _ = claims.comparisons[c.cohort]
            families.append(changes_mod.comparator(rows, c.cohort, cmp))
        families.append(changes_mod.agreement(figures.grades.agreement_changes))  # only where every count is shown
        return changes_mod.changes_table(families)
    s = figures.standards
    families = [changes_mod.month_on_month(s.table, s.moves), changes_mod.first_to_last(s.table, s.trends)]
    families += [changes_mod.comparator(figures.comparators.comp, c.cohort, c.comparison) for c in figures.comparators.cohorts]
    families.append(changes_mod.agreement(figures.grades.agreement_changes))
    return changes_mod.changes_table(families)


def is_percent(column: str) -> bool:
    return column.startswith("pct_") or column.endswith("_rate") or column in ("percent", "change_points")


def rounded(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Percentages rounded once, half up, to one decimal (the contract's precision); c stays c."""
    out = {}
    for name, frame in tables.items():
        f = frame.copy()
        for col in f.columns:
            if is_percent(col):
                hidden = f[col].astype(str) == SYMBOL
                if hidden.any():
                    values = round_half_up(pd.to_numeric(f[col].mask(hidden), errors="coerce"), 1)
                    f[col] = values.astype(object).mask(hidden, SYMBOL)
                else:
                    f[col] = round_half_up(f[col].astype(float), 1)
        out[name] = f
    return out


RATIO_COLUMNS = ("sigma_z", "phi")  # over-dispersion ratios (spc.csv, funnel.csv), not percentages


def write_tables(tables: dict[str, pd.DataFrame], folder: str | os.PathLike) -> list[Path]:
    """Write each table, as given (pass it through `rounded` first), as <folder>/tables/<name>.csv."""
    out = Path(folder) / "tables"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        exact = [c for c in frame.columns if c.endswith("_value") or c == "q_report"]  # p and q values: four decimals
        ratios = [c for c in frame.columns if c in RATIO_COLUMNS]  # sigma_z and phi: three decimals
        if exact or ratios:
            frame = frame.assign(
                **{c: frame[c].map(lambda v: "" if pd.isna(v) else f"{float(v):.4f}") for c in exact},
                **{c: frame[c].map(lambda v: "" if pd.isna(v) else f"{float(v):.3f}") for c in ratios},
            )
        frame.to_csv(path, index=False, float_format="%.1f", lineterminator="\n")
        paths.append(path)
    return paths


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_workbook(tables: dict[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """Every table as a sheet of one workbook (openpyxl): bold filled headers, frozen header row,
    percentages as numbers with a % format, counts as integers. Text that starts with = + - @ is
    stored as text with Excel's quote prefix, so Excel never runs it as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in tables.items():
        ws = wb.create_sheet(title=name[:31])
        floats = {c for c in frame.columns if is_percent(c)}
        for j, col in enumerate(frame.columns, start=1):
            cell = ws.cell(row=1, column=j, value=str(col))
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="12436D")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(j)].width = max(
                10, min(45, len(str(col)) + 2, *(len(str(v)) + 2 for v in frame[col].head(200)))
            )
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            for j, (col, value) in enumerate(zip(frame.columns, row), start=1):
                cell = ws.cell(row=i, column=j)
                if col in floats and not isinstance(value, str):
                    if not pd.isna(value):
                        cell.value = float(round_half_up(value, 1)) / 100
                        cell.number_format = "0.0%"
                elif isinstance(value, str):
                    cell.value = value
                    if value.startswith(FORMULA_START):
                        cell.data_type = "s"
                        cell.quotePrefix = True
                elif pd.isna(value):
                    continue
                else:
                    cell.value = int(value) if float(value).is_integer() else float(value)
        ws.freeze_panes = "A2"
    wb.properties.creator = "qa-pack"
    wb.properties.created = wb.properties.modified = FIXED_TIME  # no save time: the same figures make the same file
    path = Path(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # wb.save would stamp the clock into the document's properties
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))
    return path


FIXED_TIME = datetime(1980, 1, 1)  # the earliest date a zip member can carry: a workbook is dated by the run, not the file


def _fixed_zip_times(data: bytes) -> bytes:
    """The workbook (a zip) again with every member dated FIXED_TIME: openpyxl stamps each with the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
