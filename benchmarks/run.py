"""Benchmarks for the pack (`make bench`). Prints figures; asserts nothing (tests never time anything).

1. Pack vs naive: `qa-pack run` on the demo period against the naive way of doing the same work on
   the same notebooks (each notebook run by the `papermill` command line, then converted by
   `jupyter nbconvert --to html --no-input`, one after another), alternating A B A B after a warm-up.
2. Scale: synthetic audits files of 1,000 to 1,000,000 rows (the demo year repeated across councils
   and years): load and validate, every table of the contract, peak memory; each size in a fresh process.
3. Report size: bytes of each HTML document of a demo run.
4. Wider vs internal: the demo run with `audience: wider` (disclosure control: the protection problem, the
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


def pack(out: Path, params: Path = PARAMS) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "qa-pack"), "run", "--params", str(params), "--out", str(out), "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start


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
        f"median of pairwise ratios {statistics.median(ratios):.2f} (target <= 0.40), cores {os.cpu_count()}"
    )


SCALE_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from qa_lib.inputs.load import load_audits
from qa_lib.inputs.params import load_params
from qa_lib.inputs.period import Period
from qa_lib.run.figures import compute_all
from qa_lib.run.tables import all_tables
params = load_params(sys.argv[2])
t0 = time.perf_counter()
data = load_audits(sys.argv[1], params)
t1 = time.perf_counter()
tables = all_tables(compute_all(data.frame, params, Period("2021-10", "2021-12"), data.summary()))
t2 = time.perf_counter()
print(json.dumps({"rows": data.rows_used, "load": t1 - t0, "tables": t2 - t1,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def scale(sizes: list[int], tmp: Path) -> None:
    import json

    sys.path.insert(0, str(REPO / "benchmarks"))
    from scale_data import scaled_audits

    print("2. Scale: load + validate, every table, peak memory (fresh process per size)")
    print(f"   {'rows':>9}  {'load+validate':>13}  {'tables':>7}  {'total':>7}  {'peak MB':>8}  {'growth':>7}")
    previous = None
    for n in sizes:
        path = tmp / f"audits_{n}.csv"
        scaled_audits(n).to_csv(path, index=False)
        out = subprocess.run(
            [sys.executable, "-c", SCALE_CHILD, str(path), str(PARAMS), str(REPO)], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        total = r["load"] + r["tables"]
        growth = f"{total / previous:6.1f}x" if previous else "      -"
        print(f"   {n:>9,}  {r['load']:>12.2f}s  {r['tables']:>6.2f}s  {total:>6.2f}s  {r['peak_mb']:>8.0f}  {growth}", flush=True)
        previous = total
        path.unlink()


def sizes_of_reports(tmp: Path) -> None:
    out = tmp / "size-run"
    pack(out)
    print("3. Report size (demo run)")
    for html in sorted(out.glob("*.html")):
        print(f"   {html.name:<24} {html.stat().st_size:>10,} bytes")


def variant(name: str, audience: str, notebooks: str | None) -> Path:
    """The demo params with another audience (and notebooks), beside demo.yml so its relative paths hold."""
    text = PARAMS.read_text(encoding="utf-8").replace("audience: internal", f"audience: {audience}")
    if notebooks:
        text = "\n".join(f"notebooks: {notebooks}" if line.startswith("notebooks:") else line for line in text.splitlines())
    path = PARAMS.with_name(f".bench-{name}.yml")
    path.write_text(text, encoding="utf-8")
    return path


def wider_vs_internal(pairs: int, tmp: Path) -> None:
    print(f"4. Wider vs internal (demo), {pairs} pairs after a warm-up, alternating")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: naive, scale, size, wider")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as folder:
        tmp = Path(folder)
        if "naive" not in skip:
            pack_vs_naive(args.pairs, tmp)
        if "scale" not in skip:
            scale([int(s) for s in args.sizes.split(",")], tmp)
        if "size" not in skip:
            sizes_of_reports(tmp)
        if "wider" not in skip:
            wider_vs_internal(max(3, args.pairs // 2), tmp)


if __name__ == "__main__":
    main()
