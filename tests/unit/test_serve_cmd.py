"""``spinecoach serve`` stays on this computer unless told, explicitly, to do otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecoach.cli import main
from spinecoach.cli.serve_cmd import check_local_only, is_loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "my-laptop.lan"])
def test_a_network_host_is_refused_in_one_line(host: str, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               tmp_path) -> None:
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path))
    assert main(["serve", "--no-browser", "--host", host]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no HTTPS" in err and "--allow-network-without-accounts" in err
    assert "--network" in err
    assert not (tmp_path / "spinecoach.db").exists()  # refused before anything started


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_flag(host: str) -> None:
    assert is_loopback(host)
    check_local_only(host, allowed=False)


def test_the_explicit_flag_allows_a_network_host() -> None:
    check_local_only("0.0.0.0", allowed=True)


def test_get_answers_in_process_signed_in_as_the_local_account(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import json

    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    assert main(["serve", "--get", "/api/export.json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["user"] == "me"  # the first account, made on first use
    assert main(["serve", "--get", "/api/me"]) == 0
    assert json.loads(capsys.readouterr().out)["role"] == "patient"


def test_the_sign_in_link_names_this_machine() -> None:
    from spinecoach.cli.users_cmd import signin_url

    assert signin_url("127.0.0.1", 8000, "t") == "http://127.0.0.1:8000/signin?token=t"
    assert signin_url("0.0.0.0", 8000, "t") == "http://127.0.0.1:8000/signin?token=t"
    assert signin_url("::1", 8001, "t") == "http://[::1]:8001/signin?token=t"


def test_get_answers_in_process_without_any_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["serve", "--get", "/api/health"]) == 0
    out = capsys.readouterr()
    assert '"status":"ok"' in out.out and "Deprecat" not in out.err


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, object], str]:
    """Run ``spinecoach serve ARGV`` up to uvicorn; what uvicorn was given, and stderr."""
    import uvicorn

    ran: dict[str, object] = {}
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("SPINECOACH_HOST", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: ran.update(kwargs, app=app))
    monkeypatch.setattr("os.umask", lambda mask: 0o022)  # not the test process's umask
    assert main(["serve", "--no-browser", "--port", str(_free_port()), *argv]) == 0
    return ran, capsys.readouterr().err


def test_without_network_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    ran, err = _serve([], tmp_path, monkeypatch, capsys)
    assert ran["host"] == "127.0.0.1"
    assert ran["proxy_headers"] is False  # a local process cannot claim another address
    assert "ssl_certfile" not in ran and "ssl_keyfile" not in ran
    assert "http://127.0.0.1:" in err and "https://" not in err
    assert not (tmp_path / "data" / "tls").exists()


def test_network_serves_https_on_every_interface_with_its_certificates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cryptography import x509

    from spinecoach.web.testing import find_pairing_link, find_signin_link

    ran, err = _serve(["--network"], tmp_path, monkeypatch, capsys)
    tls = tmp_path / "data" / "tls"
    assert ran["host"] == "0.0.0.0"
    assert ran["ssl_certfile"] == str(tls / "server.crt")
    assert ran["ssl_keyfile"] == str(tls / "server.key")
    assert ran["proxy_headers"] is False
    link = find_signin_link(err)
    assert link is not None and link.startswith("https://127.0.0.1:")
    pair = find_pairing_link(err)
    assert pair is not None and pair.startswith("https://") and "/pair/" in pair
    ca = x509.load_pem_x509_certificate((tls / "ca.crt").read_bytes())
    from spinecoach.web.certificates import fingerprint

    assert fingerprint(ca) in err and str(tls / "ca.crt") in err
    assert "\u2588" in err  # the QR code, drawn with blocks
    assert "/ca.crt" in err and "new certificate authority" in err
    # a second start reuses the authority
    _, again = _serve(["--network"], tmp_path, monkeypatch, capsys)
    assert fingerprint(ca) in again and "new certificate authority" not in again


def test_network_on_loopback_keeps_https_and_says_a_phone_cannot_reach_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from spinecoach.web.testing import find_pairing_link

    ran, err = _serve(["--network", "--host", "127.0.0.1"], tmp_path, monkeypatch, capsys)
    assert ran["host"] == "127.0.0.1" and "ssl_certfile" in ran
    pair = find_pairing_link(err)
    assert pair is not None and pair.startswith("https://127.0.0.1:")
    assert "a phone cannot reach it" in err


def test_the_phone_address() -> None:
    from spinecoach.cli.serve_cmd import phone_address

    assert phone_address("0.0.0.0", ("192.168.1.20", "10.0.0.2"), "vm") == "192.168.1.20"
    assert phone_address("0.0.0.0", (), "Kims-Laptop.lan") == "kims-laptop.local"
    assert phone_address("192.168.1.30", ("192.168.1.20",), "vm") == "192.168.1.30"
    assert phone_address("::1", (), "vm") == "[::1]"


def test_an_https_sign_in_link() -> None:
    from spinecoach.cli.users_cmd import signin_url

    assert signin_url("0.0.0.0", 8000, "t", https=True) == "https://127.0.0.1:8000/signin?token=t"


def _decode_terminal_qr(text: str) -> str:
    """Read back a QR code drawn with half blocks (a full block is two light modules)."""
    import cv2
    import numpy as np

    top = {"█": 1, "▀": 1, "▄": 0, " ": 0}
    bottom = {"█": 1, "▀": 0, "▄": 1, " ": 0}
    rows = [line for line in text.splitlines() if line and set(line) <= set(top)]
    width = max(len(r) for r in rows)
    modules = []
    for line in rows:
        line = line.ljust(width, " ")
        modules.append([top[c] for c in line])
        modules.append([bottom[c] for c in line])
    image = (np.array(modules, dtype=np.uint8) * 255).repeat(4, 0).repeat(4, 1)
    image = np.pad(image, 32, constant_values=255)
    # the ArUco-based detector reads every code; the classic one misses about 1 in 50
    decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return str(decoded)


def test_the_printed_qr_code_is_the_pairing_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from spinecoach.web.testing import find_pairing_link

    _, err = _serve(["--network"], tmp_path, monkeypatch, capsys)
    pair = find_pairing_link(err)
    assert pair is not None
    assert _decode_terminal_qr(err) == pair


def test_the_browser_is_opened_at_a_private_page_not_at_the_sign_in_token(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A command line is readable by every account: the browser's must not carry the one-time
    token, or another account could sign in with it first."""
    import stat
    import threading
    import webbrowser
    from urllib.parse import urlparse

    import uvicorn

    from spinecoach.web.testing import find_signin_link

    opened: list[tuple[str, int, str]] = []

    def fake_open(address: str) -> bool:
        path = Path(urlparse(address).path)
        opened.append((address, stat.S_IMODE(path.stat().st_mode), path.read_text()))
        return True

    class NowTimer:  # the browser opens straight away, while the server "runs"
        def __init__(self, _delay: float, fn, args=()) -> None:  # type: ignore[no-untyped-def]
            self.fn, self.args = fn, args

        def start(self) -> None:
            self.fn(*self.args)

    data = tmp_path / "data"
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(data))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    monkeypatch.delenv("SPINECOACH_HOST", raising=False)
    monkeypatch.setattr(webbrowser, "open", fake_open)
    monkeypatch.setattr(threading, "Timer", NowTimer)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    assert main(["serve", "--port", str(_free_port())]) == 0
    link = find_signin_link(capsys.readouterr().err)
    assert link is not None
    token = link.split("token=")[1]
    [(address, mode, page)] = opened
    assert address.startswith("file://") and token not in address
    assert mode == 0o600 and link.replace("&", "&amp;") in page
    assert not list(data.glob("open-*.html"))  # gone once the server stopped
