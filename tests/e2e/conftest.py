"""End-to-end fixtures: the real server (``spinecoach serve``) on a free port in a subprocess,
and headless Debian Chromium driven by Python playwright, with a synthetic fake webcam.

The browser signs in as a user does: it opens the one-time link ``serve`` printed (later
pages and other browsers get a new link from ``spinecoach users signin-link``).

Screenshots go to ``$SPINECOACH_E2E_SHOTS`` (default: the test's tmp dir) so they can be
looked at after a run.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from spinecoach.web.testing import find_signin_link

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BASE_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running ``spinecoach serve`` with its own data directory.

    ``network``: ``serve --network --host 127.0.0.1``, HTTPS with the certificates it makes
    in the data directory (bound to loopback: nothing leaves this machine).
    """

    def __init__(self, data_dir: Path, *, network: bool = False,
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.network = network
        self.url = f"{'https' if network else 'http'}://127.0.0.1:{self.port}"
        env = {**os.environ, "SPINECOACH_DATA_DIR": str(data_dir), "SPINECOACH_SPEECH": "auto",
               **(env or {})}
        env.pop("SPINECOACH_DATABASE_URL", None)
        env.pop("SPINECOACH_HOST", None)
        self.env = env
        self.printed_link: str | None = None
        self.log = (data_dir / "server.log").open("wb")
        extra = ["--network", "--host", "127.0.0.1"] if network else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spinecoach.cli", "serve", "--no-browser",
             "--port", str(self.port), *extra],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=REPO,
        )
        self._wait()

    def _verify(self) -> ssl.SSLContext | bool:
        """How httpx checks this server: against its own CA under ``--network``."""
        if not self.network:
            return True
        ca = self.data_dir / "tls" / "ca.crt"
        if not ca.exists():
            raise httpx.ConnectError("no certificate yet")
        return ssl.create_default_context(cafile=str(ca))

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "server.log").read_text())
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1,
                             verify=self._verify()).status_code == 401:
                    self.printed_link = find_signin_link(
                        (self.data_dir / "server.log").read_text())
                    assert self.printed_link is not None, "serve printed no sign-in link"
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("the server did not start")

    def run_cli(self, *args: str, stdin: str = "") -> str:
        """Run ``spinecoach ARGS`` on this server's data directory; return its stdout."""
        done = subprocess.run([sys.executable, "-m", "spinecoach.cli", *args], env=self.env,
                              input=stdin, capture_output=True, text=True, cwd=REPO, check=True)
        return done.stdout

    def new_link(self, name: str | None = None) -> str:
        """A fresh one-time sign-in link (``spinecoach users signin-link``)."""
        out = self.run_cli("users", "signin-link", *([name] if name else []),
                           "--port", str(self.port), *(["--https"] if self.network else []))
        link = find_signin_link(out)
        assert link is not None, out
        return link

    def sign_in(self, page: object) -> None:
        """Open a one-time link in ``page`` (the printed one first, as a user would)."""
        link, self.printed_link = self.printed_link or self.new_link(), None
        page.goto(link)  # type: ignore[attr-defined]
        assert "token=" not in page.url  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the browser tests, with a reason, where Chromium or playwright is missing."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = "Debian's chromium is not installed (scripts/system-deps installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Python playwright is not installed (scripts/setup --dev)"
    if missing:
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    data.mkdir()
    running = Server(data)
    yield running
    running.stop()


@pytest.fixture
def network_server(tmp_path: Path) -> Iterator[Server]:
    data = tmp_path / "data"
    data.mkdir()
    running = Server(data, network=True)
    yield running
    running.stop()


BRIDGE_WEBCAM_REPS = 2


@pytest.fixture(scope="session")
def bridge_webcam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fake webcam: a rendered clip of two good bridges, side-on (Chromium loops it)."""
    from spinecoach.synth import render_clip

    out = tmp_path_factory.mktemp("webcam") / "bridge.mjpeg"
    render_clip("bridge", "good", out, fmt="mjpeg", repetitions=BRIDGE_WEBCAM_REPS)
    return out


def fake_webcam_args(video: Path) -> list[str]:
    """Chromium's fake camera, playing ``video``, allowed without asking."""
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]


@pytest.fixture
def shots(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[object, str], Path]:
    folder = Path(os.environ.get("SPINECOACH_E2E_SHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: object, name: str) -> Path:
        path = folder / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take


def launch(playwright: object, extra_args: list[str]) -> object:
    """Launch Debian's Chromium (never a downloaded browser)."""
    return playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=CHROMIUM, headless=True, args=BASE_ARGS + extra_args)


def answer_all_no(page: object) -> None:
    """Answer every screening question on the page with a safe answer."""
    page.evaluate("""() => {  // noqa
      for (const q of document.querySelectorAll('.question')) {
        if (q.dataset.kind === 'yes_no') q.querySelector('input[value=no]').checked = true;
        else if (q.dataset.kind === 'number') q.querySelector('input').value = '40';
        else { const s = q.querySelector('select'); s.value = s.options[1].value; }
      }
    }""")  # type: ignore[attr-defined]


def watch_policy(page: object) -> list[str]:
    """Collect what the page's content security policy blocked (Chromium logs each one)."""
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text)  # type: ignore[attr-defined]
            if "Content Security Policy" in m.text else None)
    return blocked
