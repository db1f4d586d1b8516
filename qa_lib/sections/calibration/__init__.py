"""Calibration exercises: several auditors grade the same anonymised cases, and the pack says how far they agree."""
