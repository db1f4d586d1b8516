"""Benchmarks for the pack (`make bench`). Prints figures; asserts nothing (tests never time anything).

1. Pack vs naive: `qa-pack run --no-cache` on the demo period against the naive way of doing the same work
   on the same notebooks (each notebook run by the `papermill` command line, then converted by
   `jupyter nbconvert --to html --no-input`, one after another), alternating A B A B after a warm-up.
2. Scale: the full `qa-pack run --no-cache` users make on the demo-size file and on 100,000 and 1,000,000 rows,
   realistic (the demo year as it is, comments included, copied as a regional roll-up's councils in the same
   twelve months with each copy's IDs distinct: ~83,000 audits a month and 14,000 auditors at a million rows)
   and synthetic (columns drawn at random, no free text); `--shapes history` adds a long history. Wall time,
   the peak memory of the whole process tree (runner, workers and kernels, sampled every 50 ms with psutil),
   each stage's share of the wall time from the manifest, each notebook's time, the largest page, and the
   ratio to the demo-size run. The demo size and a million realistic rows are each the median of three runs
   (`--runs`): a demo-size run varies by a tenth from one run to the next.
3. The edit loop: a one-line change to the QA lead's commentary, then to the action register, re-run into the
   same folder (one the user made) with the run cache, against a cold run (`--no-cache`); median of ratios. On
   the demo, then on a million realistic rows (`--rerun-rows`).
4. Report size: bytes of each HTML document of a demo run.
5. Wider vs internal: the demo run with `audience: wider` (disclosure control: the protection problem, the
   attacker and the runner's audit) against `audience: internal`, on the same notebook (the highlight report)
   and as users run them (internal publishes five notebooks, wider only the highlight report); alternating.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PARAMS = REPO / "params" / "demo.yml"


def notebooks() -> list[str]:
    sys.path.insert(0, str(REPO))
    from qa_lib.inputs.params import load_params

    return list(load_params(PARAMS).notebooks)


def pack(out: Path, params: Path = PARAMS, *extra: str) -> float:
    """One cold `qa-pack run` (no cache, unless `extra` says otherwise); its wall time."""
    start = time.perf_counter()
    cache = () if "--cache" in extra else ("--no-cache",)
    args = [a for a in extra if a != "--cache"]
    command = [str(BIN / "qa-pack"), "run", "--params", str(params), "--out", str(out), "--quiet", *cache, *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - start


def tree_peak(command: list[str]) -> tuple[float, float]:
    """Run `command`; its wall time and the peak resident memory (MB) of it and every process under it
    (workers and kernels), sampled every 50 ms."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in family:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        peak = max(peak, total)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.wait() != 0:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return wall, peak / 2**20


def naive(folder: Path, names: list[str]) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for name in names:
        executed = folder / f"{name}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(REPO / "notebooks" / f"{name}.ipynb"),
                str(executed),
                "-k",
                "python3",
                "--cwd",
                str(REPO / "notebooks"),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], check=True, capture_output=True)
    return time.perf_counter() - start


def pack_vs_naive(pairs: int, tmp: Path) -> None:
    names = notebooks()
    print(f"1. Pack vs naive: {len(names)} notebooks ({', '.join(names)}), {pairs} pairs after a warm-up, alternating")
    pack(tmp / "warm-pack")
    naive(tmp / "warm-naive", names)
    a, b = [], []
    for i in range(pairs):
        a.append(pack(tmp / f"pack-{i}"))
        b.append(naive(tmp / f"naive-{i}", names))
        print(f"   pair {i + 1}: pack {a[-1]:6.1f} s   naive {b[-1]:6.1f} s   ratio {a[-1] / b[-1]:.2f}", flush=True)
    ratios = [x / y for x, y in zip(a, b)]
    print(
        f"   median pack {statistics.median(a):.1f} s, median naive {statistics.median(b):.1f} s, "
        f"median of pairwise ratios {statistics.median(ratios):.3f} (target <= 0.15), cores {os.cpu_count()}"
    )


# A council's own file is not the demo's: its params carry none of the demo's register, author or recipients.
NOT_THE_DEMOS = "programme: {name: QA Framework, author: QA team}\nactions: null\nemail: {}\n"
STAGES = ("load_and_validate", "figures", "notebooks_and_html", "reader_check")  # one after another
MEANWHILE = ("tables_and_cached_pages", "reader_check_meanwhile")  # made by the runner while the notebooks run


def scale_params(tmp: Path) -> Path:
    path = tmp / "scale.yml"
    path.write_text(f"include: [{PARAMS}]\n" + NOT_THE_DEMOS, encoding="utf-8")
    return path


def one_scale_run(label: str, path: Path, rows: int, out: Path, params: Path, runs: int = 1) -> float:
    """`runs` cold full runs on `path` (a folder each); prints every run's wall time and, for the run of median
    wall time, its peak memory, each stage's share of the wall time, each notebook's time and the largest page.
    Returns the median wall time (a demo-size run varies by a tenth from one run to the next)."""
    import json
    import statistics

    done = []
    for i in range(runs):
        folder = out.with_name(f"{out.name}-{i}")
        cmd = [str(BIN / "qa-pack"), "run", "--params", str(params), "--audits", str(path), "--out", str(folder), "--quiet", "--no-cache"]
        wall, peak = tree_peak(cmd)
        done.append((wall, peak, folder))
    walls = [w for w, _, _ in done]
    wall, peak, folder = sorted(done, key=lambda d: d[0])[(runs - 1) // 2]  # the median run (the lower of two middles)
    t = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["timings_seconds"]
    shares = "  ".join(f"{k} {t.get(k, 0):.1f}s ({100 * t.get(k, 0) / wall:.0f}%)" for k in STAGES)
    rest = wall - sum(t.get(k, 0) for k in STAGES)
    notebooks = ", ".join(f"{k.removeprefix('notebook:')} {v:.1f}s" for k, v in t.items() if k.startswith("notebook:"))
    biggest = max((p.stat().st_size, p.name) for p in folder.glob("*.html"))
    print(f"   {label:<10} {rows:>9,}  {wall:>6.1f}s  {peak:>8,.0f} MB   largest page {biggest[1]} {biggest[0] / 1e6:.2f} MB", flush=True)
    if runs > 1:
        print(f"      median of {runs} runs: {', '.join(f'{w:.1f}s' for w in walls)} (median {statistics.median(walls):.1f}s)")
    meanwhile = ", ".join(f"{k} {t.get(k, 0):.1f}s" for k in MEANWHILE)
    print(f"      stages: {shares}  start, hand-off and publishing {rest:.1f}s ({100 * rest / wall:.0f}%)")
    print(f"      while the notebooks ran, the runner made: {meanwhile}")
    print(f"      notebooks (two workers side by side): {notebooks}", flush=True)
    return statistics.median(walls)


def scale(sizes: list[int], shapes: list[str], tmp: Path, runs: int = 3) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale_data import scaled_audits, synthetic_audits

    from qa_lib.inputs.demo import demo_audits

    params = scale_params(tmp)
    print(
        "2. Scale: the full qa-pack run --no-cache (five notebooks), wall time, peak memory of the process tree, each stage's share;"
        f" the demo size and a million realistic rows the median of {runs} runs"
    )
    path = tmp / "audits_demo.csv"
    demo_audits().to_csv(path, index=False)
    base = one_scale_run("demo size", path, len(demo_audits()), tmp / "scale-demo", params, runs)
    makers = {
        "realistic": lambda n: scaled_audits(n, dense=True),  # the demo year as it is, comments included, IDs distinct per copy
        "history": lambda n: scaled_audits(n, dense=False),
        "synthetic": synthetic_audits,
    }
    for shape in shapes:
        for n in sizes:
            path = tmp / f"audits_{shape}_{n}.csv"
            makers[shape](n).to_csv(path, index=False)
            target = shape == "realistic" and n == 1_000_000
            wall = one_scale_run(shape, path, n, tmp / f"scale-{shape}-{n}", params, runs if target else 1)
            print(f"      {wall / base:.2f}x the demo-size run (target at most 3x at a million realistic rows)", flush=True)
            path.unlink()


def rerun_after_edit(pairs: int, tmp: Path, rows: int = 0) -> None:
    """The QA lead's edit loop: a one-line commentary edit, or a register edit, re-run into the same folder (one the
    user made with mkdir) with the run cache, against a cold run (--no-cache) of the same files. With `rows`, on
    that many realistic rows (the demo year copied as a roll-up, as part 2 makes them) instead of the demo."""
    import re
    import shutil

    where = f"{rows:,} realistic rows" if rows else "the demo"
    print(f"3. Re-run after an edit, into the same folder the user made (cache), vs a cold run (--no-cache), {pairs} pairs each, {where}")
    register = tmp / f"register-{rows}.yml"
    shutil.copy(PARAMS.with_name("register.yml"), register)
    audits: tuple[str, ...] = ()
    if rows:  # a council's own file: not the demo's, so not the demo's register, author or recipients either
        sys.path.insert(0, str(REPO / "benchmarks"))
        from scale_data import scaled_audits

        path = tmp / f"audits_realistic_{rows}.csv"
        scaled_audits(rows, dense=True).to_csv(path, index=False)
        audits = ("--audits", str(path))
        body = register.read_text(encoding="utf-8")
        register.write_text(re.sub(r"(?m)^(  owner: Service Managers).*$", r"\1 (ours)", body, count=1), encoding="utf-8")
        own = tmp / f"own-{rows}.yml"
        own.write_text(f"include: [{PARAMS}]\n" + NOT_THE_DEMOS.replace("actions: null", f"actions: {register}"), encoding="utf-8")
    else:
        own = variant("register", "internal", None, actions=register)
    text = tmp / f"commentary-{rows}.md"
    subprocess.run(
        [str(BIN / "qa-pack"), "commentary", "--params", str(own), *audits, "--write", str(text)], check=True, capture_output=True
    )
    drafted = text.read_text(encoding="utf-8")
    folder = tmp / f"my reports {rows}"
    folder.mkdir()  # the user's own folder
    try:
        for what in ("commentary", "register"):
            pack(folder, own, "--cache", "--commentary", str(text), *audits)  # the first run of the month fills the cache
            cold, warm = [], []
            for i in range(pairs):
                if what == "commentary":
                    line = f"- **Returns:** the QA lead's sentence, edit {i + 1}."
                    text.write_text(re.sub(r"(?m)^- \*\*Returns:\*\*.*$", line, drafted, count=1), encoding="utf-8")
                else:
                    body = register.read_text(encoding="utf-8")
                    register.write_text(re.sub(r"(?m)^(  owner: Service Managers).*$", rf"\1 ({i + 1})", body, count=1), encoding="utf-8")
                warm.append(pack(folder, own, "--cache", "--commentary", str(text), *audits))
                cold.append(pack(tmp / f"cold-{what}-{rows}-{i}", own, "--commentary", str(text), *audits))
                shutil.rmtree(tmp / f"cold-{what}-{rows}-{i}")
                ratio = warm[-1] / cold[-1]
                print(f"   {what} edit {i + 1}: re-run {warm[-1]:5.1f} s   cold {cold[-1]:5.1f} s   ratio {ratio:.2f}", flush=True)
            ratios = [w / c for w, c in zip(warm, cold)]
            print(
                f"   {what}: median re-run {statistics.median(warm):.1f} s, median cold {statistics.median(cold):.1f} s, "
                f"median of pairwise ratios {statistics.median(ratios):.3f} (target <= 0.25)"
            )
    finally:
        own.unlink(missing_ok=True)
        if audits:
            Path(audits[1]).unlink(missing_ok=True)


def sizes_of_reports(tmp: Path) -> None:
    out = tmp / "size-run"
    pack(out)
    print("4. Report size (demo run)")
    for html in sorted(out.glob("*.html")):
        print(f"   {html.name:<24} {html.stat().st_size:>10,} bytes")


def variant(name: str, audience: str, notebooks: str | None, actions: Path | None = None) -> Path:
    """The demo params with another audience (and notebooks, or action register), beside demo.yml so its relative
    paths hold."""
    text = PARAMS.read_text(encoding="utf-8").replace("audience: internal", f"audience: {audience}")
    if notebooks:
        text = "\n".join(f"notebooks: {notebooks}" if line.startswith("notebooks:") else line for line in text.splitlines())
    if actions:
        text = "\n".join(f"actions: {actions}" if line.startswith("actions:") else line for line in text.splitlines())
    path = PARAMS.with_name(f".bench-{name}.yml")
    path.write_text(text, encoding="utf-8")
    return path


def wider_vs_internal(pairs: int, tmp: Path) -> None:
    print(f"5. Wider vs internal (demo), {pairs} pairs after a warm-up, alternating")
    made = []
    try:
        for label, notebooks in (("same notebook (highlight_report)", "[highlight_report]"), ("as users run them", None)):
            internal = variant(f"internal-{len(made)}", "internal", notebooks)
            wider = variant(f"wider-{len(made)}", "wider", notebooks)
            made += [internal, wider]
            pack(tmp / "warm-i", internal)
            pack(tmp / "warm-w", wider)
            a, b = [], []
            for i in range(pairs):
                a.append(pack(tmp / f"internal-{i}", internal))
                b.append(pack(tmp / f"wider-{i}", wider))
            ratios = [y / x for x, y in zip(a, b)]
            print(
                f"   {label}: median internal {statistics.median(a):.1f} s, median wider {statistics.median(b):.1f} s, "
                f"median wider/internal {statistics.median(ratios):.2f} (target <= 1.25)",
                flush=True,
            )
    finally:
        for path in made:
            path.unlink(missing_ok=True)


def ssd_at_scale(tmp: Path) -> None:
    """Issue 27: a large council's SSD extract (50,000 persons, 200,000 involvements) read and drawn from."""
    from scale_data import scaled_ssd

    from qa_lib.inputs.demo import demo_audits

    folder = tmp / "ssd-large"
    scaled_ssd(folder)
    print("6. A large council's SSD extract (50,000 persons, 200,000 involvements): qa-pack sample --ssd, wall time")
    history = tmp / "history.csv"
    demo_audits().to_csv(history, index=False)
    t = time.perf_counter()
    proc = subprocess.run(
        [
            str(BIN / "qa-pack"),
            "sample",
            "--ssd",
            str(folder),
            "--history",
            str(history),
            "--month",
            "2023-01",
            "--cohort",
            "cin",
            "--out",
            str(tmp / "ssd-sample" / "sample.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    placed = next((line for line in proc.stdout.splitlines() if "placed in the caseload" in line), proc.stderr.strip()[-200:])
    print(f"   {wall:.1f} s (target < 10 s): {placed}", flush=True)


def forms_at_scale(tmp: Path, n: int = 500) -> None:
    """Issue 28: a folder of 500 returned forms collated by qa-pack collect."""
    import pandas as pd

    from qa_lib.inputs.params import load_params
    from qa_lib.sections.sampling.forms import fill_demo_forms, write_forms

    params = load_params(PARAMS)
    sample = pd.DataFrame(
        {
            "audit_id": [f"2022-01-cin-{i:04d}" for i in range(n)],
            "audit_month": "2022-01",
            "cohort": "cin",
            "child_id": [f"CH-{500000 + i}" for i in range(n)],
            "social_worker_id": [f"SW-{i}" for i in range(n)],
            "service_area": "East",
            "status": "not_returned",
        }
    )
    path = tmp / "forms-sample.csv"
    sample.to_csv(path, index=False)
    t = time.perf_counter()
    write_forms(sample, tmp / "forms", params)
    written = time.perf_counter() - t
    fill_demo_forms(tmp / "forms", params)
    print(f"7. {n} audit forms: written in {written:.1f} s; qa-pack collect (--skip-invalid), wall time")
    t = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "qa-pack"), "collect", str(tmp / "forms"), "--sample", str(path), "--out", str(tmp / "collected.csv"), "--skip-invalid"],
        capture_output=True,
        text=True,
        check=False,
    )
    print(
        f"   {time.perf_counter() - t:.1f} s (target < 10 s): {proc.stdout.splitlines()[0] if proc.stdout else proc.stderr[-200:]}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3, help="part 2: runs of the demo size and of 1M realistic rows (median taken)")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--shapes",
        default="realistic,synthetic",
        help="comma list: realistic (the demo year copied as a roll-up's months, comments included), history (many years), synthetic",
    )
    parser.add_argument("--rerun-rows", type=int, default=1_000_000, help="part 3 again on this many realistic rows (0: the demo only)")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: naive, scale, rerun, size, wider, ssd, forms")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as folder:
        tmp = Path(folder)
        os.environ["QA_PACK_CACHE"] = str(tmp / "run-cache")  # never the user's own run cache
        if "naive" not in skip:
            pack_vs_naive(args.pairs, tmp)
        if "scale" not in skip:
            scale([int(s) for s in args.sizes.split(",")], args.shapes.split(","), tmp, args.runs)
        if "rerun" not in skip:
            rerun_after_edit(max(3, args.pairs), tmp)
            if args.rerun_rows:
                rerun_after_edit(3, tmp, args.rerun_rows)
        if "size" not in skip:
            sizes_of_reports(tmp)
        if "wider" not in skip:
            wider_vs_internal(max(3, args.pairs // 2), tmp)
        if "ssd" not in skip:
            ssd_at_scale(tmp)
        if "forms" not in skip:
            forms_at_scale(tmp)


if __name__ == "__main__":
    main()
