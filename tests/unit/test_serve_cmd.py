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
