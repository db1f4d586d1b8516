"""The case file audit QA pack: every computation, chart, rule and the runner."""
__version__ = "0.1.0"
