"""The case file audit QA pack: every computation, chart, rule and the runner."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qa-pack")  # one definition: pyproject.toml
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
