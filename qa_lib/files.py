"""The files the pack writes and knows as its own, at the bottom of the house so every layer can use them.

- A run folder's marker (`MARKER`): every top-level entry a run wrote, so the pack never treats, moves or
  deletes a folder or file it did not write (`run_marker`, `write_marker`).
- Files that name children (samples, the audit log for inspectors, the auditor key): written only where the
  QA team asks, never inside a report folder (which could be e-mailed), never over a file the pack did not
  write, whole or not at all, readable by their owner only (mode 0600).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from qa_lib import __version__
from qa_lib.errors import QAPackError

MARKER = ".qa-pack-run.json"
MARKER_KIND = "qa-pack run folder"
EXTRA_FILES = {"email.eml", "email-sent.json"}  # written into a run folder later by `qa-pack email`


def run_marker(out: Path) -> dict[str, Any] | None:
    """The pack's marker in `out`, or None if there is none (or it is not the pack's)."""
    path = out / MARKER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != MARKER_KIND or not isinstance(data.get("files"), list):
        return None
    return data


def write_marker(build: Path, files: list[str], audience: str = "internal") -> None:
    """Mark `build` as the pack's run folder, listing every top-level entry the run wrote, and its audience."""
    marker = {"kind": MARKER_KIND, "written_by": "qa-pack", "version": __version__, "audience": audience, "files": sorted(files)}
    (build / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")


def remove_listed(folder: Path, names: set[str] | list[str], marker: str) -> bool:
    """Remove from `folder` only the entries the pack listed (and its `marker`), then the folder if nothing else
    is left in it: a file or folder someone else put there stays, and so does the folder around it. Returns
    whether the folder is gone."""
    import shutil

    for name in {*names, marker}:
        path = folder / name
        if path.parent != folder or path.is_symlink():
            if path.is_symlink():
                path.unlink(missing_ok=True)
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def check_private_file(out: Path, what: str, example: str, command: str, marker: str, siblings: tuple[str, ...] = ()) -> None:
    """Refuse a path that could put children's names beside a report or overwrite someone's file: a file named
    like `example`, outside every run folder, and new (or one `command` wrote, as its `marker` records)."""
    out = Path(out).absolute()
    suffix = Path(example).suffix
    if out.is_dir():
        raise QAPackError(f"--out {out} is a folder; give a file name inside it, such as {out / example}")
    if out.suffix.lower() != suffix:
        raise QAPackError(f"--out {out.name}: {what} is written as a {suffix} file; give a name such as {example}")
    for folder in out.parents:
        if run_marker(folder) is not None or (folder / "manifest.json").is_file():
            raise QAPackError(
                f"--out {out} is inside the report folder {folder}; {what} names children and is "
                "never written into a report folder (it could be e-mailed). Choose a private folder"
            )
    ours = written_here(out.parent, marker)
    for path in (out, *(out.with_name(s) for s in siblings)):
        if path.exists() and path.name not in ours:
            raise QAPackError(f"{path} already exists and was not written by {command}; it is not overwritten. Choose a new file name")


def written_here(folder: Path, marker: str) -> set[str]:
    """The files the pack wrote into `folder` (its marker's list)."""
    try:
        data = json.loads((folder / marker).read_text(encoding="utf-8"))
        return {str(n) for n in data.get("files", [])}
    except (OSError, ValueError, AttributeError):
        return set()


def record_written(folder: Path, marker: str, names: set[str], by: str) -> None:
    """Add `names` to the files the pack wrote into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = written_here(folder, marker) | names
    (folder / marker).write_text(json.dumps({"written_by": by, "files": sorted(written)}), encoding="utf-8")


def private_tmp(path: Path) -> Path:
    """A new, empty temporary file beside `path`, mode 0600; replace `path` with it once written whole."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def write_private_text(path: Path, text: str) -> None:
    """`text` written to `path` whole or not at all, mode 0600."""
    tmp = private_tmp(path)
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


SECRET_BYTES = 32


def secret_path() -> Path:
    """Where this install's secret lives: `$QA_PACK_SECRET`, else `$XDG_CONFIG_HOME/qa-pack/secret.key`, else
    `~/.config/qa-pack/secret.key`: with the QA lead's private files, never in a report or the cache."""
    if os.environ.get("QA_PACK_SECRET"):
        return Path(os.environ["QA_PACK_SECRET"])
    base = Path(os.environ["XDG_CONFIG_HOME"]) if os.environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "qa-pack" / "secret.key"


def install_secret() -> bytes:
    """This install's random secret (made on first use, mode 0600, in a 0700 folder): what auditors' codes are
    drawn from, so no one without it can rebuild which code is whose. Refused if another user could read it."""
    path = secret_path()
    try:
        info = path.lstat()
    except FileNotFoundError:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".secret.", dir=path.parent)
        try:
            os.write(fd, os.urandom(SECRET_BYTES).hex().encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # never over a key another process wrote meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        info = path.lstat()
    import stat

    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise QAPackError(f"{path} (the pack's secret) must be a file of yours that no one else can read (chmod 600 it)")
    key = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    if len(key) < 16:
        raise QAPackError(f"{path} (the pack's secret) is too short; remove it and the pack makes a new one")
    return key


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read a mebibyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


QUICK_SUFFIXES = {".csv", ".txt"}  # the files a re-run may read quickly (`inputs.load.load_identifiers`)


def read_with_sha256(path: Path) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256, from one read."""
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def audits_read_for_key(path: Path, meanwhile: Callable[[bytes, Future[str]], object] | None = None) -> tuple[bytes | None, str]:
    """What a run's cache key is made from: a CSV's bytes (a re-run takes its identifiers from these same bytes)
    and their SHA-256; another kind of file's SHA-256 alone. `meanwhile`: handed a CSV's bytes as soon as they are
    read, with the future of their SHA-256 (worked out next, about 0.3 s at a million rows), for work that can
    begin on them; whatever it raises is left to the work it began."""
    if path.suffix.lower() not in QUICK_SUFFIXES:
        return None, file_sha256(path)
    if meanwhile is None:
        return read_with_sha256(path)
    data = path.read_bytes()
    hashed: Future[str] = Future()
    with contextlib.suppress(Exception):
        meanwhile(data, hashed)
    try:
        sha = hashlib.sha256(data).hexdigest()
    except BaseException as exc:
        hashed.set_exception(exc)
        raise
    hashed.set_result(sha)
    return data, sha
