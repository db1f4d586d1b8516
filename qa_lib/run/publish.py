"""Where a run may publish, and how it publishes without harming anything it did not write.

A run replaces its output folder only when the folder is absent, empty, or an
earlier run of the pack holding nothing but what that run wrote (its marker file
lists them). Inputs inside the folder, or a second run publishing to the same
folder, are refused with a message. The finished build is swapped into place in
one rename, so readers see the old report or the new one, never half of each.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from qa_lib.errors import QAPackError
from qa_lib.files import EXTRA_FILES, MARKER, file_sha256, run_marker, write_marker
from qa_lib.inputs.params import Params
from qa_lib.run.history import HISTORY, is_history, keep_earlier, prune, restore
from qa_lib.run.workspace import signals_held

LEGACY_FILES = {"manifest.json", "headlines.json", "tables.xlsx", "tables", "email.eml"}


def _legacy_files(out: Path) -> set[str] | None:
    """What a run of qa-pack 0.1 (no marker) wrote, judged from its manifest; None if not such a run."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or "qa_pack_version" not in manifest or not isinstance(manifest.get("outputs"), list):
        return None
    listed = {str(o.get("file", "")).split("/")[0] for o in manifest["outputs"] if isinstance(o, dict)}
    return listed | LEGACY_FILES


MANIFEST_MOST = 1 << 20  # the manifest a run writes is a few kilobytes: a larger file is not read


def made_from(out: Path, audits: Path) -> bool:
    """Whether the report in `out` was made from a file of this name, as its manifest says: a re-run into the
    same folder, as after an edit to the commentary or the register. Only a hint for where work may start early;
    nothing rests on it (what starts is checked against the file's SHA-256 before it is used)."""
    path = out / "manifest.json"
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MANIFEST_MOST:
            return False
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    given = manifest.get("input") if isinstance(manifest, dict) else None
    return isinstance(given, dict) and given.get("file") == Path(audits).name


def _short_list(names: list[str], most: int = 3) -> str:
    shown = ", ".join(repr(n[:40]) for n in sorted(names)[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


AUDIENCE_WORDS = {"internal": "the QA team (audience internal)", "wider": "a wider audience (audience wider)"}


def folder_audience(folder: Path) -> str | None:
    """Which audience a run folder was published for: its marker says (runs since 0.10), else its manifest,
    else its tables (a wider pack shows hidden counts as c); None when it is not a run folder."""
    marker = run_marker(folder)
    if marker is None and not (folder / "manifest.json").is_file():
        return None
    if marker is not None and marker.get("audience") in AUDIENCE_WORDS:
        return str(marker["audience"])
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("audience") in AUDIENCE_WORDS:
            return str(manifest["audience"])
    except (OSError, ValueError, AttributeError):
        pass
    for table in sorted((folder / "tables").glob("*.csv")) if (folder / "tables").is_dir() else []:
        try:
            if any(cell == "c" for line in table.read_text(encoding="utf-8").splitlines()[1:] for cell in line.split(",")):
                return "wider"
        except OSError:
            continue
    return "internal"


def check_audience(out: Path, audience: str) -> None:
    """A folder (and its history) holds one audience's reports only: a wider pack never sits beside, or keeps
    in its history, the QA team's unsuppressed figures, and "changes since" never compares across audiences."""
    folders = [out, *(sorted(p for p in (out / HISTORY).iterdir() if p.is_dir()) if (out / HISTORY).is_dir() else [])]
    for folder in folders:
        found = folder_audience(folder)
        if found is not None and found != audience:
            where = "holds" if folder == out else "keeps in its history"
            raise QAPackError(
                f"{out} {where} a report for {AUDIENCE_WORDS[found]}; a report for {AUDIENCE_WORDS[audience]} is never "
                "written into the same folder or its history (the two would sit side by side, and 'changes since' would "
                "compare them). Choose another --out"
            )


def check_out_dir(out: Path, inputs: Mapping[str, Path | None], audience: str | None = None) -> None:
    """Refuse an output folder the pack may not replace, inputs that lie inside it, and (given `audience`) a
    folder holding another audience's reports."""
    for what, path in inputs.items():
        if path is not None and Path(path).resolve().is_relative_to(out):
            raise QAPackError(
                f"the {what} ({Path(path).name}) is inside the output folder {out}, which a run replaces; "
                "keep inputs outside the output folder or choose another --out"
            )
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise QAPackError(f"{out} exists and is not a folder; choose another --out")
    entries = [p.name for p in out.iterdir()]
    if not entries:
        return

    marker = run_marker(out)
    allowed = {*marker["files"], MARKER, *EXTRA_FILES} if marker is not None else _legacy_files(out)
    if allowed is not None and is_history(out / HISTORY):
        allowed = {*allowed, HISTORY}  # earlier runs this folder published (qa_lib.run.history)
    if allowed is None:
        raise QAPackError(
            f"{out} is not empty and is not a qa-pack run folder (no {MARKER}), so a run will not "
            "replace it; choose an empty or new folder for --out"
        )
    unknown = [name for name in entries if name not in allowed]
    if unknown:
        raise QAPackError(
            f"{out} holds files a qa-pack run did not write ({_short_list(unknown)}), so a run will not "
            "replace it; move them out or choose another --out"
        )
    if audience is not None:
        check_audience(out, audience)


def _lock_file(path: Path) -> IO[str] | None:
    """An exclusive lock on the file at `path`, or None if another process holds it. The file is removed when
    released, so a lock taken on a file that was meanwhile removed (or replaced) is retried on the new one."""
    for _ in range(5):
        handle: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - held for the life of the run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        try:
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle
        except FileNotFoundError:
            pass
        handle.close()
    return None


@contextmanager
def publishing_lock(out: Path) -> Iterator[None]:
    """One run at a time may build and publish into `out`; a second is refused at once."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.qa-pack.lock"
    handle = _lock_file(lock_path)
    if handle is None:
        raise QAPackError(f"another run is publishing to {out}; wait for it to finish, or choose another --out")
    try:
        # Holding the lock, any build folder of this output that carries the pack's build mark is a dead run's:
        # remove it. A folder of that name without the mark is not the pack's, and stays.
        for stale in out.parent.glob(f".{out.name}.building-*"):
            if stale.is_dir() and not stale.is_symlink() and (stale / BUILD_MARK).is_file():
                shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        lock_path.unlink(missing_ok=True)
        handle.close()


def publish(build: Path, out: Path, keep: int | None = None) -> None:
    """Swap the finished build into place. The earlier run is never deleted: it moves, whole, into the new
    run's `history/` (`qa_lib.run.history`), and only runs beyond params `history: {keep: N}` are pruned."""

    empty = out.is_dir() and not out.is_symlink() and not any(out.iterdir())
    moved = keep_earlier(out, build)
    try:
        build.rename(out)
    except OSError:
        if moved is not None:
            restore(out, build, moved)  # put the last good report back, with its history
        elif empty:
            out.mkdir(exist_ok=True)  # the user's empty folder, as it was
        raise
    prune(out, keep)


def output_entries(build: Path, paths: list[Path]) -> list[dict[str, Any]]:
    """The manifest's list of what a build publishes: each file's path in the build, size and SHA-256."""
    return [{"file": p.relative_to(build).as_posix(), "bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in paths if p.exists()]


BUILD_MARK = ".qa-pack-build"


WIDER_NOTEBOOKS = ("highlight_report",)  # a wider run publishes only this: built with disclosure control throughout


def notebooks_for(params: Params) -> tuple[str, ...]:
    """The notebooks a run publishes: a wider run only WIDER_NOTEBOOKS, whatever params name (`validate.prepare`
    narrows params to them and says so)."""
    return WIDER_NOTEBOOKS if params.audience == "wider" else tuple(params.notebooks)


def new_build(out: Path) -> Path:
    """The folder a run builds its output in, beside `out` (so the swap is a rename), private (0700) and marked as
    the pack's from the moment it exists: a killed run's build is removed by the next run, and nothing else is."""
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    (build / BUILD_MARK).write_text("qa-pack build folder\n", encoding="utf-8")
    return build


def finish(build: Path, out: Path, manifest: dict[str, Any], keep: int | None = None, audience: str = "internal") -> None:
    """A finished build published: its manifest and marker written, the user's usual permissions given (mkdtemp
    makes 0700), then swapped into place with signals held (`publish`)."""

    (build / BUILD_MARK).unlink(missing_ok=True)  # a published run carries the run marker instead
    (build / "manifest.json").write_text(json.dumps({**manifest, "audience": audience}, indent=2), encoding="utf-8")
    write_marker(build, [p.name for p in build.iterdir()], audience)
    umask = os.umask(0)
    os.umask(umask)
    build.chmod(0o777 & ~umask)
    with signals_held():
        publish(build, out, keep)
