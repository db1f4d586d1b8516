"""The run cache: a re-run redoes only what changed.

A QA lead's loop is run, read, change a sentence or an action, run again. Each notebook's finished page is
kept under a key made of everything the page is drawn from except the QA lead's own files: the audits file's
name and SHA-256, the params (as read, includes and all; not the paths of the actions, commentary or output), the
period and target, the notebook file, the pack's code and version, the versions of the libraries that
draw it, and the calendar month (a month "later than this month" is a warning the report counts). The QA
lead's commentary and actions appear only in marked blocks (`qa_lib.render.blocks`): when a re-run finds a
page under its key, the runner redraws those blocks from the new commentary and actions and publishes the
page without running the notebook. Any other change (the data, params, a notebook, the code) gives another
key, so the notebook runs. The result is byte for byte what a cold run publishes (tested).

The cache holds what a run publishes and the figures behind it: the pages; the tables and workbook (not the e-mail
headlines, written afresh each run: they carry the QA lead's key messages); and the run's
figures (aggregates, the same size at a thousand rows as at a million, and the redacted quotes when params
switch them on). Never a row of the audits file: the data are still read on every run, and the QA lead's
commentary is checked against the identifiers in them. The file is validated in full unless the cache holds
figures under this key, which holds its SHA-256 and name with the params, code and month: then only its
identifier columns are read (`qa_lib.inputs.load.load_identifiers`), since validating the same bytes again
would find what it found. It lives in the user's private cache
folder (mode 0700: `$QA_PACK_CACHE`, else `$XDG_CACHE_HOME/qa-pack`, else `~/.cache/qa-pack`), never beside
the published output; only the most recent `KEEP` keys are kept. An entry whose file is not the user's own,
is open to others, or whose SHA-256 does not match its record is not used. `qa-pack run --no-cache` neither
reads nor writes it; `qa-pack cache --clear` removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qa_lib.files import install_secret, remove_listed
from qa_lib.inputs.params import EmailSettings, Params
from qa_lib.inputs.period import Period

KEEP = 8  # keys (a month's run and its re-runs use one) kept, most recently used first
RECORD = "pages.json"


def cache_root() -> Path:
    """Where the cache lives: `$QA_PACK_CACHE`, else `$XDG_CACHE_HOME/qa-pack`, else `~/.cache/qa-pack`."""
    if os.environ.get("QA_PACK_CACHE"):
        return Path(os.environ["QA_PACK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qa-pack"


def code_fingerprint() -> str:
    """SHA-256 of the pack's own files (code, templates, notebooks, default params): a change to any of them,
    released or not, is a change of key."""
    import qa_lib

    root = Path(qa_lib.__file__).parent
    h = hashlib.sha256(qa_lib.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".json", ".ipynb", ".yml", ".css"} and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def run_key(input_sha256: str, params: Params, period: Period, versions: dict[str, str]) -> str:
    """The key shared by a run's pages: every input of a page but the QA lead's commentary and actions (and
    where files are or go: their contents are what count)."""
    drawn_from = replace(
        params,
        actions=None,
        commentary=None,
        output=None,
        audits=None,
        source=None,
        email=EmailSettings(),
        notebooks=(),
        notebooks_dir=None,
    )
    # This month, not today: the warnings for months "later than this month" change with it. The date of report
    # is a block (`programme`), drawn again on every cached re-run.
    today = date.today().strftime("%Y-%m")
    secret = hashlib.sha256(b"qa-pack codes\n" + install_secret()).hexdigest()  # another key gives other auditor codes
    text = repr((input_sha256, drawn_from, period, sorted(versions.items()), code_fingerprint(), today, secret))
    return hashlib.sha256(text.encode()).hexdigest()


def page_key(run: str, name: str, notebook: Path) -> str:
    """One notebook's page: the run's key, the notebook's name and its file."""
    return hashlib.sha256(f"{run}\n{name}\n".encode() + notebook.read_bytes()).hexdigest()


@dataclass
class RunCache:
    """The finished pages of earlier runs, under one run key."""

    root: Path
    run: str
    audits_sha256: str = ""  # the audits file's SHA-256 the key was made with ("" when not known)
    # The audits file's bytes that SHA-256 was taken of (a CSV only), for a re-run's quick read of its identifiers
    # (`qa_lib.inputs.load.load_identifiers`): read once, not twice. In memory only; the run lets go of them as
    # soon as it knows whether it reads quickly (`take_audits`).
    audits_bytes: bytes | None = field(default=None, repr=False)

    def take_audits(self) -> tuple[bytes, str] | None:
        """The audits file's bytes and their SHA-256, once: the cache holds them no longer."""
        data, self.audits_bytes = self.audits_bytes, None
        return (data, self.audits_sha256) if data is not None else None

    @property
    def folder(self) -> Path:
        return self.root / self.run[:32]

    def page(self, name: str, key: str) -> str | None:
        """The page a run with this key published for notebook `name`, or None (none kept, or not to be trusted)."""
        data = self.get(name, key)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def get(self, name: str, key: str) -> bytes | None:
        """What was stored as `name` under `key`, or None (none kept, or not to be trusted)."""
        try:
            record = json.loads((self.folder / RECORD).read_text(encoding="utf-8"))
            entry = record["pages"][name]
            if entry["key"] != key or not _private(self.root) or not _private(self.folder):
                return None
            path = self.folder / entry["file"]
            if path.parent != self.folder or not _private(path):
                return None
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                return None
            # Authenticated with this install's secret, kept outside the cache folder: someone who can write the
            # cache folder cannot make an entry the pack will read. No entry is a pickle: pages are text, figures JSON.
            return data if hmac.compare_digest(str(entry.get("mac", "")), _mac(name, key, data)) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, pages: dict[str, tuple[str, str | bytes]]) -> None:
        """Keep these (name -> (key, page or bytes)) for the next run; never fails the run (a full disk or a
        read-only home only means the next run is a cold one)."""
        with contextlib.suppress(OSError):
            _private_dir(self.root)
            _private_dir(self.folder)
            try:
                record = json.loads((self.folder / RECORD).read_text(encoding="utf-8"))
                if not isinstance(record.get("pages"), dict):
                    raise ValueError
            except (OSError, ValueError):
                record = {"pages": {}}
            for name, (key, content) in pages.items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                file = f"{name}.html" if isinstance(content, str) else f"{hashlib.sha256(name.encode()).hexdigest()[:24]}.bin"
                _write_private(self.folder / file, data)
                record["pages"][name] = {"key": key, "sha256": hashlib.sha256(data).hexdigest(), "mac": _mac(name, key, data), "file": file}
            _write_private(self.folder / RECORD, json.dumps(record, indent=1).encode())
            self.prune()

    def prune(self, keep: int = KEEP) -> None:
        """Only the `keep` most recently used keys are kept."""
        with contextlib.suppress(OSError):
            os.utime(self.folder)
            folders = sorted((p for p in self.root.iterdir() if _entry(p)), key=lambda p: p.stat().st_mtime)
            for old in folders[:-keep]:
                _remove_entry(old)


def _mac(name: str, key: str, data: bytes) -> str:
    """An entry's authentication: HMAC-SHA256 of its name, key and bytes with this install's secret."""
    return hmac.new(install_secret(), f"{name}\n{key}\n".encode() + data, hashlib.sha256).hexdigest()


def _entry(folder: Path) -> bool:
    """A folder of the cache's own: a real folder holding the pack's record."""
    return folder.is_dir() and not folder.is_symlink() and (folder / RECORD).is_file()


def _remove_entry(folder: Path) -> None:
    """One cache entry removed: the files its record lists and the record; anything else stays, with its folder."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        files = [str(e["file"]) for e in record.get("pages", {}).values() if isinstance(e, dict) and "file" in e]
    except (OSError, ValueError, TypeError, AttributeError):
        files = []
    remove_listed(folder, files, RECORD)


def clear(root: Path | None = None) -> int:
    """Remove the cache's entries (only what the pack wrote: a folder named by QA_PACK_CACHE may hold other
    things, which stay, and so does the folder); returns how many entries were removed."""
    root = root or cache_root()
    if not root.is_dir() or root.is_symlink():
        return 0
    entries = [p for p in root.iterdir() if _entry(p)]
    for folder in entries:
        _remove_entry(folder)
    return len(entries)


def _private(path: Path) -> bool:
    """Owned by this user and neither readable nor writable by anyone else."""
    info = path.lstat()
    return info.st_uid == os.getuid() and not stat.S_ISLNK(info.st_mode) and not info.st_mode & 0o077


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode):
        path.chmod(0o700)  # a folder the user made by hand is made private, not trusted as it is
    if not _private(path):
        raise PermissionError(f"{path} is not private to this user")


def _write_private(path: Path, data: bytes) -> None:
    """Written whole (a temporary file renamed into place) with mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
