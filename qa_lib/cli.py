"""`qa-pack`: validate, demo, run. A user's mistake is a message and exit status 1, never a traceback.

Each command imports the pack's modules it needs inside the command (pandas, pandera, matplotlib, papermill
and nbconvert come with them), so `qa-pack --help` and a quick command start in a fraction of a second: these
are the command line's imports inside functions."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from qa_lib.errors import QAPackError, RunInterrupted, ValidationFailed, bounded
from qa_lib.inputs import resources
from qa_lib.run.workspace import Interrupted

if TYPE_CHECKING:
    import pandas as pd

    from qa_lib.inputs.load import AuditData
    from qa_lib.inputs.params import Params
    from qa_lib.inputs.period import Period

DEMO_OUT = Path("data") / "demo"  # relative to the folder qa-pack is run from


@click.group(help="Case file audit QA pack: validated audit returns in, QA Highlight Report out.")
@click.version_option(package_name="qa-pack")
def cli() -> None:
    pass


@cli.command(
    help="Check an audits file (or, with --actions, an action register; with --calibration, a calibration file) "
    "against the data contract and list every problem."
)
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--actions", "actions_path", type=click.Path(path_type=Path), default=None, help="An action register to check.")
@click.option("--calibration", "calibration_path", type=click.Path(path_type=Path), default=None, help="A calibration file to check.")
@click.option(
    "--params",
    "params_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Params naming the standards, service areas and cohorts (default: the pack's own pack.yml).",
)
@click.option("--sheet", default=None, help="For .xlsx: the sheet to read (default: the first).")
@click.option("--max-errors", default=50, show_default=True, help="How many problems to print (0 = all).")
def validate(
    file: Path | None,
    actions_path: Path | None,
    calibration_path: Path | None,
    params_path: Path | None,
    sheet: str | None,
    max_errors: int,
) -> None:
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.params import load_params

    params = load_params(params_path or resources.default_params("pack.yml"))
    if calibration_path is not None:
        from qa_lib.sections.calibration.load import load_calibration

        try:
            cal = load_calibration(calibration_path, params)
        except ValidationFailed as exc:
            click.echo(exc.report.render(limit=max_errors or None), err=True)
            sys.exit(1)
        click.echo(
            f"{cal.file}: {cal.rows_read} rows read, {len(cal.frame)} used, {len(cal.rejected)} rejected (blank); "
            f"{len(cal.exercises)} exercise(s), {len(cal.auditors)} auditor(s); no problems found."
        )
        if file is None and actions_path is None:
            return
    if actions_path is not None:
        from qa_lib.sections.themes.actions import load_actions, theme_labels

        found = load_actions(actions_path, set(theme_labels(params)))  # a problem is raised, and said in words
        older = "the older actions shape (no dates or status)"
        kind = f"an action register of {len(found.register)} action(s)" if found.is_register else older
        click.echo(f"{actions_path.name}: {kind}; no problems found.")
        if file is None:
            return
    if file is None:
        raise QAPackError("give an audits FILE to check, --actions FILE for an action register or --calibration FILE")
    try:
        data = load_audits(file, params, sheet=sheet)
    except ValidationFailed as exc:
        click.echo(exc.report.render(limit=max_errors or None), err=True)
        sys.exit(1)
    rejected = (
        f"{data.rows_rejected} rejected (blank rows: {', '.join(str(r) for r, _ in data.rejected[:20])})" if data.rejected else "0 rejected"
    )
    click.echo(f"{data.file}: {data.rows_read} rows read, {data.rows_used} used, {rejected}; no problems found.")
    if data.warnings:
        click.echo(
            f"{len(data.warnings)} row{'s' if len(data.warnings) != 1 else ''} with warnings (the rows are used; "
            "the report's data-quality appendix counts them):"
        )
        kinds: dict[tuple[str, str], list[int]] = {}
        for w in data.warnings:
            kinds.setdefault((w.column, w.message), []).append(w.row)
        for (column, message), at in kinds.items():
            listed = at if not max_errors else at[:max_errors]
            more = f" and {len(at) - len(listed)} more" if len(listed) < len(at) else ""
            noun = "row" if len(at) == 1 else "rows"
            click.echo(f"  warning: {len(at)} {noun}, column {column}: {message} (rows {', '.join(map(str, listed))}{more})")
    if data.after_period:
        click.echo(f"{data.after_period} row(s) are of months after the reporting period: outside this report (not a problem).")


@cli.command(help="Write the synthetic demo year of audits (2021) in contract format (or fill a demo month's forms).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEMO_OUT, show_default=True)
@click.option(
    "--fill-forms",
    "forms_folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Instead: fill the forms in this folder (qa-pack forms) as the demo's auditors would, some left blank, one grade mistyped.",
)
def demo(out_dir: Path, forms_folder: Path | None) -> None:
    from qa_lib.inputs.demo import write_demo

    if forms_folder is not None:
        from qa_lib.inputs.params import load_params
        from qa_lib.sections.sampling.forms import FORMS_MARKER, fill_demo_forms

        if not (Path(forms_folder) / FORMS_MARKER).is_file():
            raise QAPackError(f"{forms_folder} is not a folder qa-pack forms wrote; only the demo's own forms are filled")
        done = fill_demo_forms(forms_folder, load_params(resources.default_params("demo.yml")))
        click.echo("Demo forms filled: " + ", ".join(f"{n} {what}" for what, n in done.items()))
        return
    path = write_demo(out_dir)
    click.echo(f"Demo audits written to {path} (and the demo caseload to {path.with_name('caseload.csv')})")


@cli.command(name="init", help="Write a council's own params into FOLDER to start from (nothing of the demo's in them).")
@click.argument("folder", type=click.Path(path_type=Path))
def init_command(folder: Path) -> None:
    from qa_lib.run.init import init

    written = init(folder)
    click.echo(f"Params for your council written to {folder}: {', '.join(p.name for p in written)}.")
    click.echo(f"Next: fill in the TODO lines and follow {folder / 'CHECKLIST.md'}.")


@cli.command(help="Validate, run the notebooks and publish offline HTML reports and CSV tables.")
@click.option(
    "--params",
    "params_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The run's params YAML (default, when --audits, --from, --to and --out are all given: the pack's demo.yml).",
)
@click.option("--audits", type=click.Path(path_type=Path), default=None, help="Audits file (default: from params).")
@click.option("--from", "period_from", default=None, help="First month, YYYY-MM (default: from params).")
@click.option("--to", "period_to", default=None, help="Last month, YYYY-MM (default: from params).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Output folder (default: from params).")
@click.option("--quiet", is_flag=True, help="Print only the result.")
@click.option("--email", "then_email", is_flag=True, help="After a successful run, send the report by e-mail (params email:).")
@click.option(
    "--commentary",
    "commentary",
    type=click.Path(path_type=Path),
    default=None,
    help="The QA lead's edited commentary (qa-pack commentary --write FILE), used section by section (default: params commentary:).",
)
@click.option(
    "--accept-changed-data", is_flag=True, help="Publish edited commentary even where its figures changed since it was drafted (noted)."
)
@click.option("--no-cache", is_flag=True, help="A cold run: run every notebook; neither read nor write the run cache.")
@click.option(
    "--ssd",
    "ssd_folder",
    type=click.Path(path_type=Path),
    default=None,
    help="The council's SSD extract folder (data contract section 6): what happened next to audited children (default: params ssd:).",
)
def run(
    params_path: Path,
    audits: Path | None,
    period_from: str | None,
    period_to: str | None,
    out_dir: Path | None,
    quiet: bool,
    then_email: bool,
    commentary: Path | None,
    accept_changed_data: bool,
    no_cache: bool,
    ssd_folder: Path | None,
) -> None:
    from dataclasses import replace

    from qa_lib.inputs.params import load_params
    from qa_lib.run.runner import run as run_pack

    if params_path is None:
        if not (audits and period_from and period_to and out_dir):
            raise QAPackError("give --params FILE, or every run setting on the command line: --audits, --from, --to and --out")
        params_path = resources.default_params("demo.yml")
    params = load_params(params_path)
    if ssd_folder is not None:
        params = replace(params, ssd=replace(params.ssd, folder=ssd_folder.resolve()))
    period = _period(params, period_from, period_to)
    result = run_pack(
        params,
        audits=audits,
        period=period,
        out=out_dir,
        quiet=quiet,
        commentary=commentary,
        accept_changed_data=accept_changed_data,
        use_cache=not no_cache,
    )
    click.echo(f"Report written to {result.out}")
    for path in result.html:
        click.echo(f"  {path}")
    click.echo(f"  tables: {result.out / 'tables'} and {result.out / 'tables.xlsx'}")
    if then_email:
        from qa_lib.run.emailer import email_run

        email_run(result.out, params.email, do_send=True, say=click.echo)


def _period_data(
    params_path: Path, audits: Path | None, period_from: str | None, period_to: str | None
) -> tuple[Params, Period, AuditData]:
    """Params, the period (options over params) and the validated audits (--audits over params audits:)."""
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.params import load_params

    params = load_params(params_path)
    period = _period(params, period_from, period_to) or params.require_period()
    source = audits or params.audits
    if source is None:
        raise QAPackError("no audits file: set audits: in params or pass --audits FILE")
    return params, period, load_audits(source, params, sheet=params.sheet, period_end=period.end)


def _period(params: Params, period_from: str | None, period_to: str | None) -> Period | None:
    """The period from --from/--to over params' period (None when neither is given)."""
    from qa_lib.inputs.period import Period

    if not (period_from or period_to):
        return None
    base = params.period
    start = period_from or (base.start if base else None)
    end = period_to or (base.end if base else None)
    if not start or not end:
        raise QAPackError("give both --from and --to (or set period in params)")
    return Period(start, end)


@cli.command(help="Write the drafted commentary, one heading per report section, for the QA lead to edit (then run --commentary).")
@click.option("--params", "params_path", type=click.Path(path_type=Path), required=True, help="The run's params YAML.")
@click.option("--audits", type=click.Path(path_type=Path), default=None, help="Audits file (default: from params).")
@click.option("--from", "period_from", default=None, help="First month, YYYY-MM (default: from params).")
@click.option("--to", "period_to", default=None, help="Last month, YYYY-MM (default: from params).")
@click.option("--write", "target", type=click.Path(path_type=Path), required=True, help="The Markdown file to write (.md).")
def commentary(params_path: Path, audits: Path | None, period_from: str | None, period_to: str | None, target: Path) -> None:
    from qa_lib.commentary.document import write
    from qa_lib.commentary.drafts import drafts
    from qa_lib.figures import compute_all

    params, period, data = _period_data(params_path, audits, period_from, period_to)
    figures = compute_all(data.frame, params, period, data.summary())
    path = write(target, drafts(figures, params, period), data.sha256, (period.start, period.end))
    if params.audience == "wider":  # the same rule as the runner's (qa_lib.run.validate.prepare)
        click.echo(
            f"Commentary drafted for {period.label} written to {path}, from the QA team's figures (counts are not hidden in it). "
            "A wider run does not use commentary (disclosure control cannot check numbers typed into it): "
            "use it with the QA team's params, --commentary " + str(path)
        )
        return
    click.echo(f"Commentary drafted for {period.label} written to {path}: edit it, then run with --commentary {path}")


@cli.command(name="audit-log", help="Write the audit log for inspectors (one row per audit; it names children): only where asked.")
@click.option("--params", "params_path", type=click.Path(path_type=Path), required=True)
@click.option("--audits", type=click.Path(path_type=Path), default=None, help="The audits file (default: params audits:).")
@click.option("--from", "period_from", default=None, help="First month, YYYY-MM (default: params period).")
@click.option("--to", "period_to", default=None, help="Last month, YYYY-MM.")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True, help="A new .xlsx file outside every report folder.")
def audit_log(params_path: Path, audits: Path | None, period_from: str | None, period_to: str | None, out_file: Path) -> None:
    from qa_lib.files import check_private_file
    from qa_lib.run.audit_log import MARKER, audit_log, write_audit_log
    from qa_lib.run.workspace import private_temp
    from qa_lib.sections.themes.actions import load_actions, theme_labels

    check_private_file(out_file, "the audit log", "audit_log.xlsx", "qa-pack audit-log", MARKER)  # before any child's data is read
    with private_temp():  # openpyxl's temporary files name children: only in a private folder, always removed
        params, period, data = _period_data(params_path, audits, period_from, period_to)
        actions = load_actions(params.actions, set(theme_labels(params)))
        log = audit_log(data.frame, params, period, actions.register)
        path = write_audit_log(log, out_file)
    click.echo(f"Audit log of {len(log)} audits ({period.label}) written to {path} (readable by you only; it names children).")


@cli.command(help="Report a calibration exercise: how far auditors agree when they grade the same anonymised cases.")
@click.option("--params", "params_path", type=click.Path(path_type=Path), required=True, help="The params YAML (standards, audits file).")
@click.option("--calibration", type=click.Path(path_type=Path), required=True, help="The calibration file (CSV or .xlsx).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Output folder for calibration.html and tables/.")
@click.option("--audits", type=click.Path(path_type=Path), default=None, help="Audits file for auditors' codes (default: params audits:).")
@click.option("--quiet", is_flag=True, help="Print only the result.")
def calibrate(params_path: Path, calibration: Path, out_dir: Path, audits: Path | None, quiet: bool) -> None:
    from qa_lib.inputs.params import load_params
    from qa_lib.run.calibrate import calibrate as run_calibration

    result = run_calibration(load_params(params_path), calibration, out_dir, audits=audits, quiet=quiet)
    click.echo(f"Calibration report written to {result.out}")
    for path in [*result.html, *result.tables]:
        click.echo(f"  {path}")


@cli.command(
    help="Write, only where asked, the key from auditors' pseudonymous codes (Auditor A, B, ...) to their IDs (--key) "
    "and every auditor's consistency figures by code (--table: the grades report lists only those who differ once "
    "there are more than 40)."
)
@click.option("--params", "params_path", type=click.Path(path_type=Path), required=True)
@click.option("--audits", type=click.Path(path_type=Path), default=None, help="The audits file (default: params audits:).")
@click.option("--calibration", type=click.Path(path_type=Path), default=None, help="A calibration file: its auditors' codes too.")
@click.option("--key", "key_file", type=click.Path(path_type=Path), default=None, help="A new .csv file outside every report folder.")
@click.option("--table", "table_file", type=click.Path(path_type=Path), default=None, help="A new .csv file outside every report folder.")
@click.option("--from", "period_from", default=None, help="First month of the period (YYYY-MM); the table's window ends with it.")
@click.option("--to", "period_to", default=None, help="Last month of the period (YYYY-MM).")
def auditors(
    params_path: Path,
    audits: Path | None,
    calibration: Path | None,
    key_file: Path | None,
    table_file: Path | None,
    period_from: str | None,
    period_to: str | None,
) -> None:
    from qa_lib.files import check_private_file
    from qa_lib.run.workspace import private_temp
    from qa_lib.sections.calibration.load import load_calibration
    from qa_lib.sections.grades.auditors import KEY_MARKER, auditor_codes, write_key, write_table

    if key_file is None and table_file is None:
        raise click.UsageError("give --key FILE, --table FILE or both")
    for path, what, example in ((key_file, "the auditor key", "auditor_key.csv"), (table_file, "the auditors' table", "auditors.csv")):
        if path is not None:  # before anything is read
            check_private_file(path, what, example, "qa-pack auditors", KEY_MARKER)
    with private_temp():  # a spreadsheet library's temporary files: only in a private folder, always removed
        params, period, data = _period_data(params_path, audits, period_from, period_to)
        extra: list[str] = []
        if calibration is not None:
            extra = load_calibration(calibration, params, set(data.frame["child_id"])).auditors
        codes = auditor_codes(data.frame, extra)
        if key_file is not None:
            path = write_key(codes, key_file)
            click.echo(f"Key to {len(codes)} auditor code(s) written to {path} (readable by you only; it names auditors).")
        if table_file is not None:
            path, rows = write_table(data.frame, period, codes, table_file)
            click.echo(f"Consistency figures for {rows} auditor(s), by code, written to {path} (readable by you only).")


@cli.command(help="List the runs published to a folder: the latest and every earlier one kept in its history.")
@click.argument("run_dir", type=click.Path(path_type=Path))
def history(run_dir: Path) -> None:
    from qa_lib.files import run_marker
    from qa_lib.run.history import runs

    if run_marker(run_dir) is None:
        raise QAPackError(f"{run_dir} is not a qa-pack run folder (no marker); give the folder a run published to (--out)")
    click.echo(f"{'made (UTC)':<26} {'period':<20} {'audits file (sha256)':<22} e-mail  folder")
    for entry in runs(run_dir):
        where = "(latest)" if entry.folder == run_dir else entry.folder.relative_to(run_dir).as_posix()
        click.echo(f"{entry.created:<26} {entry.period:<20} {entry.input_sha256[:16]:<22} {entry.sent:<7} {where}")


@cli.command(name="cache", help="Say where the run cache is and what it holds; --clear removes it.")
@click.option("--clear", is_flag=True, help="Remove every page the run cache holds.")
def cache_command(clear: bool) -> None:
    from qa_lib.run import cache

    root = cache.cache_root()
    if clear:
        click.echo(f"Removed the run cache at {root} ({cache.clear(root)} run key(s)).")
        return
    keys = [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    pages = sum(1 for k in keys for _ in k.glob("*.html"))
    click.echo(f"Run cache: {root}: {len(keys)} run key(s), {pages} page(s) (finished reports only; never a row of data).")


@cli.command(help="E-mail a completed run's report. Without --send, only write <run>/email.eml to check.")
@click.option("--run", "run_dir", type=click.Path(path_type=Path), required=True, help="The run's output folder.")
@click.option("--send", "do_send", is_flag=True, help="Send it (SMTP settings from params email:).")
@click.option(
    "--params",
    "params_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Params with the email settings (default: the params the run used).",
)
def email(run_dir: Path, do_send: bool, params_path: Path | None) -> None:
    import json

    from qa_lib.inputs.params import load_params
    from qa_lib.run.emailer import email_run

    if params_path is None:
        manifest_path = run_dir / "manifest.json"
        if not manifest_path.is_file():
            raise QAPackError(f"{run_dir} is not a completed run (no manifest.json): nothing is e-mailed")
        try:
            params_path = Path(json.loads(manifest_path.read_text(encoding="utf-8"))["params_file"])
        except (ValueError, KeyError, TypeError):
            raise QAPackError(f"{run_dir}/manifest.json is damaged or incomplete; pass --params, or run the report again") from None
    settings = load_params(params_path).email
    path = email_run(run_dir, settings, do_send=do_send, say=click.echo)
    if not do_send:
        click.echo(f"Message written to {path} (not sent; add --send to send it)")


@cli.command(help="Draw a month's audit sample from the caseload: cohort, 6-month rule, one child per worker.")
@click.option("--caseload", type=click.Path(path_type=Path), default=None, help="Caseload file (CSV or .xlsx); or --ssd.")
@click.option(
    "--ssd",
    "ssd_folder",
    type=click.Path(path_type=Path),
    default=None,
    help="Draw from the council's SSD extract folder instead of a caseload file (data contract section 6.1).",
)
@click.option("--history", type=click.Path(path_type=Path), required=True, help="Audits file with past samples.")
@click.option("--month", required=True, help="The month to sample, YYYY-MM.")
@click.option("--cohort", required=True, help="Cohort key, e.g. cin.")
@click.option("--seed", default=1, show_default=True, help="Random seed: the same seed gives the same sample.")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Sample file to write (default outputs/samples/<month>-<cohort>/sample.csv); sampling_summary.csv goes beside it.",
)
@click.option(
    "--params",
    "params_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Params with the cohort rules and sampling settings (default: the pack's demo.yml).",
)
@click.option("--practice-week", is_flag=True, help="Draw each service area to the size params sampling: practice_week gives it.")
def sample(
    caseload: Path | None,
    ssd_folder: Path | None,
    history: Path,
    month: str,
    cohort: str,
    seed: int,
    out_file: Path | None,
    params_path: Path | None,
    practice_week: bool,
) -> None:
    from qa_lib.inputs.caseload import load_caseload
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.params import load_params
    from qa_lib.inputs.period import MONTH_RE
    from qa_lib.sections.sampling.figures import check_sample_path, draw, sample_manifest, write_sample

    out_file = out_file or Path("outputs") / "samples" / f"{month}-{cohort}" / "sample.csv"
    check_sample_path(out_file)  # before any child's data is read
    if not MONTH_RE.match(month):
        raise QAPackError("--month is not a month; expected YYYY-MM, e.g. 2022-01")
    from qa_lib.run.workspace import private_temp

    if (caseload is None) == (ssd_folder is None):
        raise QAPackError("give one of --caseload FILE or --ssd FOLDER (the council's SSD extract)")
    params = load_params(params_path or resources.default_params("demo.yml"))
    with private_temp():  # a spreadsheet library's temporary files name children: only in a private folder
        from_ssd = None
        if ssd_folder is not None:
            from qa_lib.sections.sampling.ssd import caseload_from_ssd, read_for_sampling, with_set_aside

            ssd = read_for_sampling(ssd_folder, cohort, params)
            from_ssd = caseload_from_ssd(ssd, month, params.ssd, params.service_areas)
            if from_ssd.after_extract:
                click.echo(f"The extract ends on {ssd.extract_date}, before {from_ssd.day}: the caseload is as at the extract.")
            for reason, n in from_ssd.set_aside:
                if n:
                    click.echo(f"  Set aside from the SSD extract: {n} {reason}")
            placed = f"{len(from_ssd.frame)} placed in the caseload"
            click.echo(f"{from_ssd.open_children} children open on {from_ssd.day} in the SSD extract; {placed}.")
            frame = from_ssd.frame
        else:
            assert caseload is not None
            frame = load_caseload(caseload, params).frame
        past = load_audits(history, params)
        result = draw(frame, past.frame, month, cohort, params, seed, practice_week=practice_week)
        if from_ssd is not None:
            result = with_set_aside(result, from_ssd)
        inputs: dict[str, Path] = {"history": history}
        inputs |= {"ssd": ssd_folder} if ssd_folder is not None else {"caseload": caseload} if caseload is not None else {}
        path, summary = write_sample(result, out_file, sample_manifest(result, params, inputs))
    final = result.summary[result.summary["service_area"] == "All service areas"]
    for _, row in final.iterrows():
        change = f"added {row['added']}" if row.get("added") else f"excluded {row['excluded']}"
        click.echo(f"  {row['step']}. {row['rule']}: {row['after']} ({change})")
    click.echo(f"Sample of {len(result.sample)} written to {path}; summary in {summary}")
    cap = params.sampling.max_sample
    if cap is None:
        per_month = past.frame.groupby("audit_month").size()
        typical = f" (the history's months drew {int(per_month.median())} audits on median)" if len(per_month) else ""
        click.echo(
            f"No cap was set (params sampling: max_sample: null), so every eligible child is in the sample{typical}; "
            "set max_sample to cap it, shared fairly across service areas."
        )
    else:
        click.echo(f"Capped at {cap} (params sampling: max_sample), shared across service areas in proportion.")


@cli.command(help="Write one audit form (.xlsx) per audit in a sample, for auditors to fill in (data contract section 7).")
@click.option("--sample", "sample_path", type=click.Path(path_type=Path), required=True, help="The month's sample (qa-pack sample).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="A new private folder for the forms.")
@click.option("--params", "params_path", type=click.Path(path_type=Path), default=None, help="Params (default: the pack's demo.yml).")
def forms(sample_path: Path, out_dir: Path, params_path: Path | None) -> None:
    from qa_lib.inputs.params import load_params
    from qa_lib.run.workspace import private_temp
    from qa_lib.sections.sampling.forms import write_forms

    params = load_params(params_path or resources.default_params("demo.yml"))
    with private_temp():  # openpyxl's temporary files name children: only in a private folder
        written = write_forms(_read_sample(sample_path), out_dir, params)
    click.echo(f"{len(written)} forms written to {out_dir} (they name children: share each only with its auditor)")


@cli.command(help="Collate returned audit forms into the audits file, with an optional chase list (data contract section 7).")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--sample", "sample_path", type=click.Path(path_type=Path), required=True, help="The sample the forms were written from.")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True, help="The audits file to write (.csv).")
@click.option("--chase", "chase_file", type=click.Path(path_type=Path), default=None, help="Also write the audits not yet returned (.csv).")
@click.option("--skip-invalid", is_flag=True, help="Count forms with problems as not returned (listed), and write the rest.")
@click.option("--params", "params_path", type=click.Path(path_type=Path), default=None, help="Params (default: the pack's demo.yml).")
def collect(folder: Path, sample_path: Path, out_file: Path, chase_file: Path | None, skip_invalid: bool, params_path: Path | None) -> None:
    from qa_lib.files import check_private_file, record_written, write_private_text
    from qa_lib.inputs.forms import collect as collect_forms
    from qa_lib.inputs.params import load_params
    from qa_lib.run.workspace import private_temp

    if not Path(folder).is_dir():
        raise QAPackError(f"{folder} is not a folder of returned forms")
    marker = ".qa-pack-collect.json"
    for path, example in ((out_file, "audits.csv"), *(((chase_file, "chase.csv"),) if chase_file else ())):
        check_private_file(path, "the collated audits" if example == "audits.csv" else "the chase list", example, "qa-pack collect", marker)
    params = load_params(params_path or resources.default_params("demo.yml"))
    with private_temp():
        result = collect_forms(folder, _read_sample(sample_path), params, skip_invalid=skip_invalid)
    record_written(out_file.parent, marker, {out_file.name}, "qa-pack collect")
    write_private_text(out_file, result.audits.to_csv(index=False, lineterminator="\n"))
    if chase_file is not None:
        record_written(chase_file.parent, marker, {chase_file.name}, "qa-pack collect")
        write_private_text(chase_file, result.chase.to_csv(index=False, lineterminator="\n"))
    c = result.counts
    click.echo(
        f"{c['forms read']} forms read: {c['returned']} returned, {c['exempt']} exempt, {c['outstanding']} outstanding; "
        f"{c['lock files skipped']} lock files skipped; {c['problems']} problems"
    )
    if result.invalid_forms:
        click.echo(f"Counted as not returned (--skip-invalid): {', '.join(result.invalid_forms)}")
    click.echo(f"Audits file written to {out_file}" + (f"; chase list to {chase_file}" if chase_file else ""))


def _read_sample(path: Path) -> pd.DataFrame:
    """A sample file as qa-pack sample wrote it (text, nothing converted)."""
    import pandas as pd

    if not Path(path).is_file():
        raise QAPackError(f"{path}: the sample file was not found")
    try:
        sample = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise QAPackError(f"{Path(path).name}: not a sample file qa-pack sample wrote ({type(exc).__name__})") from None
    if "audit_id" not in sample.columns or sample["audit_id"].duplicated().any() or (sample["audit_id"] == "").any():
        raise QAPackError(f"{Path(path).name}: not a sample file qa-pack sample wrote; expected an audit_id for every row, each once")
    return sample


def main() -> None:
    """Entry point: click handles usage errors (exit 2); our errors, the environment's (disk full, read-only,
    permissions) and interruptions print as one bounded message; no input gives a traceback.
    QA_PACK_DEBUG=1 shows the traceback of an unexpected error, for the pack's maintainers."""
    try:
        cli.main(standalone_mode=False)
    except RunInterrupted as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except Interrupted as exc:  # a command outside a run (sample, audit-log, auditors): its private folder is gone
        click.echo("interrupted: nothing was written, and its temporary files are gone", err=True)
        sys.exit(exc.exit_code)
    except ValidationFailed as exc:  # every problem in the file, by row and column (validate sets its own limit)
        click.echo(exc.report.render(), err=True)
        sys.exit(1)
    except QAPackError as exc:
        click.echo(f"Error: {bounded(str(exc), 20_000)}", err=True)
        sys.exit(1)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted: nothing was changed", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except OSError as exc:
        from qa_lib.run.execute import describe_os_error

        click.echo(f"Error: {describe_os_error(exc)}; nothing was published and the last good report is unchanged", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("QA_PACK_DEBUG"):
            raise
        click.echo(
            f"Error: the pack failed unexpectedly ({type(exc).__name__}); nothing was published. "
            "Run again with QA_PACK_DEBUG=1 to see where, and report it to the pack's maintainers.",
            err=True,
        )
        sys.exit(1)


BLAS_THREADS = "OPENBLAS_NUM_THREADS"  # numpy's and scipy's OpenBLAS read it when they load


def one_blas_thread() -> None:
    """One BLAS thread for this command and the processes it starts, unless the user set a number. The pack
    shares out its own work (a thread or worker per core); OpenBLAS's threads, woken by each small matrix
    product (the auditors' bootstrap makes hundreds), spun on the core that work needed: a million realistic
    rows ran 0.4 to 0.8 s quicker with one (`benchmarks/README.md`, 0.16.1). Has no effect once numpy is loaded."""
    os.environ.setdefault(BLAS_THREADS, "1")


def entry() -> None:
    """The `qa-pack` command: `main()`, then out without the interpreter's teardown when it succeeded (`leave`)."""
    one_blas_thread()
    try:
        main()
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise
    leave(0)


def leave(code: int) -> NoReturn:
    """Exit with `code` once every exit handler has run and every stream is flushed, without tearing the
    interpreter down: freeing the ~1,900 modules a run loads, one by one, took about 0.25 s of a run's wall time,
    and the system frees them at once. Exit handlers are what clean up (logging, temporary folders registered
    for exit, multiprocessing); with another thread still alive, Python's own exit waits for it instead."""
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken pipe: nothing more can be said on it
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
