"""E-mail against a real SMTP server (aiosmtpd) on localhost: what arrives, and every way sending can fail."""

from __future__ import annotations

import dataclasses
import email
import shutil
import socket
import subprocess
from email import policy
from typing import Any

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpers import PLANTED, QA_PACK, REPO
from qa_lib.errors import ParamsError, QAPackError
from qa_lib.inputs.params import load_params
from qa_lib.run.emailer import SendFailed, email_run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """An SMTP handler that keeps what it receives and can refuse chosen recipients."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class Logins:
    def __init__(self) -> None:
        self.tries = 0

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.tries += 1
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login in (b"qa-team", "qa-team")
            and auth_data.password in (b"s3cret", "s3cret")
        )
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself, as real servers do


@pytest.fixture
def smtp_server():
    servers = []

    def start(**kwargs):
        handler = Sink(kwargs.pop("refuse", ()))
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        servers.append(controller)
        return handler, controller.port

    yield start
    for c in servers:
        c.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1, for a STARTTLS server the client verifies via cafile."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


def settings(port: int, **changes):
    base = load_params(REPO / "params" / "demo.yml").email
    fields: dict[str, Any] = {"host": "127.0.0.1", "port": port, "security": "none", "username": "", "retry_delay": 0} | changes
    return dataclasses.replace(base, **fields)


def part_text(msg: email.message.EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None, f"no {kind} body"
    return str(part.get_content())


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


@pytest.mark.slow
def test_demo_file_to_a_received_email(smtp_server, planted_csv, tmp_path):
    """End to end: `qa-pack run --email` on the demo data, then what the server received."""
    sink, port = smtp_server()
    for name in ("pack.yml", "themes.yml", "actions.yml"):
        shutil.copy(REPO / "params" / name, tmp_path / name)
    (tmp_path / "run.yml").write_text(
        "include: [pack.yml, themes.yml]\nperiod: {from: '2021-10', to: '2021-12'}\nnotebooks: [highlight_report]\n"
        "actions: actions.yml\nprogramme: {name: QA Highlight Report, directorate: Children's Services, author: QA team}\n"
        f"email: {{subject: 'QA Highlight Report: {{period}}', from: qa@council.example, to: [hos@council.example], "
        f"cc: [lead@council.example], attach_tables: true, smtp: {{host: 127.0.0.1, port: {port}, security: none}}}}\n"
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(tmp_path / "run.yml"), "--audits", str(planted_csv), "--out", str(out), "--quiet", "--email"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(sink.received) == 1
    sender, recipients, raw = sink.received[0]
    assert sender == "qa@council.example" and sorted(recipients) == ["hos@council.example", "lead@council.example"]
    msg = parse(raw)
    assert msg["Subject"] == "QA Highlight Report: October, November and December 2021"
    assert msg["To"] == "hos@council.example" and msg["Cc"] == "lead@council.example"
    plain, rich = part_text(msg, "plain"), part_text(msg, "html")
    for body in (plain, rich):
        assert "Compliance has increased from 55% in October to 71% in November, although it remains below the 80% target." in body
        assert "In November, 18 of 49 audits (37%) were graded good or outstanding overall" in body
    # Planning's 26% -> 54% (p = 0.012) does not survive the correction for nine standards (q = 0.11): no claim.
    assert "For all 9 standards compared, the changes between September 2021 and December 2021 are within what chance alone" in rich
    assert "+28.5 points" not in rich
    attachments = {a.get_filename(): a.get_payload(decode=True) for a in msg.iter_attachments()}
    assert attachments["highlight_report.html"] == (out / "highlight_report.html").read_bytes()  # byte-identical
    assert attachments["tables.xlsx"] == (out / "tables.xlsx").read_bytes()
    df = pd.read_csv(planted_csv, dtype=str, keep_default_na=False)
    text = raw.decode("utf-8", errors="replace") + plain + rich + bytes(attachments["highlight_report.html"]).decode()
    assert PLANTED not in text
    assert not [v for col in ("child_id", "social_worker_id", "auditor_id") for v in df[col].unique() if v in text]


def test_without_send_only_an_eml_is_written(published, smtp_server):
    sink, port = smtp_server()
    path = email_run(published, settings(port), do_send=False, say=lambda *_: None)
    assert path == published / "email.eml" and not sink.received
    assert parse(path.read_bytes())["Subject"].startswith("QA Highlight Report")


@pytest.fixture
def tls_server(smtp_server, certificate):
    """A server that requires STARTTLS and a login: (received, port, logins, certificate)."""
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = Logins()
    sink, port = smtp_server(tls_context=context, require_starttls=True, authenticator=logins, auth_require_tls=True)
    return sink, port, logins, cert


def test_starttls_with_login(published, tls_server, monkeypatch):
    sink, port, logins, cert = tls_server
    monkeypatch.setenv("QA_TEST_SMTP_PASSWORD", "s3cret")
    email_run(
        published,
        settings(port, security="starttls", cafile=str(cert), username="qa-team", password_env="QA_TEST_SMTP_PASSWORD"),
        do_send=True,
        say=lambda *_: None,
    )
    assert len(sink.received) == 1 and logins.tries == 1


def test_refused_login_is_a_clear_message_and_not_retried(published, tls_server, monkeypatch):
    sink, port, logins, cert = tls_server
    monkeypatch.setenv("QA_TEST_SMTP_PASSWORD", "wrong")
    with pytest.raises(
        SendFailed, match="refused the login for 'qa-team' \\(535\\); check the username and the password in QA_TEST_SMTP_PASSWORD"
    ):
        email_run(
            published,
            settings(port, security="starttls", cafile=str(cert), username="qa-team", password_env="QA_TEST_SMTP_PASSWORD", retries=3),
            do_send=True,
            say=lambda *_: None,
        )
    # smtplib tries each mechanism the server offers (PLAIN, LOGIN) once; retrying the send would make it 6.
    assert logins.tries == 2 and not sink.received


def test_an_untrusted_certificate_is_refused(published, tls_server):
    sink, port, _, _ = tls_server
    with pytest.raises(SendFailed, match="a secure connection to 127.0.0.1:.* could not be made"):
        email_run(published, settings(port, security="starttls"), do_send=True, say=lambda *_: None)  # no cafile
    assert not sink.received


def test_server_down_is_retried_then_explained(published):
    before = {p.name: p.read_bytes() for p in published.glob("*.html")}
    said: list[str] = []
    with pytest.raises(SendFailed) as exc:
        email_run(published, settings(free_port(), retries=3), do_send=True, say=said.append)
    assert "not sent after 3 tries: could not reach the mail server at 127.0.0.1:" in str(exc.value)
    assert "The run's files are kept." in str(exc.value)
    assert len(said) == 2 and said[0].startswith("Sending failed (try 1 of 3)")
    assert {p.name: p.read_bytes() for p in published.glob("*.html")} == before
    assert (published / "email.eml").is_file()


def test_rejected_recipient(published, smtp_server):
    sink, port = smtp_server(refuse=("nobody@council.example",))
    with pytest.raises(SendFailed, match="refused some recipients: nobody@council.example \\(550 5.1.1 No such user here\\)"):
        email_run(published, settings(port, to=("hos@council.example", "nobody@council.example"), cc=()), do_send=True, say=lambda *_: None)
    assert [r for _, r, _ in sink.received] == [["hos@council.example"]]
    with pytest.raises(SendFailed, match="refused every recipient: nobody@council.example \\(550\\)"):
        email_run(published, settings(port, to=("nobody@council.example",), cc=()), do_send=True, say=lambda *_: None)


@pytest.mark.slow
def test_a_failed_run_sends_nothing_and_keeps_the_last_report(published, planted_csv, smtp_server, tmp_path):
    import nbformat

    sink, port = smtp_server()
    out = tmp_path / "out"
    shutil.copytree(published, out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", notebooks)
    nb = nbformat.read(notebooks / "highlight_report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('planted failure')"))
    nbformat.write(nb, notebooks / "highlight_report.ipynb")
    shutil.copy(REPO / "params" / "pack.yml", tmp_path / "pack.yml")
    (tmp_path / "run.yml").write_text(
        f"include: [pack.yml]\nperiod: {{from: '2021-10', to: '2021-12'}}\nnotebooks: [highlight_report]\nnotebooks_dir: notebooks\n"
        f"email: {{from: qa@council.example, to: [hos@council.example], smtp: {{host: 127.0.0.1, port: {port}, security: none}}}}\n"
    )
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(tmp_path / "run.yml"), "--audits", str(planted_csv), "--out", str(out), "--quiet", "--email"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1 and "RuntimeError: planted failure" in proc.stderr and "Traceback" not in proc.stderr
    assert not sink.received
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_email_refuses_a_folder_that_is_not_a_completed_run(tmp_path):
    (tmp_path / "half").mkdir()
    proc = subprocess.run(
        [QA_PACK, "email", "--run", str(tmp_path / "half"), "--params", str(REPO / "params" / "demo.yml")], capture_output=True, text=True
    )
    assert proc.returncode == 1 and "is not a completed run" in proc.stderr and "Traceback" not in proc.stderr


def test_passwords_never_come_from_params(tmp_path, published, monkeypatch):
    shutil.copy(REPO / "params" / "pack.yml", tmp_path / "pack.yml")
    (tmp_path / "run.yml").write_text("include: [pack.yml]\nemail: {smtp: {password: hunter2}}\n")
    with pytest.raises(ParamsError, match="never put a password in params"):
        load_params(tmp_path / "run.yml")
    monkeypatch.delenv("QA_TEST_UNSET", raising=False)
    with pytest.raises(QAPackError, match="the environment variable QA_TEST_UNSET \\(smtp password_env\\) is not set"):
        email_run(published, settings(free_port(), username="qa-team", password_env="QA_TEST_UNSET"), do_send=True)


def test_implicit_ssl(published, smtp_server, certificate):
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink, port = smtp_server(ssl_context=context)  # SMTPS: TLS from the first byte (port 465 style)
    email_run(published, settings(port, security="ssl", cafile=str(cert)), do_send=True, say=lambda *_: None)
    assert len(sink.received) == 1
    assert parse(sink.received[0][2])["Subject"].startswith("QA Highlight Report")
