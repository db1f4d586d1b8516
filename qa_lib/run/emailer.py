"""E-mail a finished run: a standard MIME message with headline figures and the report attached.

Only a completed run (its folder has a manifest and the report) is ever e-mailed;
a failed run never publishes a folder, so it cannot be sent. Without sending, the
message is written as `email.eml` in the run folder for the analyst to open and
check. Sending uses STARTTLS (or SSL) with the password read from the environment
variable named in params, retries a bounded number of times, and says plainly
what went wrong. The run's files are never touched by a failed send.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import smtplib
import socket
import ssl
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from qa_lib.errors import QAPackError
from qa_lib.files import MARKER, run_marker
from qa_lib.inputs.params import EmailSettings


class SendFailed(QAPackError):
    """The message could not be delivered; the run's files are kept."""


def completed_run(run_dir: Path, report: str) -> tuple[dict[str, Any], Path]:
    """The run's manifest and report, or a clear refusal if the folder is not a completed run of the pack."""
    run_dir = Path(run_dir)
    manifest_path, report_path = run_dir / "manifest.json", run_dir / f"{report}.html"
    refusal = (
        f"{run_dir} is not a completed run ({{}}): nothing is e-mailed. "
        "Run `qa-pack run` first; a failed run never produces a report to send."
    )
    if run_dir.name.endswith(".failed") or not manifest_path.is_file() or not report_path.is_file():
        raise QAPackError(refusal.format(f"no manifest.json or {report}.html"))
    if run_marker(run_dir) is None:
        raise QAPackError(refusal.format(f"no {MARKER}: the folder was not written by a qa-pack run"))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {str(o["file"]): str(o["sha256"]) for o in manifest["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        raise QAPackError(refusal.format("manifest.json is damaged or incomplete")) from None
    return manifest | {"_checksums": listed}, report_path


def _attachment(run_dir: Path, manifest: dict[str, Any], name: str) -> bytes:
    """A file's bytes, only if the run's manifest lists it and its checksum still matches: nothing else
    (a sample, a file copied in by hand, a report edited since) is ever attached."""
    expected = manifest["_checksums"].get(name)
    if expected is None:
        raise QAPackError(f"{name} is not one of the files the run wrote (manifest.json), so it is not attached")
    data = (Path(run_dir) / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != expected:
        raise QAPackError(
            f"{name} has changed since the run wrote it (its checksum differs from manifest.json), "
            "so it is not attached; run the report again"
        )
    return data


def _bodies(head: dict, settings: EmailSettings) -> tuple[str, str]:
    """Plain-text and HTML bodies: aggregates only, never an identifier or free text."""
    sections = [
        ("Revised", head.get("revised", [])),
        ("Key messages", head.get("key_messages", [])),
        ("Audit returns against target", head.get("returns", [])),
        ("Overall grades", head.get("grades", [])),
        ("Practice standards", head.get("standards", [])),
        ("Note", head.get("note", [])),
    ]
    attached = "the highlight report" + (" and the tables workbook" if settings.attach_tables else "")
    intro = f"{head.get('title', 'QA Highlight Report')}: {head.get('period', '')}."
    text = [intro, "", f"Attached: {attached}. Open the HTML file in any web browser; it needs no internet connection.", ""]
    parts = [
        f"<p><strong>{html.escape(intro)}</strong></p>",
        f"<p>Attached: {html.escape(attached)}. Open the HTML file in any web browser; it needs no internet connection.</p>",
    ]
    for heading, paragraphs in sections:
        if not paragraphs:
            continue
        text += [heading, "-" * len(heading)]
        parts.append(f"<h3>{html.escape(heading)}</h3>")
        for para in paragraphs:
            lines = [ln.replace("**", "") for ln in str(para).splitlines() if ln.strip()]  # Markdown bold: plain text
            text += [*lines, ""]
            bullets = [ln[2:] for ln in lines if ln.startswith("- ")]
            prose = [ln for ln in lines if not ln.startswith("- ")]
            parts += [f"<p>{html.escape(p)}</p>" for p in prose]
            if bullets:
                parts.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in bullets) + "</ul>")
    text.append("This e-mail holds aggregate figures only. Please do not forward it outside the council.")
    parts.append("<p><em>This e-mail holds aggregate figures only. Please do not forward it outside the council.</em></p>")
    return "\n".join(text), "<html><body>" + "\n".join(parts) + "</body></html>"


def build_message(run_dir: Path, settings: EmailSettings) -> EmailMessage:
    """The message for a completed run: subject and recipients from params, both bodies, the report attached."""
    if not settings.to:
        raise QAPackError("email: no recipients; set email: {to: [...]} in params")
    if not settings.sender:
        raise QAPackError("email: no sender; set email: {from: ...} in params")
    manifest, report = completed_run(run_dir, settings.report)
    head: dict[str, Any] = {}
    if "headlines.json" in manifest["_checksums"]:
        try:
            head = json.loads(_attachment(run_dir, manifest, "headlines.json").decode("utf-8"))
        except ValueError:
            raise QAPackError(f"{run_dir}/headlines.json is damaged; run the report again") from None
    if "revision.json" in manifest["_checksums"]:  # this run replaced the version of the same period it revises
        try:
            revised = json.loads(_attachment(run_dir, manifest, "revision.json").decode("utf-8"))
            head["revised"] = [
                f"This report revises the version of {revised['since_words']}. "
                + (f"Figures changed in: {', '.join(revised['tables'])}." if revised["tables"] else "No figure changed.")
            ]
        except (ValueError, KeyError, TypeError):
            raise QAPackError(f"{run_dir}/revision.json is damaged; run the report again") from None
    msg = EmailMessage()
    period = str(head.get("period") or manifest.get("period", {}).get("from", ""))
    subject = settings.subject.replace("{period}", period)  # only {period}: other braces are kept as typed
    msg["Subject"] = f"Revised: {subject}" if "revised" in head else subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.to)
    if settings.cc:
        msg["Cc"] = ", ".join(settings.cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=settings.sender.split("@")[-1] or None)
    text, body = _bodies(head, settings)
    msg.set_content(text)
    msg.add_alternative(body, subtype="html")
    msg.add_attachment(_attachment(run_dir, manifest, report.name), maintype="text", subtype="html", filename=report.name)
    if settings.attach_tables and "tables.xlsx" in manifest["_checksums"]:
        msg.add_attachment(
            _attachment(run_dir, manifest, "tables.xlsx"),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename="tables.xlsx",
        )
    return msg


def write_eml(msg: EmailMessage, run_dir: Path) -> Path:
    path = Path(run_dir) / "email.eml"
    path.write_bytes(bytes(msg))
    return path


def _password(settings: EmailSettings) -> str | None:
    if not settings.username:
        return None
    if not settings.password_env:
        raise QAPackError("email: smtp username is set but not password_env, the environment variable holding the password")
    value = os.environ.get(settings.password_env)
    if not value:
        raise QAPackError(
            f"email: the environment variable {settings.password_env} (smtp password_env) is not set; "
            "set it in the shell or scheduler that runs qa-pack, never in a file in the repository"
        )
    return value


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=settings.cafile or None)
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        smtp.ehlo()
        smtp.starttls(context=context)
        smtp.ehlo()
    return smtp


def send(msg: EmailMessage, settings: EmailSettings, say=print) -> None:
    """Deliver `msg`; retry connection and server failures up to `retries` times, never a refused login or recipient."""
    password = _password(settings)
    where = f"{settings.host}:{settings.port}"
    attempts = max(1, settings.retries)
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            with _connect(settings) as smtp:
                if password is not None:
                    smtp.login(settings.username, password)
                refused = smtp.send_message(msg)
            if refused:
                raise SendFailed(
                    "the mail server refused some recipients: "
                    + "; ".join(f"{a} ({c} {m.decode(errors='replace') if isinstance(m, bytes) else m})" for a, (c, m) in refused.items())
                    + ". The others were sent."
                )
            return
        except smtplib.SMTPAuthenticationError as exc:
            raise SendFailed(
                f"the mail server at {where} refused the login for {settings.username!r} "
                f"({exc.smtp_code}); check the username and the password in {settings.password_env}"
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(
                "the mail server refused every recipient: " + "; ".join(f"{a} ({c})" for a, (c, _) in exc.recipients.items())
            ) from None
        except smtplib.SMTPSenderRefused as exc:
            raise SendFailed(f"the mail server refused the sender {settings.sender!r} ({exc.smtp_code})") from None
        except ssl.SSLError as exc:
            raise SendFailed(
                f"a secure connection to {where} could not be made ({exc.reason or exc}); "
                "if the council uses its own certificate authority, set smtp cafile in params"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, dropped, a 4xx from the server
            last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if isinstance(exc, (ConnectionRefusedError, socket.gaierror, TimeoutError)):
                last = f"could not reach the mail server at {where} ({last})"
            if attempt < attempts:
                say(f"Sending failed (try {attempt} of {attempts}): {last}; trying again in {settings.retry_delay * attempt:g} s")
                time.sleep(settings.retry_delay * attempt)
    raise SendFailed(f"the report was not sent after {attempts} tries: {last}. The run's files are kept.")


def email_run(run_dir: Path, settings: EmailSettings, do_send: bool, say=print) -> Path:
    """Build the message for a completed run; write email.eml; send it when asked. Returns the .eml path."""
    msg = build_message(run_dir, settings)
    path = write_eml(msg, run_dir)
    if do_send:
        send(msg, settings, say=say)
        say(f"Sent to {', '.join([*settings.to, *settings.cc])} via {settings.host}:{settings.port}")
        from qa_lib.run.history import SENT

        sent = {"sent": datetime.now(UTC).isoformat(timespec="seconds"), "recipients": len([*settings.to, *settings.cc])}
        (Path(run_dir) / SENT).write_text(json.dumps(sent), encoding="utf-8")  # for `qa-pack history`
    return path
