"""`qa-pack calibrate`: a calibration exercise's report, built and published like a monthly run.

The calibration file is checked once and its figures computed once (`qa_lib.sections.calibration`); the
notebook `calibration.ipynb` receives the figures (auditors as codes, never IDs) through the run's private work
folder and is run by papermill in a worker, like the monthly notebooks. The report and
`tables/calibration_agreement.csv` are built beside the output folder and swapped into place only when
everything has succeeded; a failed or interrupted run leaves the last good report as it was.
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from qa_lib import __version__
from qa_lib.errors import QAPackError, RunFailed, RunInterrupted
from qa_lib.files import file_sha256
from qa_lib.inputs import resources
from qa_lib.inputs.handoff import write_figures
from qa_lib.inputs.params import Params
from qa_lib.run.execute import NotebookJob, Workers, WorkerSetup
from qa_lib.run.messages import say
from qa_lib.run.publish import check_out_dir, finish, new_build, output_entries, publishing_lock
from qa_lib.run.reader_check import check_outputs
from qa_lib.run.runner import RunResult
from qa_lib.run.workspace import Interrupted, private_workdir, remove_stale, signals_held, signals_interrupt, temp_files_in
from qa_lib.sections.calibration.figures import calibration_figures, contract_table, identifiers_of

NOTEBOOK = "calibration"


def calibrate(
    params: Params, calibration: Path, out: Path, audits: Path | None = None, quiet: bool = False, notebooks_dir: Path | None = None
) -> RunResult:
    """Check the calibration file, run `calibration.ipynb`, publish `calibration.html` and its table into `out`."""
    notebooks_dir = notebooks_dir or params.notebooks_dir or resources.notebooks_dir()
    if not (notebooks_dir / f"{NOTEBOOK}.ipynb").is_file():
        raise QAPackError(f"no notebook {NOTEBOOK}.ipynb in {notebooks_dir}")
    out = Path(out).resolve()
    try:
        with signals_interrupt():
            inputs = {"calibration file": calibration, "params file": params.source, "audits file": audits or params.audits}
            check_out_dir(out, inputs, "internal")
            remove_stale()
            with publishing_lock(out):
                check_out_dir(out, {}, "internal")
                return _calibrate(params, calibration, out, audits, quiet, notebooks_dir)
    except Interrupted as exc:
        raise RunInterrupted(out, exc.exit_code) from None


def _calibrate(params: Params, calibration: Path, out: Path, audits: Path | None, quiet: bool, notebooks_dir: Path) -> RunResult:
    build = new_build(out)
    try:
        figures = calibration_figures(params, calibration, audits)  # a bad file stops here, before any kernel starts
        with private_workdir() as work, temp_files_in(work):  # every library's temporary files in the private folder
            workers = Workers(1, WorkerSetup(work, params.kernel_name, notebooks_dir))
            try:
                handoff = write_figures(figures, work)
                job = NotebookJob(
                    name=NOTEBOOK,
                    source=notebooks_dir / f"{NOTEBOOK}.ipynb",
                    output=work / f"{NOTEBOOK}.ipynb",
                    html=build / f"{NOTEBOOK}.html",
                    period_label=figures.exercises[-1],
                    parameters={"params_path": str(params.source), "calibration_path": str(handoff)},
                    kernel_name=params.kernel_name,
                    timeout=params.execution_timeout,
                    progress=not quiet and sys.stderr.isatty(),
                )
                say(f"Running {NOTEBOOK}.ipynb on {len(figures.exercises)} exercise(s) ...", quiet)
                wait = workers.run([job])
                tables = build / "tables"
                tables.mkdir()
                table_path = tables / "calibration_agreement.csv"
                contract_table(figures).to_csv(table_path, index=False, encoding="utf-8", lineterminator="\n")
                results = wait()
            except BaseException:
                workers.stop()
                raise
            failures = [err for _, _, err in results if err]
            if failures:
                workers.stop()
                raise RunFailed("; ".join(failures) + f". No report was published and {out} is unchanged.")
            workers.close()
        html = build / f"{NOTEBOOK}.html"
        manifest = {
            "qa_pack_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "kind": "calibration",
            "params_file": str(params.source),
            "input": {
                "file": figures.file,
                "sha256": file_sha256(calibration),
                "rows_read": figures.rows_read,
                "rows_used": figures.rows_used,
                "rows_rejected": figures.rows_rejected,
            },
            "exercises": list(figures.exercises),
            "outputs": output_entries(build, [html, table_path]),
        }
        # The last check: what a reader would see, searched for every ID in the files behind it.
        check_outputs([html, table_path], identifiers_of(params, calibration), params.quotes.redact_names)
        finish(build, out, manifest, params.history_keep)
    except BaseException:
        with signals_held():
            shutil.rmtree(build, ignore_errors=True)
        raise
    return RunResult(out=out, html=[out / html.name], tables=[out / "tables" / table_path.name], manifest=manifest)
