"""What a run says on the terminal as it goes (counts and file names only, never a value from the data)."""

from __future__ import annotations

import sys


def say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)
