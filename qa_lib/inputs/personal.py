"""What personal data looks like in text, by name: one definition of each pattern, for redacting quotes
(`qa_lib.sections.themes.redact`), for checking the QA lead's commentary and register, and for calibration
labels. Each pattern is a named constant; `PATTERNS` lists them in the order redaction applies them."""

from __future__ import annotations

import re

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
AT = r"(?:@|\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+)"
DOT = r"(?:\.|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)"
STREET = (
    "road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|court|ct|crescent|cres|grove|gr|place|pl|"
    "terrace|gardens|gdns|walk|view|rise|hill|park|square|sq|mews|row|parade|fold|green|croft|bank"
)
EMAIL = re.compile(r"[\w.+\-']+@[\w\-]+(?:\.[\w\-]+)+", re.I)
EMAIL_SPELLED_OUT = re.compile(  # name[at]council dot gov dot uk
    rf"[\w.+\-']+{AT}[\w\-]+(?:{DOT}[\w\-]+)*{DOT}(?:uk|com|org|net|gov|nhs|ac|sch|police|gsx|gcsx|cjsm)\b", re.I
)
NHS_NUMBER = re.compile(r"\b\d{3}[\s\-]?\d{3}[\s\-]?\d{4}\b")  # 3-3-4 or 10 digits
UK_PHONE = re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(\s*0|\b0)\d{2,4}\s*\)?[\s\-.]?\d{3,4}[\s\-.]?\d{3,4}\b")  # 01274 555123, +44 (0)7700 900123
UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
STREET_ADDRESS = re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+(?:[^\W\d_][\w'’\-]*\s+){{1,3}}(?:{STREET})\b\.?", re.I)  # 12 Acacia Avenue
DATE_NUMERIC = re.compile(r"\b\d{1,4}[/\-.]\d{1,2}[/\-.]\d{1,4}\b")  # 12/03/2021, 2021-03-12
DATE_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\.?(?:\s+\d{{2,4}})?\b", re.I)  # 12 March 2021
DATE_MONTH_DAY = re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?\b", re.I)  # March 12th, 2021
PATTERNS = [EMAIL, EMAIL_SPELLED_OUT, NHS_NUMBER, UK_PHONE, UK_POSTCODE, STREET_ADDRESS, DATE_NUMERIC, DATE_DAY_MONTH, DATE_MONTH_DAY]
CONTACT = (EMAIL, EMAIL_SPELLED_OUT, UK_PHONE)  # how to reach someone: never in what the QA lead publishes


def holds_contact(text: str) -> bool:
    """An e-mail address (plain or spelled out) or a UK phone number."""
    return any(p.search(text) for p in CONTACT)
