"""``spinecoach users add|list|passwd|link|signin-link`` on a real SQLite database."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from spinecoach.cli import main
from spinecoach.session import accounts
from spinecoach.session.records import Role
from spinecoach.settings import load_settings
from spinecoach.storage import open_repository

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SPINECOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SPINECOACH_DATABASE_URL", raising=False)
    return tmp_path / "data"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def _listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["users", "list", "--json"]) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_add_list_and_link(capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["users", "list"]) == 0
    assert "No accounts yet" in capsys.readouterr().out
    assert main(["users", "add", "kim"]) == 0
    assert "Added patient 'kim'" in capsys.readouterr().out
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "dr-sam", "--role", "clinician", "--password-stdin"]) == 0
    assert "signs in with a password" in capsys.readouterr().out
    assert main(["users", "link", "kim", "dr-sam"]) == 0
    assert "'dr-sam' can now read 'kim'" in capsys.readouterr().out
    assert _listed(capsys) == [
        {"id": 1, "name": "kim", "role": "patient", "password": False, "linked": ["dr-sam"]},
        {"id": 2, "name": "dr-sam", "role": "clinician", "password": True, "linked": ["kim"]},
    ]
    assert main(["users", "list"]) == 0
    table = capsys.readouterr().out
    assert "dr-sam" in table and "clinician" in table and "yes" in table
    assert main(["users", "link", "kim", "dr-sam", "--remove"]) == 0
    assert _listed(capsys)[0]["linked"] == []


def test_the_password_is_hashed_and_signs_in(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["users", "add", "kim"]) == 0
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "passwd", "kim", "--password-stdin"]) == 0
    assert "Password set for 'kim'" in capsys.readouterr().out
    with open_repository(load_settings()) as repo:
        stored = repo.password_hash(1)
        assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
        assert accounts.authenticate(repo, "kim", PASSWORD) is not None
        assert accounts.authenticate(repo, "kim", "wrong password") is None
    assert main(["users", "passwd", "kim", "--remove"]) == 0
    with open_repository(load_settings()) as repo:
        assert repo.password_hash(1) is None


def test_the_password_is_typed_twice_without_echo(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert main(["users", "add", "kim", "--password"]) == 2
    assert "the two passwords differ" in capsys.readouterr().err
    assert _listed(capsys) == []  # nothing was added


@pytest.mark.parametrize(("argv", "message"), [
    (["users", "add", "me"], "already exists"),
    (["users", "add", "no spaces"], "cannot be an account name"),
    (["users", "passwd", "nobody", "--remove"], "There is no account named 'nobody'"),
    (["users", "link", "me", "me"], "'me' is not a clinician account"),
    (["users", "link", "nobody", "me"], "There is no account named 'nobody'"),
])
def test_mistakes_are_one_line_and_exit_code_2(argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "me"]) == 0
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_short_password_is_refused(capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, "short\n")
    assert main(["users", "add", "kim", "--password-stdin"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err


def test_signin_link_prints_a_one_time_link(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "signin-link", "--port", "8123"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("http://127.0.0.1:8123/signin?token=")
    token = url.split("token=", 1)[1]
    with open_repository(load_settings()) as repo:
        (first,) = repo.users()  # made on first use
        assert first.role is Role.PATIENT
        now = first.created_at
        assert accounts.redeem_signin_link(repo, token, now) == first
        assert accounts.redeem_signin_link(repo, token, now) is None  # once only


def test_other_commands_default_to_the_first_account(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "kim"]) == 0
    assert main(["checkin", "--back-pain", "3", "--leg-pain", "1", "--where", "thigh",
                 "--numbness", "no", "--tingling", "no", "--weakness", "no"]) == 0
    capsys.readouterr()
    assert _listed(capsys) == [{"id": 1, "name": "kim", "role": "patient", "password": False,
                                "linked": []}]  # no second, "me" account was made
    with open_repository(load_settings()) as repo:
        assert [c.back_pain for c in repo.checkins(1)] == [3]
